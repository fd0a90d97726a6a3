"""The kernel's workflow (core/workflow.Flow), one refusal type, one view helper, and audit without
the request: what every app's state changes share, tested once here and by each app's own tests."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.core import uploads
from tongyou.core.errors import Refusal
from tongyou.core.scoping import can
from tongyou.core.workflow import StaleState
from tongyou.tests.factories import PNG_BYTES, ChildFactory
from tongyou.welfare import harm
from tongyou.welfare.models import ApplicationEvent, Category, HarmReport, HarmSituation, Status
from tongyou.welfare.steps import APPLICATION_FLOW
from tongyou.welfare.workflow import file_application, transition

pytestmark = pytest.mark.django_db
COMMUNITY = "150104001001"


@pytest.fixture
def draft(make_user, region):
    director = make_user(Role.CHILD_DIRECTOR, COMMUNITY)
    child = ChildFactory(residence_region=region(COMMUNITY + "001"))
    return file_application(child, Category.UNSUPPORTED, "祖父", director), director


def _unchanged(application, status):
    application.refresh_from_db()
    return (
        application.status == status and not ApplicationEvent.objects.filter(application=application).exists()
    )


def test_a_flow_refuses_in_chinese_and_writes_nothing(draft, make_user):
    application, director = draft
    with pytest.raises(Refusal, match="未知"):
        transition(application, "fly_away", director)
    with pytest.raises(Refusal, match="不能执行"):
        transition(application, "sign_agreement", make_user(Role.CASEWORKER))
    with pytest.raises(Refusal, match="角色"):
        transition(application, "town_approve", director)
    with pytest.raises(Refusal, match="辖区"):
        transition(application, "submit", make_user(Role.CHILD_DIRECTOR, "150104002001"))
    assert _unchanged(application, Status.DRAFT)
    transition(application, "submit", director)
    with pytest.raises(Refusal, match="须填写原因"):
        transition(application, "town_return", make_user(Role.STREET_OFFICER, "150104001000"))
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED  # only the valid submission went through


def test_a_page_showing_an_old_state_is_refused_as_stale_naming_the_state(draft):
    application, director = draft
    transition(application, "submit", director)
    with pytest.raises(StaleState, match="已提交"):
        transition(application, "withdraw", director, seen=Status.DRAFT)
    assert isinstance(StaleState("x"), Refusal)  # one error type: a stale page is a refusal too


def test_who_may_act_on_an_application_is_exactly_who_the_step_table_names(make_user, draft):
    application, _director = draft
    for role in Role:
        user = make_user(role, COMMUNITY) if role != Role.RESEARCHER else make_user(role)
        assert can(user, "welfare.act_allowanceapplication", application) == (
            role in APPLICATION_FLOW.roles()
        ), role


def test_a_role_the_harm_flow_does_not_admit_is_refused_with_403(make_user, region):
    report = harm.receive(
        situation=HarmSituation.ABANDONED, description="无人照看", region=region(COMMUNITY + "001")
    )
    with pytest.raises(PermissionDenied):
        harm.triage(report, make_user(Role.RESEARCHER), HarmReport.Urgency.URGENT, HarmReport.Handler.POLICE)
    with pytest.raises(Refusal, match="请先分派"):
        harm.act(report, make_user(Role.CASEWORKER), "上门")


def test_a_service_audits_the_address_of_the_request_without_being_given_it(client_for, draft):
    application, _director = draft
    director = client_for(Role.CHILD_DIRECTOR, COMMUNITY)
    response = director.post(
        f"/welfare/applications/{application.pk}/act/",
        {"action": "withdraw", "seen": Status.DRAFT},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(object_id=str(application.pk)).order_by("-id").first()
    assert entry is not None and entry.ip_address == "203.0.113.7"


def test_the_api_answers_a_refusal_with_400_and_a_stale_page_with_409():
    from tongyou.urls import _refused

    request = RequestFactory().get("/api/")
    assert _refused(request, Refusal("不行")).status_code == 400
    stale = _refused(request, StaleState("已被他人修改"))
    assert stale.status_code == 409 and json.loads(stale.content)["detail"] == "已被他人修改"


# ---------------------------------------------------------------- one upload check for every path


def _accept(upload, limit=1024):
    return uploads.accept(upload, uploads.IMAGES, limit, too_large="太大", wrong_kind="不是图片")


def test_every_upload_path_refuses_an_oversized_file_before_reading_it():
    class Claimed(io.BytesIO):
        size = 10**9  # what the upload handler saw; the bytes were cut short

    with pytest.raises(Refusal, match="太大"):
        _accept(Claimed(b""))
    with pytest.raises(Refusal, match="太大"):
        _accept(io.BytesIO(PNG_BYTES + b"\0" * 2048))


def test_every_upload_path_refuses_a_file_that_is_not_what_it_claims():
    with pytest.raises(Refusal, match="不是图片"):
        _accept(SimpleUploadedFile("photo.png", b"MZ\x90\x00 an executable"))
    with pytest.raises(Refusal):
        _accept(SimpleUploadedFile("photo.png", b"\x89PNG" + b"\0" * 100), limit=10_000)  # a broken PNG
    kind, content = _accept(SimpleUploadedFile("photo.png", PNG_BYTES), limit=10_000)
    assert kind == "image/png" and content.startswith(b"\x89PNG")


def test_the_view_helper_says_what_happened_or_why_not(rf, make_user):
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    from tongyou.core.views import attempt

    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)

    def refused():
        raise Refusal("本月已发放，不能重复发放")

    response = attempt(request, refused, "已完成", "site:home")
    assert response.status_code == 302 and response.url == "/"
    done = attempt(request, lambda: 3, lambda n: f"已处理 {n} 项", "site:home")
    assert done.status_code == 302
    assert [str(m) for m in get_messages(request)] == ["本月已发放，不能重复发放", "已处理 3 项"]


def test_a_flow_says_why_in_the_domains_own_words(make_user, draft):
    from tongyou.accounts.models import Unit
    from tongyou.monitoring import reports
    from tongyou.monitoring.demo import open_demo_round
    from tongyou.monitoring.models import PlanTask

    application, director = draft
    with pytest.raises(Refusal, match="申请处于"):  # the application's wording, not the generic one
        transition(application, "end_notice", make_user(Role.CASEWORKER))
    reporting_round = open_demo_round()
    unit = Unit.objects.get(code="jyj")
    officer = make_user(Role.UNIT_OFFICER, unit=unit)
    task = reports.tasks_of(unit, reporting_round.plan).first()
    assert isinstance(task, PlanTask)
    report = reports.report_for(reporting_round, unit, task, officer)
    coordinator = make_user(Role.COORDINATOR, unit=Unit.objects.get(code="fegw"))
    with pytest.raises(Refusal, match="只有已报送的报告才能退回"):
        reports.return_report(report, coordinator, "请补充")
