"""Logins, failed logins, reads, reveals and exports all reach the audit log."""

import pytest
from django.test import Client

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.tests.factories import export_children, search_page

pytestmark = pytest.mark.django_db


def last(action):
    return AuditEntry.objects.filter(action=action).order_by("-id").first()


def test_login_and_failed_login_are_logged_without_the_password(make_user):
    make_user(Role.CASEWORKER, username="zhang")
    client = Client()
    client.post("/accounts/login/", {"username": "zhang", "password": "wrong-password-1"})
    failed = last("login_failed")
    assert failed.actor_username == "zhang" and "wrong-password" not in str(failed.details)
    client.post("/accounts/login/", {"username": "zhang", "password": "correct-horse-battery-9"})
    assert last("login").actor_username == "zhang"


def test_reading_a_child_record_is_logged(client_for, two_communities):
    here, _ = two_communities
    c = client_for(Role.CHILD_DIRECTOR, "150104001001")
    c.get(f"/datahub/children/{here.pk}/")
    read = last("read")
    assert (read.actor_username, read.object_type, read.object_id) == (
        c.user.username,
        "datahub.Child",
        str(here.pk),
    )
    c.get(f"/api/children/{here.pk}")
    assert last("read").details == {"api": True}


def test_revealing_a_field_is_logged_with_the_field(client_for, two_communities):
    here, _ = two_communities
    c = client_for(Role.CHILD_DIRECTOR, "150104001001")
    page = c.post(f"/datahub/children/{here.pk}/reveal/", {"field": "id_number"}).content.decode()
    assert here.id_number in page
    assert last("reveal").details == {"field": "id_number"}


def test_detail_page_shows_masked_values_until_revealed(client_for, two_communities):
    here, _ = two_communities
    page = client_for(Role.POLICE).get(f"/datahub/children/{here.pk}/").content.decode()
    assert here.id_number not in page
    assert here.id_number[:6] + "********" + here.id_number[-4:] in page
    assert "王*明" in page


def test_exports_are_logged_and_watermarked(client_for, two_communities):
    import io

    from openpyxl import load_workbook

    c = client_for(Role.STREET_OFFICER, "150104001000")
    response = export_children(c)
    watermark = load_workbook(io.BytesIO(response.content)).active["A1"].value
    assert c.user.username in watermark
    assert last("export").details["count"] == 1


def test_id_number_searches_are_logged_without_the_number(client_for, two_communities):
    here, _ = two_communities
    search_page(client_for(Role.CASEWORKER), q=here.id_number)
    assert last("list").details["query"] == "<id number>"
    search_page(client_for(Role.CASEWORKER), q="王小明")
    assert last("list").details["query"] == "王*明"


def test_refused_role_cannot_read_the_audit_log(client_for):
    assert client_for(Role.COORDINATOR).get("/audit/").status_code == 403
    admin = client_for(Role.AUDIT_ADMIN)
    assert admin.get("/audit/", {"verify": "1"}).context["verification"].ok
