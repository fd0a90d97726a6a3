"""Personal data stays out of the places it leaks from: URLs (access logs, history, Referer, the
language switch), caches, and exports that show more than the screen."""

import io
import re

import pytest
from openpyxl import load_workbook

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.tests.factories import export_children

pytestmark = pytest.mark.django_db


def urls_in(html):
    links = re.findall(r'(?:href|action|src)="([^"]*)"', html)
    return links + re.findall(r'name="next"[^>]*value="([^"]*)"', html)


def test_an_id_number_search_never_puts_the_number_in_a_url(client_for, two_communities):
    here, _ = two_communities
    c = client_for(Role.CASEWORKER)
    redirect = c.post("/datahub/children/", {"q": here.id_number})
    assert redirect.status_code == 302 and here.id_number not in redirect.url
    page = c.get(redirect.url)
    assert [row["child"].pk for row in page.context["rows"]] == [here.pk]
    html = page.content.decode()
    # The language switch's `next`, pagination and export carry the token, not the number.
    assert all(here.id_number not in url and here.id_number[:10] not in url for url in urls_in(html))


def test_an_id_number_typed_into_the_address_is_not_searched(client_for, two_communities):
    here, _ = two_communities
    c = client_for(Role.CASEWORKER)
    response = c.get("/datahub/children/", {"q": here.id_number}, follow=True)
    assert here.id_number not in response.redirect_chain[-1][0]
    assert "搜索框" in response.content.decode()
    # A name in the address is moved behind a token too.
    moved = c.get("/datahub/children/", {"q": here.name})
    assert moved.status_code == 302 and "s=" in moved.url and here.name not in moved.url


def test_the_api_takes_id_numbers_in_the_body_only(client_for, two_communities):
    here, _ = two_communities
    c = client_for(Role.CASEWORKER)
    in_url = c.get("/api/children", {"q": here.id_number})
    assert in_url.status_code == 400 and "身份证号" in in_url.json()["detail"]
    found = c.post("/api/children/search", {"q": here.id_number}, content_type="application/json").json()
    assert [x["id"] for x in found] == [here.pk]


def names_in(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]


def test_an_export_masks_names_as_the_screen_does(client_for, two_communities):
    here, _ = two_communities
    c = client_for(Role.STREET_OFFICER, "150104001000")
    assert names_in(export_children(c)) == ["王*明"]
    # Full names need a stated reason, which the audit log keeps.
    refused = export_children(c, full_names=True)
    assert refused.status_code == 302 and not refused.get("Content-Disposition")
    full = export_children(c, full_names=True, reason="入户走访需核对姓名")
    assert names_in(full) == [here.name]
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).first()
    assert entry.details["full_names"] and entry.details["reason"] == "入户走访需核对姓名"


def test_pages_and_files_with_personal_data_are_not_cached(client_for, two_communities):
    here, _ = two_communities
    c = client_for(Role.CASEWORKER)
    for response in (
        c.get(f"/datahub/children/{here.pk}/"),
        c.get("/datahub/children/"),
        export_children(c),
        c.get("/"),
    ):
        assert "no-store" in response["Cache-Control"]


def test_public_alert_pages_are_not_cached(client):
    assert "no-store" in client.get("/alerts/")["Cache-Control"]
