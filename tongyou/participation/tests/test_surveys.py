"""Surveys: written as staff type them, answered once per child, online or on paper, and read
only as protected aggregates."""

import pytest
from django.test import Client
from django.urls import reverse

from tongyou.core import disclosure
from tongyou.core.errors import Refusal
from tongyou.participation import surveys
from tongyou.participation.models import Question, Stage, SurveyResponse

from .helpers import People, aged

pytestmark = pytest.mark.django_db
QUESTIONS = """你上学路上觉得安全吗？ | 笑脸
你最想要什么？ | 秋千[play] / 图书角[book] / 饮水机
你常去哪里玩？ | * 公园[tree] / 小区 / 学校[school]"""


@pytest.fixture
def people():
    return People()


@pytest.fixture
def survey(people):
    process = people.process()
    return surveys.create_survey(people.street, process, title="上学路", intro="说说看", questions=QUESTIONS)


def _all_first(survey):
    return {q.pk: [q.options.first().pk] for q in survey.questions.all()}


def test_questions_are_written_one_per_line(survey):
    kinds = [q.kind for q in survey.questions.all()]
    assert kinds == [Question.Kind.FACES, Question.Kind.SINGLE, Question.Kind.MULTIPLE]
    faces = survey.questions.first().options.all()
    assert [o.picture for o in faces] == ["face-1", "face-2", "face-3", "face-4", "face-5"]
    assert survey.questions.get(number=2).options.first().picture == "play"


@pytest.mark.parametrize(
    "text",
    [
        "没有竖线的问题",
        "问题 | 只有一个",
        "问题 | 甲[rocket] / 乙",
        " | 甲 / 乙",
        "问题 | " + " / ".join("甲乙丙丁戊己庚辛壬"),
        "",
    ],
)
def test_a_badly_written_survey_is_refused_saying_which_line(people, text):
    with pytest.raises(Refusal):
        surveys.create_survey(people.street, people.process(), title="x", intro="", questions=text)


def test_each_child_answers_once_online_or_on_paper(people, survey):
    participant, _code = people.participant(survey.process)
    surveys.answer_online(participant, survey, _all_first(survey))
    with pytest.raises(Refusal, match="once|一次"):
        surveys.answer_online(participant, survey, _all_first(survey))
    with pytest.raises(Refusal):
        surveys.answer_on_paper(people.director, survey, participant.child, _all_first(survey))
    assert SurveyResponse.objects.count() == 1


def test_an_answer_must_cover_every_question_with_options_of_its_own(people, survey):
    participant, _code = people.participant(survey.process)
    choices = _all_first(survey)
    missing = dict(list(choices.items())[1:])
    with pytest.raises(Refusal):
        surveys.answer_online(participant, survey, missing)
    two = dict(choices)
    second = survey.questions.get(number=2)
    two[second.pk] = list(second.options.values_list("pk", flat=True)[:2])
    with pytest.raises(Refusal):  # one answer only
        surveys.answer_online(participant, survey, two)
    foreign = dict(choices)
    foreign[second.pk] = [survey.questions.get(number=1).options.first().pk]
    with pytest.raises(Refusal):  # an option of another question counts for nothing
        surveys.answer_online(participant, survey, foreign)


def test_paper_forms_follow_the_same_rules(people, survey):
    with pytest.raises(Refusal):  # no consent
        surveys.answer_on_paper(people.director, survey, aged(10), _all_first(survey))
    young = aged(5)
    people.consent(young)
    with pytest.raises(Refusal):  # outside the age window
        surveys.answer_on_paper(people.director, survey, young, _all_first(survey))
    with pytest.raises(Exception):  # noqa: B017 (the office cannot pick a child from the index)
        surveys.answer_on_paper(people.coordinator, survey, aged(10), _all_first(survey))


def test_surveys_are_answered_only_in_a_stage_that_allows_them(people, survey):
    participant, _code = people.participant(survey.process)
    from tongyou.participation import processes

    processes.activate(survey.process, Stage.DECISION, people.street)
    with pytest.raises(Refusal):
        surveys.answer_online(participant, survey, _all_first(survey))


def test_results_are_exact_only_for_those_who_read_the_records(people, survey):
    answered = []
    for years in (8, 9, 10):
        child = aged(years)
        people.consent(child)
        surveys.answer_on_paper(people.director, survey, child, _all_first(survey))
        answered.append(child.pk)
    total, exact = surveys.results(survey, disclosure.EXACT)
    assert total == 3 and exact[1].options[0].count == 3 and exact[1].options[1].count == 0
    total, protected = surveys.results(survey, disclosure.PROTECTED)
    # every protected cell is the disclosure module's answer for exactly its contributors
    assert total == disclosure.persons(disclosure.Signature.of(answered), disclosure.PROTECTED)
    assert protected[1].options[0].count == disclosure.persons(
        disclosure.Signature.of(answered), disclosure.PROTECTED
    )
    nobody = disclosure.persons(disclosure.Signature.of([]), disclosure.PROTECTED)
    assert protected[1].options[1].count == nobody
    assert total in (None, 5, 6, 7, 8)  # 3 children are never shown as 1 to 4


def test_repeating_or_differencing_protected_results_reveals_no_single_child(people, survey):
    """The same respondents always get the same noise (nothing averages away); one more child
    gives a new contributor set with independent noise, so the difference is not the child."""
    children = []
    for index in range(12):
        child = aged(8 + index % 7)
        people.consent(child)
        children.append(child)
    for child in children[:11]:
        surveys.answer_on_paper(people.director, survey, child, _all_first(survey))
    before = [surveys.results(survey, disclosure.PROTECTED)[0] for _ in range(3)]
    assert len(set(before)) == 1  # asking again gives the same figure
    surveys.answer_on_paper(people.director, survey, children[11], _all_first(survey))
    after = surveys.results(survey, disclosure.PROTECTED)[0]
    exact_before, exact_after = 11, 12
    signature = disclosure.Signature.of(c.pk for c in children[:11])
    assert before[0] == disclosure.persons(signature, disclosure.PROTECTED)  # through disclosure control
    assert after == disclosure.persons(disclosure.Signature.of(c.pk for c in children), disclosure.PROTECTED)
    assert (exact_before, exact_after) == (11, 12)


def test_a_child_answers_on_the_page_and_the_public_sees_protected_results(people, survey):
    _participant, code = people.participant(survey.process)
    child = Client()
    child.post(reverse("participation:join"), {"code": code})
    assert "上学路" in child.get(reverse("participation:mine")).content.decode()
    form = child.get(reverse("participation:survey_answer", args=[survey.pk])).content.decode()
    assert "face-5.svg" in form
    data = {f"q{q}": v for q, v in _all_first(survey).items()}
    assert child.post(reverse("participation:survey_answer", args=[survey.pk]), data).status_code == 302
    assert "上学路" not in child.get(reverse("participation:mine")).content.decode().split("我的想法")[0]
    public = Client().get(reverse("participation:survey_public", args=[survey.pk])).content.decode()
    assert "&lt;5" in public
