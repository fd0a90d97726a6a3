"""The intervention pages: each refused to every role without a part, the same 404 for a case
elsewhere, sealed or missing, every read audited, and bad forms answered in Chinese."""

import pytest
from django.test import Client

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.intervention import cases
from tongyou.intervention.models import Case, Grade, Measure, SealedQuery

from .helpers import police, procurator, school_unit, teacher, teenager, user

pytestmark = pytest.mark.django_db


def client(person):
    c = Client()
    c.force_login(person)
    return c


@pytest.fixture
def case():
    school = school_unit()
    child = teenager(school=school, name="郑小川")
    return cases.open_case(police(), child, Grade.SERIOUS, ["affray"], "拦截同学", school=school)


PAGES = ["/intervention/", "/intervention/open/", "/intervention/sealed/"]


@pytest.mark.parametrize(
    "role, unit, area",
    [
        (Role.COORDINATOR, "fegw", "150104"),
        (Role.CASEWORKER, "mzj", "150104"),
        (Role.STREET_OFFICER, None, "150104001"),
        (Role.CHILD_DIRECTOR, None, "150104001001"),
        (Role.RESEARCHER, "dsj", "150104"),
        (Role.UNIT_OFFICER, "jyj", "150104"),
        (Role.VENUE_STAFF, None, "150104001001"),
    ],
)
def test_every_role_without_a_part_is_refused_every_page(case, role, unit, area):
    visitor = client(user(role, area, unit=unit))
    for url in PAGES:
        assert visitor.get(url).status_code == 403, url
    assert visitor.get(f"/intervention/cases/{case.pk}/").status_code == 404
    response = visitor.post(
        f"/intervention/cases/{case.pk}/measure/", {"actor": "family", "kind": "other_family"}
    )
    assert response.status_code == 404 and not Measure.objects.exists()


def test_another_school_gets_the_same_answer_for_a_case_as_for_a_missing_one(case):
    other = client(teacher(school_unit("别的学校")))
    assert other.get(f"/intervention/cases/{case.pk}/").status_code == 404
    assert other.get("/intervention/cases/999999/").status_code == 404
    assert "郑" not in other.get("/intervention/").content.decode()


def test_the_school_reads_its_pupils_case_and_the_read_is_logged(case):
    page = client(teacher(case.school)).get(f"/intervention/cases/{case.pk}/").content.decode()
    assert "郑小川" in page and "拦截同学" in page
    entry = AuditEntry.objects.filter(object_type="intervention.Case", object_id=str(case.pk)).latest("id")
    assert entry.action == AuditEntry.Action.READ


def test_the_list_masks_names_and_is_logged(case):
    body = client(police()).get("/intervention/").content.decode()
    assert "郑*川" in body and "郑小川" not in body
    assert AuditEntry.objects.filter(object_type="intervention.Case", action=AuditEntry.Action.LIST).exists()


def test_the_police_open_a_case_by_posted_id_number():
    child = teenager(name="钱小峰")
    officer = client(police())
    refused = officer.post(
        "/intervention/open/", {"id_number": child.id_number, "grade": "serious"}, follow=True
    )
    assert "至少选择一项行为" in refused.content.decode() and not Case.objects.exists()
    done = officer.post(
        "/intervention/open/",
        {"id_number": child.id_number, "grade": "serious", "behaviours": ["theft"], "summary": "盗窃"},
        follow=True,
    )
    assert "已立案" in done.content.decode()
    assert Case.objects.get().child == child


@pytest.mark.parametrize(
    "form",
    [
        {"actor": "police", "kind": "<script>"},
        {"actor": "x" * 3000, "kind": "reprimand"},
        {"actor": "police", "kind": "reprimand", "taken_on": "2026-02-30"},
        {"actor": "school", "kind": "admonition"},
        {},
    ],
)
def test_a_bad_measure_gets_a_chinese_message_and_writes_nothing(case, form):
    response = client(police()).post(f"/intervention/cases/{case.pk}/measure/", form, follow=True)
    assert (
        response.status_code == 200
        and "请" in response.content.decode()
        or "只能" in response.content.decode()
    )
    assert not Measure.objects.exists()


def test_closing_from_the_page_seals_and_the_sealed_case_answers_404_to_everyone(case):
    officer = client(police())
    officer.post(f"/intervention/cases/{case.pk}/close/", {"closure": "corrected", "seen": "open"})
    assert Case.objects.get().sealed
    for reader in (police(), procurator(), teacher(case.school)):
        assert client(reader).get(f"/intervention/cases/{case.pk}/").status_code == 404
    query = client(procurator()).post(
        "/intervention/sealed/", {"id_number": case.child.id_number, "basis": "（2026）玉检未查字第3号"}
    )
    assert "郑*川" in query.content.decode() and SealedQuery.objects.count() == 1
    assert client(teacher(case.school)).get("/intervention/sealed/").status_code == 403


def test_the_office_sees_district_totals_only(case):
    office = client(user(Role.COORDINATOR, "150104", unit="fegw"))
    body = office.get("/intervention/summary/").content.decode()
    assert office.get("/intervention/summary/").status_code == 200 and "±5" in body and "郑" not in body
    assert (
        client(user(Role.RESEARCHER, "150104", unit="dsj")).get("/intervention/summary/").status_code == 403
    )
