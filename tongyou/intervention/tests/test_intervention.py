"""Graded intervention: who may open and read a case, the measures each body records, referrals,
reviews on a schedule, closure that seals, the lawful query of a sealed case, and district totals
through disclosure control."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from tongyou.accounts.roles import Role
from tongyou.core import disclosure
from tongyou.core.errors import Refusal
from tongyou.core.workflow import StaleState
from tongyou.intervention import cases, summary
from tongyou.intervention.models import Actor, Case, Grade, Referral, SealedQuery

from .helpers import THERE, police, procurator, school_unit, teacher, teenager, today, user

pytestmark = pytest.mark.django_db


def _open(officer=None, child=None, grade=Grade.SERIOUS, behaviours=("affray",), **kwargs):
    officer = officer or police()
    child = child or teenager()
    return cases.open_case(officer, child, grade, list(behaviours), "拦截同学", **kwargs)


def test_the_police_open_a_case_for_a_child_of_their_area_found_by_full_id_number():
    officer = police()
    child = teenager()
    assert cases.find_child(officer, child.id_number) == child
    assert cases.find_child(officer, child.id_number[:-1]) is None  # exact numbers only
    assert cases.find_child(police("150104002"), child.id_number) is None  # another street's police
    case = _open(officer, child)
    assert case.next_review == today() + datetime.timedelta(days=30)  # serious: monthly
    assert list(cases.cases_for(officer)) == [case]


@pytest.mark.parametrize(
    "grade, behaviours",
    [
        ("minor", ["affray"]),
        ("serious", ["truancy"]),
        ("minor", []),
        ("bad", ["truancy"]),
        ("minor", ["x" * 500]),
    ],
)
def test_behaviours_must_come_from_the_laws_list_for_the_grade(grade, behaviours):
    with pytest.raises(Refusal):
        _open(grade=grade, behaviours=behaviours)
    assert not Case.objects.exists()


def test_an_adult_is_not_a_case():
    with pytest.raises(Refusal, match="18"):
        _open(child=teenager(19))


def test_a_school_opens_cases_only_for_its_own_pupils_and_reads_only_those():
    first, second = school_unit("第一中学"), school_unit("第二中学")
    pupil, other_pupil = teenager(school=first), teenager(school=second)
    staff = teacher(first)
    assert cases.find_child(staff, other_pupil.id_number) is None
    with pytest.raises(Refusal, match="本校"):
        cases.open_case(staff, other_pupil, Grade.MINOR, ["truancy"])
    own = cases.open_case(staff, pupil, Grade.MINOR, ["truancy"])
    assert own.school == first
    police_case = _open(child=other_pupil, school=second)
    assert list(cases.cases_for(staff)) == [own]
    assert list(cases.cases_for(teacher(second))) == [police_case]  # the case names its school


@pytest.mark.parametrize(
    "role, unit, area",
    [
        (Role.COORDINATOR, "fegw", "150104"),
        (Role.CASEWORKER, "mzj", "150104"),
        (Role.STREET_OFFICER, None, "150104001"),
        (Role.CHILD_DIRECTOR, None, "150104001001"),
        (Role.RESEARCHER, "dsj", "150104"),
        (Role.UNIT_OFFICER, "jyj", "150104"),
        (Role.UNIT_OFFICER, "wjw", "150104"),
        (Role.VENUE_STAFF, None, "150104001001"),
        (Role.ADMIN, "dsj", "150104"),
        (Role.AUDIT_ADMIN, "dsj", "150104"),
        (Role.SECURITY_ADMIN, "dsj", "150104"),
    ],
)
def test_no_one_else_reads_opens_or_touches_a_case(role, unit, area):
    case = _open()
    outsider = user(role, area, unit=unit)
    assert not cases.cases_for(outsider).exists()
    assert cases.find_child(outsider, case.child.id_number) is None
    with pytest.raises(PermissionDenied):
        cases.open_case(outsider, case.child, Grade.MINOR, ["truancy"])
    with pytest.raises(PermissionDenied):
        cases.add_measure(outsider, case, Actor.FAMILY, "stopped_supervised")
    with pytest.raises(PermissionDenied):
        cases.close(outsider, case, Case.Closure.CORRECTED)
    with pytest.raises(PermissionDenied):
        cases.query_sealed(outsider, case.child.id_number, "（2026）玉检未查字第1号")


def test_each_body_records_its_own_measures_and_the_familys():
    school = school_unit()
    case = _open(child=teenager(school=school), school=school)
    officer, staff, prosecutor = police(), teacher(school), procurator()
    cases.add_measure(officer, case, Actor.POLICE, "reprimand")
    cases.add_measure(staff, case, Actor.SCHOOL, "admonition")
    cases.add_measure(staff, case, Actor.FAMILY, "stopped_supervised")
    cases.add_measure(prosecutor, case, Actor.PROCURATORATE, "guardianship_order")
    with pytest.raises(Refusal, match="本机关"):
        cases.add_measure(staff, case, Actor.POLICE, "reprimand")
    with pytest.raises(Refusal, match="列表"):
        cases.add_measure(officer, case, Actor.POLICE, "admonition")  # the school's measure
    with pytest.raises(Refusal, match="今天"):
        cases.add_measure(officer, case, Actor.POLICE, "reprimand", on=today() + datetime.timedelta(days=1))
    assert [m.actor for m in case.measures.all()] == ["police", "school", "family", "procuratorate"]


def test_referrals_to_12355_and_special_education_only_for_serious_misbehaviour():
    minor = _open(grade=Grade.MINOR, behaviours=["internet"])
    with pytest.raises(Refusal, match="第四十四条"):
        cases.refer(police(), minor, Referral.To.SPECIAL_EDUCATION)
    referral = cases.refer(police(), minor, Referral.To.COUNSELLING_12355)
    with pytest.raises(Refusal, match="已转介"):
        cases.refer(police(), minor, Referral.To.COUNSELLING_12355)
    cases.update_referral(police(), referral, Referral.Outcome.COMPLETED)
    cases.refer(police(), minor, Referral.To.COUNSELLING_12355)  # a new one after completion


def test_a_review_sets_the_next_by_grade_and_a_school_cannot_change_the_grade():
    school = school_unit()
    case = cases.open_case(teacher(school), teenager(school=school), Grade.MINOR, ["truancy"])
    assert case.next_review == today() + datetime.timedelta(days=90)
    with pytest.raises(Refusal, match="公安机关"):
        cases.review(teacher(school), case, "worse", Grade.SERIOUS)
    cases.review(police(), case, "worse", Grade.SERIOUS)
    case.refresh_from_db()
    assert case.grade == Grade.SERIOUS and case.next_review == today() + datetime.timedelta(days=30)
    with pytest.raises(PermissionDenied):  # a school does not close a serious case
        cases.close(teacher(school), case, Case.Closure.CORRECTED)


def test_closing_seals_the_case_out_of_every_list_and_a_second_closer_is_told():
    school = school_unit()
    case = _open(child=teenager(school=school), school=school)
    cases.close(police(), case, Case.Closure.CORRECTED, seen=Case.Status.OPEN)
    with pytest.raises(StaleState):
        cases.close(procurator(), Case.objects.get(pk=case.pk), Case.Closure.OTHER, seen=Case.Status.OPEN)
    for reader in (police(), procurator(), teacher(school)):
        assert not cases.cases_for(reader).exists()
    with pytest.raises(PermissionDenied):  # nothing more is recorded on a sealed case
        cases.add_measure(police(), Case.objects.get(pk=case.pk), Actor.POLICE, "reprimand")


def test_a_sealed_case_opens_only_to_a_lawful_query_with_its_basis_recorded():
    school = school_unit()
    case = _open(child=teenager(school=school), school=school)
    cases.close(police(), case, Case.Closure.CORRECTED)
    prosecutor = procurator()
    with pytest.raises(Refusal, match="依据"):
        cases.query_sealed(prosecutor, case.child.id_number, "查")
    found = cases.query_sealed(prosecutor, case.child.id_number, "（2026）玉检未查字第1号 审查起诉需要")
    assert found == [Case.objects.get(pk=case.pk)]
    assert SealedQuery.objects.get().user == prosecutor
    with pytest.raises(PermissionDenied):  # the school, never
        cases.query_sealed(teacher(school), case.child.id_number, "（2026）玉检未查字第1号")
    assert cases.query_sealed(police("150104002"), case.child.id_number, "（2026）另案第2号") == []


def test_district_totals_are_protected_for_every_reader_and_never_by_street():
    children = [teenager(community=c) for c in ("150104001001", THERE, THERE)]
    for child in children:
        _open(police("150104"), child)
    office = user(Role.COORDINATOR, "150104", unit="fegw")
    rows = {r.grade: r for r in summary.district_totals(office)}
    ids = [c.pk for c in children]
    assert rows["serious"].open == disclosure.persons(disclosure.Signature.of(ids), disclosure.PROTECTED)
    with pytest.raises(PermissionDenied):
        summary.district_totals(user(Role.RESEARCHER, "150104", unit="dsj"))


def test_keepers_are_reminded_of_a_review_due_without_names(django_capture_on_commit_callbacks):
    from tongyou.core.models import Notification

    officer = police()
    case = _open(officer, teenager(name="吴小刚"))
    Case.objects.filter(pk=case.pk).update(next_review=today() + datetime.timedelta(days=2))
    assert cases.remind_reviews() >= 1
    message = Notification.objects.filter(recipient=officer).get().message
    assert "复查" in message and "吴" not in message
    assert cases.remind_reviews() == 0  # once per due date
