"""Refused access is audited: every out-of-jurisdiction record, every refused page and reveal,
summarised so a crawler cannot flood the log, and repeated refusals reach the security
administrators."""

import pytest
from django.test import Client

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.audit.services import verify_chain
from tongyou.core.models import Notification

pytestmark = pytest.mark.django_db


def denied():
    return AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).order_by("id")


def test_a_record_outside_the_jurisdiction_is_a_logged_404(client_for, two_communities):
    _here, there = two_communities
    director = client_for(Role.CHILD_DIRECTOR, "150104001001")
    assert director.get(f"/datahub/children/{there.pk}/").status_code == 404
    entry = denied().get()
    assert entry.actor_id == director.user.pk
    assert (entry.object_type, entry.object_id) == ("datahub.Child", str(there.pk))
    assert entry.details["status"] == 404


def test_a_refused_reveal_and_a_refused_page_are_logged(client_for, two_communities):
    here, _ = two_communities
    researcher = client_for(Role.RESEARCHER)
    assert researcher.get("/datahub/children/").status_code == 403
    assert researcher.post(f"/datahub/children/{here.pk}/reveal/", {"field": "id_number"}).status_code == 404
    unit = client_for(Role.UNIT_OFFICER)
    assert unit.get("/api/children").status_code == 403
    reasons = [e.details["reason"] for e in denied()]
    assert reasons[0] == "datahub.view_child" and len(reasons) == 3


def test_a_crawler_cannot_flood_the_log_and_the_security_administrator_is_told(
    client_for, make_user, two_communities, settings, monkeypatch
):
    # All 120 requests inside one counting window, whatever the clock says when the test runs.
    monkeypatch.setattr("tongyou.audit.refusals.time.time", lambda: 1_800_000_300.0)
    settings.REFUSALS_LOGGED_PER_WINDOW, settings.REFUSALS_NOTIFY = 20, 10
    security = make_user(Role.SECURITY_ADMIN, username="sec")
    _here, there = two_communities
    crawler = client_for(Role.CHILD_DIRECTOR, "150104001001")
    for _ in range(120):
        crawler.get(f"/datahub/children/{there.pk}/")
    counts = [e.details["refusals_in_window"] for e in denied()]
    assert counts == [*range(1, 21), 50, 100]  # one each, then milestones with the count
    assert Notification.objects.filter(recipient=security, key__startswith="refusals-").count() == 1
    assert verify_chain().ok


def test_signed_out_refusals_are_counted_by_address(two_communities):
    for _ in range(3):
        Client(REMOTE_ADDR="198.51.100.9").post("/datahub/children/1/reveal/", {"field": "name"})
    # Signed out, the reveal redirects to log in: not a refusal of a record.
    assert not denied().exists()


def test_reading_the_audit_log_is_itself_audited(client_for):
    auditor = client_for(Role.AUDIT_ADMIN)
    auditor.get("/audit/", {"verify": "1"})
    entry = AuditEntry.objects.filter(object_type="audit.AuditEntry").get()
    assert entry.actor_id == auditor.user.pk and entry.details["verified"] is True


def test_a_refusal_inside_a_transaction_that_rolls_back_is_still_logged(client_for, rf):
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from tongyou.audit.context import AuditUserMiddleware
    from tongyou.core.scoping import require

    user = client_for(Role.RESEARCHER).user
    request = rf.get("/somewhere/")
    request.user = user

    def view(request):
        try:
            with transaction.atomic():
                require(request.user, "datahub.view_child")
        except PermissionDenied:
            pass
        from django.http import HttpResponse

        return HttpResponse("refused")

    AuditUserMiddleware(view)(request)
    entry = denied().get()
    assert entry.actor_id == user.pk and entry.details["reason"] == "datahub.view_child"
