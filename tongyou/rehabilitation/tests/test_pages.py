"""The rehabilitation pages as their users meet them, and what a hurried clerk or an adversary
posts: every list and record scoped and audited, every form refusing bad input in Chinese and
writing nothing."""

import pytest
from django.test import Client

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.rehabilitation import assistance, register
from tongyou.rehabilitation.models import (
    AidKind,
    Application,
    Institution,
    Registration,
    ServiceMonth,
    Status,
)

from .helpers import HERE, THERE, child, federation, health, institution, today, user

pytestmark = pytest.mark.django_db


def client(person):
    c = Client()
    c.force_login(person)
    return c


@pytest.fixture
def registered():
    kid = child(5, name="赵小康")
    child(6, community=THERE, name="钱小远")
    register.sync(today())
    return Registration.objects.get(child=kid)


def test_the_director_sees_the_register_of_the_community_only_masked_and_the_read_is_logged(registered):
    page = client(user(Role.CHILD_DIRECTOR)).get("/rehabilitation/").content.decode()
    assert "赵*康" in page and "赵小康" not in page and "钱*远" not in page
    entry = AuditEntry.objects.filter(object_type="rehabilitation.Registration").latest("id")
    assert entry.action == AuditEntry.Action.LIST and registered.child_id in entry.details["ids"]


@pytest.mark.parametrize(
    "role, unit",
    [
        (Role.UNIT_OFFICER, "jyj"),
        (Role.UNIT_OFFICER, "wjw"),
        (Role.POLICE, None),
        (Role.RESEARCHER, None),
        (Role.COORDINATOR, None),
        (Role.VENUE_STAFF, None),
        (Role.CASEWORKER, "mzj"),
        (Role.ADMIN, "dsj"),
        (Role.SECURITY_ADMIN, "dsj"),
        (Role.AUDIT_ADMIN, "dsj"),
    ],
)
def test_roles_without_a_part_in_the_scheme_cannot_read_the_register_or_an_application(
    registered, role, unit
):
    application = assistance.file(
        user(Role.CHILD_DIRECTOR), registered, AidKind.TRAINING, "王监护", guardian_signed=True
    )
    visitor = client(user(role, "150104", unit=unit))
    assert visitor.get("/rehabilitation/").status_code == 403
    assert visitor.get(f"/rehabilitation/registrations/{registered.pk}/").status_code == 404
    assert visitor.get(f"/rehabilitation/applications/{application.pk}/").status_code == 404


def test_a_director_of_another_community_gets_the_same_answer_as_for_a_missing_record(registered):
    other = client(user(Role.CHILD_DIRECTOR, THERE))
    assert other.get(f"/rehabilitation/registrations/{registered.pk}/").status_code == 404
    assert other.get("/rehabilitation/registrations/999999/").status_code == 404
    response = other.post(
        f"/rehabilitation/registrations/{registered.pk}/apply/",
        {"aid_kind": "training", "guardian_name": "王", "guardian_signed": "on"},
    )
    assert response.status_code == 404 and not Application.objects.exists()


def test_the_director_files_the_guardians_application_from_the_register(registered):
    director = client(user(Role.CHILD_DIRECTOR))
    refused = director.post(
        f"/rehabilitation/registrations/{registered.pk}/apply/",
        {"aid_kind": "training", "guardian_name": "王监护"},
        follow=True,
    )
    assert "监护人签字" in refused.content.decode() and not Application.objects.exists()
    done = director.post(
        f"/rehabilitation/registrations/{registered.pk}/apply/",
        {"aid_kind": "training", "guardian_name": "王监护", "guardian_signed": "on"},
        follow=True,
    )
    assert "已通知区残联" in done.content.decode()
    assert Application.objects.get().status == Status.SUBMITTED


@pytest.mark.parametrize(
    "form",
    [
        {"aid_kind": "<script>", "guardian_name": "王", "guardian_signed": "on"},
        {"aid_kind": "training", "guardian_name": "   ", "guardian_signed": "on"},
        {"aid_kind": "x" * 5000, "guardian_name": "王", "guardian_signed": "on"},
        {},
    ],
)
def test_a_bad_application_form_gets_a_chinese_message_and_writes_nothing(registered, form):
    response = client(user(Role.CHILD_DIRECTOR)).post(
        f"/rehabilitation/registrations/{registered.pk}/apply/", form, follow=True
    )
    assert response.status_code == 200 and "请" in response.content.decode()
    assert not Application.objects.exists()


def test_the_federation_approves_records_and_settles_a_month_from_the_application_page(registered):
    officer = federation()
    centre = institution(officer)
    application = assistance.file(
        user(Role.CHILD_DIRECTOR), registered, AidKind.TRAINING, "王监护", guardian_signed=True
    )
    page = client(officer)
    body = page.get(f"/rehabilitation/applications/{application.pk}/").content.decode()
    assert "王监护" in body and centre.name in body
    page.post(
        f"/rehabilitation/applications/{application.pk}/act/",
        {"action": "approve", "seen": "submitted", "institution": centre.pk},
    )
    assert Application.objects.get().status == Status.APPROVED
    page.post(
        "/rehabilitation/standards/", {"year": today().year, "aid_kind": "training", "annual_amount": "500"}
    )
    page.post(
        f"/rehabilitation/applications/{application.pk}/months/",
        {"month": today().strftime("%Y-%m"), "sessions": "8", "billed": "800"},
    )
    month = ServiceMonth.objects.get()
    response = page.post(f"/rehabilitation/months/{month.pk}/settle/", follow=True)
    assert "已结算：500.00元" in response.content.decode()
    again = page.post(f"/rehabilitation/months/{month.pk}/settle/", follow=True)
    assert "已由" in again.content.decode()
    assert ServiceMonth.objects.get().settled == 500


@pytest.mark.parametrize("month", ["2026-13", "abc", "", "2026-01-01", "9999-12"])
def test_a_bad_month_is_refused_in_chinese(registered, month):
    officer = federation()
    application = assistance.file(
        user(Role.CHILD_DIRECTOR), registered, AidKind.TRAINING, "王监护", guardian_signed=True
    )
    assistance.transition(application, "approve", officer, institution=institution(officer))
    response = client(officer).post(
        f"/rehabilitation/applications/{application.pk}/months/",
        {"month": month, "sessions": "8", "billed": "800"},
        follow=True,
    )
    assert response.status_code == 200 and not ServiceMonth.objects.exists()


def test_health_refers_by_posted_id_number_and_sees_only_a_masked_name():
    baby = child(1, disability=None, name="孙小听")
    officer = client(health())
    response = officer.post(
        "/rehabilitation/refer/",
        {"id_number": baby.id_number, "category": "hearing", "screened_on": today().isoformat()},
    )
    body = response.content.decode()
    assert "孙*听" in body and "孙小听" not in body
    assert Registration.objects.get().child == baby
    assert officer.get("/rehabilitation/").status_code == 403  # health refers; it does not read the register
    assert client(user(Role.CHILD_DIRECTOR)).get("/rehabilitation/refer/").status_code == 403


def test_only_the_federation_designates_institutions(registered):
    form = {
        "name": "新康复中心",
        "region": "1",
        "categories": ["physical"],
        "aid_kinds": ["training"],
        "capacity": "5",
        "designated_until": "2030-12-31",
    }
    for outsider in (user(Role.COORDINATOR, "150104"), user(Role.CHILD_DIRECTOR), health()):
        assert client(outsider).post("/rehabilitation/institutions/save/", form).status_code == 403
    assert not Institution.objects.exists()
    from tongyou.regions.models import Region

    form["region"] = Region.objects.get(code="150104000000").pk
    client(federation()).post("/rehabilitation/institutions/save/", form)
    assert Institution.objects.get().name == "新康复中心"
    bad = client(federation()).post(
        "/rehabilitation/institutions/save/", {**form, "name": "坏", "credit_code": "12345"}, follow=True
    )
    assert "统一社会信用代码无效" in bad.content.decode()


def test_a_researcher_sees_coverage_protected_and_no_child(registered):
    page = client(user(Role.RESEARCHER, "150104")).get("/rehabilitation/coverage/")
    body = page.content.decode()
    assert page.status_code == 200 and "±5" in body and "赵" not in body


def test_the_federation_sees_applications_waiting_on_its_home_page(registered):
    officer = federation()
    assistance.file(user(Role.CHILD_DIRECTOR), registered, AidKind.TRAINING, "王监护", guardian_signed=True)
    body = client(officer).get("/").content.decode()
    assert "待审核的康复救助申请" in body
    assert HERE  # the community the fixture's child lives in
