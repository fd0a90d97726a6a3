"""The UI shell: Chinese first, English switch, local assets only, security headers."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tongyou.accounts.roles import Role

pytestmark = pytest.mark.django_db
TEMPLATES = Path(settings.BASE_DIR) / "tongyou"


def test_pages_are_in_chinese_by_default(client):
    page = client.get("/").content.decode()
    assert "玉泉区儿童友好城市建设平台" in page
    assert 'lang="zh-hans"' in page


def test_english_is_one_switch_away(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    page = response.content.decode()
    assert "Yuquan District child-friendly city platform" in page
    assert 'lang="en"' in page


def test_menu_follows_the_role(client_for):
    researcher = client_for(Role.RESEARCHER).get("/").content.decode()
    assert "统计分析" in researcher and "儿童信息" not in researcher
    director = client_for(Role.CHILD_DIRECTOR, "150104001001").get("/").content.decode()
    assert "儿童信息" in director and "审计日志" not in director
    auditor = client_for(Role.AUDIT_ADMIN).get("/").content.decode()
    assert "审计日志" in auditor and "儿童信息" not in auditor
    admin = client_for(Role.ADMIN).get("/").content.decode()
    assert "审计日志" not in admin and "儿童信息" not in admin


def test_no_template_loads_anything_from_another_host():
    pattern = re.compile(r"""(src|href)=["'](https?:)?//""")
    offenders = [str(p) for p in TEMPLATES.rglob("*.html") if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_echarts_and_leaflet_are_served_locally():
    assert finders.find("vendor/echarts/echarts.min.js")
    assert finders.find("vendor/leaflet/leaflet.js")
    assert finders.find("vendor/leaflet/leaflet.css")


def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert re.search(r"script-src 'self'[^;]*;", csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_forms_carry_a_csrf_token(client):
    assert "csrfmiddlewaretoken" in client.get("/accounts/login/").content.decode()


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "玉泉区儿童友好城市建设平台" in page


def test_api_schema_and_docs_are_served_locally(client_for):
    c = client_for(Role.CASEWORKER)
    schema = c.get("/api/openapi.json").json()
    assert {"/api/children", "/api/children/{child_id}", "/api/statistics/children"} <= set(schema["paths"])
    docs = c.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()


def test_every_message_has_a_checked_chinese_translation():
    from babel.messages.pofile import read_po

    placeholder = re.compile(r"%\((\w+)\)")
    path = Path(settings.BASE_DIR) / "tongyou" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    catalog = read_po(path.open("rb"))
    faults = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            faults.append(f"untranslated or fuzzy: {ids[0]!r}")
        elif set(placeholder.findall(ids[0])) != set(placeholder.findall(strings[0])):
            faults.append(f"placeholders differ: {ids[0]!r}")
    assert faults == []


def test_every_page_has_the_icon_and_a_server_error_has_a_chinese_page(client):
    from django.template.loader import get_template

    assert 'rel="icon"' in client.get("/").content.decode()
    assert finders.find("core/favicon.svg")
    page = get_template("500.html").render({})  # rendered without a request, as Django does
    assert "出错了" in page and "没有保存" in page


def test_figures_are_written_as_people_read_them():
    from decimal import Decimal

    from tongyou.core.templatetags.figures import figure

    assert figure(Decimal("1200.00")) == "1,200"  # not 1.2E+3, not 1200.00
    assert figure(Decimal("18000")) == "18,000"
    assert figure(Decimal("91.10")) == "91.1"
    assert figure(Decimal("0.00")) == "0"  # a true zero is a figure, not "no data"
    assert figure(None) == ""
