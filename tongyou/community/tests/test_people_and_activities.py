"""The talent pool and its activities: the counsellor's cycle, the safeguarding gate, places
held under a lock, hours that count only once confirmed — and every refusal."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from tongyou.accounts.roles import Role
from tongyou.community import activities, people
from tongyou.community.models import Activity, Assignment, BackgroundCheck, Person, SignUp
from tongyou.core.errors import Refusal
from tongyou.core.models import Notification
from tongyou.regions.models import Region
from tongyou.tests.factories import ChildFactory

from .helpers import HERE, THERE, area, at, id_number, user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def volunteer(keeper, years=30, **kwargs):
    return people.register_person(
        keeper, kind="volunteer", name="张志愿", id_number=id_number(years), region=area(), **kwargs
    )


def checked(keeper, person, days_ago=10, result="passed"):
    return people.record_check(
        keeper,
        person,
        checked_on=TODAY - datetime.timedelta(days=days_ago),
        queried_by="呼和浩特市公安局玉泉区分局",
        result=result,
    )


def activity(keeper, **kwargs):
    fields = {
        "title": "亲子共读：小熊很忙",
        "kind": "reading",
        "region": area(),
        "place": "小召前街社区图书室",
        "starts_at": at(3, 9),
        "ends_at": at(3, 11),
        "capacity": 2,
        "age_min": 3,
        "age_max": 6,
    } | kwargs
    return activities.create_activity(keeper, **fields)


def test_organisations_need_a_valid_credit_code_once():
    keeper = user(Role.STREET_OFFICER, "150104001")
    with pytest.raises(Refusal, match="91110000600037341X"):
        people.register_organisation(
            keeper,
            name="童心社工",
            credit_code="91110000600037341X",
            registered_with="玉泉区民政局",
            region=area(),
        )
    people.register_organisation(
        keeper,
        name="童心社工",
        credit_code="91110000600037341l",
        registered_with="玉泉区民政局",
        region=area(),
    )
    with pytest.raises(Refusal):
        people.register_organisation(
            keeper,
            name="又一家",
            credit_code="91110000600037341L",
            registered_with="玉泉区民政局",
            region=area(),
        )


def test_a_person_is_registered_once_encrypted_and_volunteers_under_18_need_consent():
    keeper = user()
    number = id_number(35)
    person = people.register_person(keeper, kind="counsellor", name="李辅导", id_number=number, region=area())
    assert person.status == Person.Status.CANDIDATE
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, id_number FROM community_person WHERE id = %s", [person.pk])
        raw = cursor.fetchone()
    assert raw[0].startswith("ty1$") and "李辅导" not in raw[0] and number not in raw[1]  # ciphertext at rest
    with pytest.raises(Refusal):
        people.register_person(keeper, kind="counsellor", name="李辅导", id_number=number, region=area())
    with pytest.raises(Refusal):
        people.register_person(
            keeper, kind="volunteer", name="小志愿", id_number=id_number(13), region=area()
        )
    with pytest.raises(Refusal):
        people.register_person(
            keeper, kind="volunteer", name="小志愿", id_number=id_number(15), region=area()
        )
    young = people.register_person(
        keeper,
        kind="volunteer",
        name="小志愿",
        id_number=id_number(15),
        region=area(),
        guardian_consent_on=TODAY,
    )
    assert young.status == Person.Status.ACTIVE
    with pytest.raises(Refusal):
        people.register_person(
            keeper, kind="volunteer", name="坏号码", id_number="150104201001011234", region=area()
        )
    with pytest.raises(PermissionDenied):
        people.register_person(
            user(code=THERE), kind="volunteer", name="外区", id_number=id_number(30), region=area()
        )


def test_the_counsellors_cycle_from_candidate_to_exit():
    keeper = user()
    person = people.register_person(
        keeper, kind="counsellor", name="王五老", id_number=id_number(66), region=area(), source="five_elders"
    )
    with pytest.raises(Refusal):
        people.change_status(keeper, person, Person.Status.ACTIVE)  # not trained yet
    people.train(keeper, person, "SGW-2026-017")
    with pytest.raises(Refusal, match="聘书|appointment"):
        people.change_status(keeper, person, Person.Status.ACTIVE)  # no letter yet
    first = people.appoint(
        keeper,
        person,
        appointed_by="玉泉区少工委",
        letter_number="玉少工委聘〔2026〕12号",
        term_start=TODAY - datetime.timedelta(days=30),
        term_end=TODAY + datetime.timedelta(days=335),
        schools="玉泉区实验小学",
    )
    people.change_status(keeper, person, Person.Status.ACTIVE)
    renewal = people.appoint(
        keeper,
        person,
        appointed_by="玉泉区少工委",
        letter_number="玉少工委聘〔2027〕3号",
        term_start=first.term_end,
        term_end=first.term_end + datetime.timedelta(days=365),
    )
    assert renewal.renews == first
    with pytest.raises(Refusal):
        people.change_status(keeper, person, Person.Status.EXITED)  # a reason is needed
    with pytest.raises(Refusal):
        people.change_status(
            keeper, person, Person.Status.SUSPENDED, reason="休假", seen=Person.Status.CANDIDATE
        )
    people.change_status(keeper, person, Person.Status.EXITED, reason="迁居外地")
    with pytest.raises(Refusal):
        people.change_status(keeper, person, Person.Status.ACTIVE)


@pytest.mark.parametrize(
    "setup, why",
    [
        (lambda k, p: None, "no check at all"),
        (lambda k, p: checked(k, p, days_ago=400), "a check more than a year old"),
        (lambda k, p: checked(k, p, result="failed"), "a failed check (and suspended)"),
        (
            lambda k, p: (checked(k, p), people.change_status(k, p, "suspended", reason="投诉调查")),
            "suspended",
        ),
    ],
)
def test_nobody_without_a_valid_check_works_with_children(setup, why):
    keeper = user()
    person = volunteer(keeper)
    setup(keeper, person)
    person.refresh_from_db()
    with pytest.raises(Refusal):
        activities.assign(keeper, activity(keeper), person, "带读绘本")
    assert not Assignment.objects.exists(), why


def test_a_checked_volunteer_is_assigned_and_a_young_one_only_where_it_suits():
    keeper = user()
    adult = volunteer(keeper)
    checked(keeper, adult)
    session = activity(keeper)
    activities.assign(keeper, session, adult, "带读绘本")
    with pytest.raises(Refusal):
        activities.assign(keeper, session, adult)  # twice
    young = volunteer(keeper, years=16, guardian_consent_on=TODAY)
    checked(keeper, young)
    with pytest.raises(Refusal):
        activities.assign(keeper, session, young)
    suited = activity(keeper, title="图书整理", suits_minors=True)
    activities.assign(keeper, suited, young, "整理图书")


def test_a_failed_check_suspends_the_person_and_expiring_checks_are_told_in_time():
    keeper = user()
    person = volunteer(keeper)
    checked(keeper, person, result="failed")
    person.refresh_from_db()
    assert person.status == Person.Status.SUSPENDED
    other = volunteer(keeper)
    checked(keeper, other, days_ago=350)  # due in 15 days
    told = people.notify_expiring_checks()
    assert told >= 1 and Notification.objects.filter(recipient=keeper).exists()
    assert (
        "张志愿" not in Notification.objects.filter(recipient=keeper).first().message
    )  # no name in messages
    assert people.notify_expiring_checks() == 0  # once per check
    assert BackgroundCheck.objects.count() == 2


def test_sign_ups_respect_ages_places_and_the_childs_area():
    keeper = user()
    session = activity(keeper)
    grid = Region.objects.filter(path__contains=f"/{HERE}/", level=Region.Level.GRID).first()

    def child(age):
        return ChildFactory(
            residence_region=grid,
            birth_date=TODAY.replace(year=TODAY.year - age) - datetime.timedelta(days=30),
        )

    first, second, third, too_old = child(4), child(5), child(3), child(9)
    activities.sign_up(keeper, session, first, family_members=2)
    with pytest.raises(Refusal):
        activities.sign_up(keeper, session, first)  # twice
    with pytest.raises(Refusal):
        activities.sign_up(keeper, session, too_old)
    activities.sign_up(keeper, session, second)
    with pytest.raises(Refusal, match="满|full"):
        activities.sign_up(keeper, session, third)
    with pytest.raises(PermissionDenied):
        activities.sign_up(user(code=THERE), session, third)
    assert SignUp.objects.count() == 2
    with pytest.raises(Refusal):
        activities.mark_attendance(
            keeper, session, {s.pk: True for s in SignUp.objects.all()}
        )  # not yet held


def test_hours_count_once_confirmed_and_make_stars():
    keeper = user()
    person = volunteer(keeper)
    checked(keeper, person)
    session = activity(keeper)
    assignment = activities.assign(keeper, session, person)
    for bad in ("", "abc", "-1", "0", "25", "3"):  # the session lasts two hours
        with pytest.raises(Refusal):
            activities.record_hours(keeper, assignment, bad)
    entry = activities.record_hours(keeper, assignment, "1.5")
    assert activities.confirmed_hours(person) == 0
    activities.confirm_hours(keeper, entry)
    with pytest.raises(Refusal):
        activities.confirm_hours(keeper, entry)
    assert activities.confirmed_hours(person) == Decimal("1.5")
    assert [activities.stars(Decimal(h)) for h in (99, 100, 650, 1500)] == [0, 1, 3, 5]


def test_activities_refuse_nonsense():
    keeper = user()
    for bad in (
        {"starts_at": at(3, 11), "ends_at": at(3, 9)},
        {"capacity": 0},
        {"age_min": 8, "age_max": 3},
        {"kind": "party"},
        {"title": "  "},
    ):
        with pytest.raises(Refusal):
            activity(keeper, **bad)
    with pytest.raises(PermissionDenied):
        activity(user(Role.RESEARCHER, "150104"))
    assert not Activity.objects.exists()


def test_the_yearly_assessment_grades_from_activities_hours_ratings_and_anonymous_feedback():
    from tongyou.community import assessment

    keeper = user()
    star, idle = volunteer(keeper), volunteer(keeper)
    checked(keeper, star, days_ago=30)  # before the activities: a check is valid from its date
    for n in range(6):
        session = activity(keeper, title=f"共读{n}", starts_at=at(-10, 8), ends_at=at(-10, 12))
        entry = activities.record_hours(keeper, activities.assign(keeper, session, star), "4")
        activities.confirm_hours(keeper, entry)
        assessment.record_feedback(keeper, session, {5: 8, 4: 2})
    year = at(-10).year  # the year the activities were held
    assessment.rate(keeper, star, year=year, school="玉泉区实验小学", score=5)
    with pytest.raises(Refusal):
        assessment.rate(keeper, star, year=year, school="玉泉区实验小学", score=4)  # once a year
    for bad in (0, 6):
        with pytest.raises(Refusal):
            assessment.rate(keeper, idle, year=TODAY.year, school="某校", score=bad)
    with pytest.raises(Refusal):
        assessment.record_feedback(keeper, activity(keeper, title="未来"), {5: 3})  # not held yet
    grades = {a.person.pk: a for a in assessment.assess(keeper, year)}
    assert grades[star.pk].grade == "excellent" and grades[star.pk].feedback_mean == 4.8
    assert grades[idle.pk].grade == "unsatisfactory"
    assert [assessment.grade(3, Decimal(5), None, None), assessment.grade(2, Decimal(5), 4.0, 4.0)] == [
        "competent",
        "basic",
    ]


def test_counsellors_are_counted_per_school_on_their_current_letters():
    from tongyou.community import overview

    keeper = user()
    for name, schools in (("甲", "实验小学、民族小学"), ("乙", "实验小学")):
        person = people.register_person(
            keeper, kind="counsellor", name=name, id_number=id_number(40), region=area()
        )
        people.train(keeper, person, f"SGW-{name}")
        people.appoint(
            keeper,
            person,
            appointed_by="少工委",
            letter_number=f"聘{name}",
            term_start=TODAY - datetime.timedelta(days=1),
            term_end=TODAY + datetime.timedelta(days=300),
            schools=schools,
        )
        people.change_status(keeper, person, Person.Status.ACTIVE)
    assert overview.by_school(keeper) == [("实验小学", 2), ("民族小学", 1)]
