"""Surveys of children's views: written for children, answered once per child (online with a
code or on paper), and read only as protected aggregates.

The counts go through core.disclosure like every count of persons: exact for those who may read
the children's records, perturbed with "<5" for everyone else (the office, units, the public), so
comparing the results before and after one more child answered reveals nothing about that child."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core import disclosure
from tongyou.core.errors import Refusal
from tongyou.core.scoping import require

from .codes import _why_not, may_take_part
from .models import Option, Participant, Picture, Process, Question, Survey, SurveyResponse

if TYPE_CHECKING:
    from tongyou.accounts.models import User
    from tongyou.datahub.models import Child

FACES = [
    (Picture.FACE_1, gettext_lazy("Very unhappy")),
    (Picture.FACE_2, gettext_lazy("Unhappy")),
    (Picture.FACE_3, gettext_lazy("So-so")),
    (Picture.FACE_4, gettext_lazy("Happy")),
    (Picture.FACE_5, gettext_lazy("Very happy")),
]
MAX_QUESTIONS = 20
MAX_OPTIONS = 8


@dataclass(frozen=True)
class QuestionText:
    text: str
    kind: str
    options: list[tuple[str, str]]  # (text, picture)


def parse(lines: str) -> list[QuestionText]:
    """Questions written one per line as staff type them:

        你上学路上觉得安全吗？ | 笑脸
        你最想要什么？ | 秋千[play] / 图书角[book] / 饮水机
        你常去哪里玩？（可多选） | * 公园[tree] / 小区 / 学校[school]

    "笑脸" (or "faces") makes a five-face scale; "*" before the options allows several answers;
    a picture name in brackets puts a picture beside an answer."""
    questions: list[QuestionText] = []
    for number, line in enumerate((raw.strip() for raw in lines.splitlines() if raw.strip()), start=1):
        if "|" not in line:
            raise Refusal(_("Line %(n)d: write the question, then | and its answers.") % {"n": number})
        text, answers = (part.strip() for part in line.split("|", 1))
        if not text or len(text) > 200:
            raise Refusal(
                _("Line %(n)d: the question is missing or longer than 200 characters.") % {"n": number}
            )
        if answers in ("笑脸", "faces"):
            questions.append(QuestionText(text, Question.Kind.FACES, [(str(w), p) for p, w in FACES]))
            continue
        kind = Question.Kind.SINGLE
        if answers.startswith("*"):
            kind, answers = Question.Kind.MULTIPLE, answers[1:]
        options = []
        for option in (o.strip() for o in answers.split("/") if o.strip()):
            match = re.fullmatch(r"(.+?)\s*\[([a-z0-9-]+)\]", option)
            words, picture = (match.group(1), match.group(2)) if match else (option, "")
            if picture and picture not in Picture.values:
                raise Refusal(
                    _("Line %(n)d: unknown picture '%(p)s' (choose from %(all)s).")
                    % {"n": number, "p": picture, "all": ", ".join(v for v in Picture.values if v)}
                )
            options.append((words[:100], picture))
        if not 2 <= len(options) <= MAX_OPTIONS:
            raise Refusal(_("Line %(n)d: give two to eight answers, separated by /.") % {"n": number})
        questions.append(QuestionText(text, kind, options))
    if not 1 <= len(questions) <= MAX_QUESTIONS:
        raise Refusal(_("A survey has one to twenty questions."))
    return questions


def create_survey(user: User, process: Process, *, title: str, intro: str, questions: str) -> Survey:
    require(user, "participation.manage_process", process)
    parsed = parse(questions)
    if not title.strip():
        raise Refusal(_("Give the survey a title."))
    with transaction.atomic():
        survey = Survey.objects.create(
            process=process, title=title.strip()[:80], intro=intro.strip()[:1000], created_by=user
        )
        for number, question in enumerate(parsed, start=1):
            row = Question.objects.create(
                survey=survey, number=number, text=question.text, kind=question.kind
            )
            Option.objects.bulk_create(
                Option(question=row, number=i, text=text, picture=picture)
                for i, (text, picture) in enumerate(question.options, start=1)
            )
        record(AuditEntry.Action.CREATE, user=user, obj=survey)
    return survey


def _chosen(survey: Survey, choices: Mapping[int, Iterable[int]]) -> list[Option]:
    """The options chosen, checked against the survey: every question answered, one answer where
    only one is allowed."""
    picked: list[Option] = []
    for question in survey.questions.prefetch_related("options"):
        allowed = {o.pk: o for o in question.options.all()}
        ids = [i for i in choices.get(question.pk, ()) if i in allowed]
        if not ids:
            raise Refusal(
                _("Please answer every question (question %(n)d is missing).") % {"n": question.number}
            )
        if question.kind != Question.Kind.MULTIPLE and len(ids) > 1:
            raise Refusal(_("Question %(n)d takes one answer.") % {"n": question.number})
        picked.extend(allowed[i] for i in dict.fromkeys(ids))
    return picked


def _save(
    survey: Survey, child: Child, origin: str, options: list[Option], user: User | None
) -> SurveyResponse:
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey, child=child, origin=origin, entered_by=user
            )
            response.choices.set(options)
    except IntegrityError as exc:
        raise Refusal(_("This child has already answered this survey: each child answers once.")) from exc
    record(
        AuditEntry.Action.CREATE,
        user=user,
        obj=response,
        details={"origin": origin} if user else {"origin": origin, "username": "participant"},
    )
    return response


def answer_online(
    participant: Participant, survey: Survey, choices: Mapping[int, Iterable[int]]
) -> SurveyResponse:
    participant = may_take_part(participant)
    if survey.process_id != participant.process_id:
        raise Refusal(_("This survey belongs to another activity."))
    phase = participant.process.active_phase()
    if phase is None or not phase.surveying:
        raise Refusal(_("Surveys cannot be answered in this stage of the activity."))
    return _save(survey, participant.child, SurveyResponse.Origin.ONLINE, _chosen(survey, choices), None)


def answer_on_paper(
    user: User, survey: Survey, child: Child, choices: Mapping[int, Iterable[int]]
) -> SurveyResponse:
    """Staff enter a paper form for a child they may read in the index; the same checks as
    online (age window, consent) and the same once-per-child rule."""
    require(user, "participation.add_participant", child)
    why = _why_not(survey.process, child, timezone.localdate())
    if why:
        raise Refusal(why)
    return _save(survey, child, SurveyResponse.Origin.PAPER, _chosen(survey, choices), user)


@dataclass
class OptionResult:
    option: Option
    count: int | None  # None: "<5"
    share: float | None


@dataclass
class QuestionResult:
    question: Question
    options: list[OptionResult]


def results(survey: Survey, policy: disclosure.Policy) -> tuple[int | None, list[QuestionResult]]:
    """How many children answered, and each answer's count and share, as `policy` may see them."""
    respondents: dict[int, int] = dict(survey.responses.values_list("pk", "child_id"))
    total = disclosure.persons(disclosure.Signature.of(respondents.values()), policy)
    chosen: dict[int, list[int]] = {}
    for response_id, option_id in SurveyResponse.choices.through.objects.filter(
        surveyresponse__survey=survey
    ).values_list("surveyresponse_id", "option_id"):
        chosen.setdefault(option_id, []).append(respondents[response_id])
    shown = []
    for question in survey.questions.prefetch_related("options"):
        rows = []
        for option in question.options.all():
            count = disclosure.persons(disclosure.Signature.of(chosen.get(option.pk, [])), policy)
            rows.append(OptionResult(option, count, disclosure.share(count, total)))
        shown.append(QuestionResult(question, rows))
    return total, shown


def open_for(participant: Participant) -> list[Any]:
    """The surveys of the child's process they may answer now and have not answered."""
    phase = participant.process.active_phase()
    if phase is None or not phase.surveying:
        return []
    done = set(SurveyResponse.objects.filter(child=participant.child).values_list("survey_id", flat=True))
    return [s for s in participant.process.surveys.prefetch_related("questions__options") if s.pk not in done]
