"""Browser leg: a community child director builds the pool as the issue's users would — a
counsellor trained, appointed, checked and assigned; a volunteer without a check refused, then
checked, assigned, their hours confirmed and their service certificate downloaded (run with
`make test-browser`)."""

import datetime
import os

import pytest
from django.utils import timezone

from tongyou.community.models import Assignment, Person, ServiceHours
from tongyou.core.tests.test_browser import browser, demo_site, log_in, nav  # noqa: F401 (fixtures)
from tongyou.regions.models import Region

from .helpers import HERE, id_number

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _add_person(page, kind, name, number):
    nav(page, "校外辅导员和志愿者")
    page.locator("details:has(#person-form) > summary").click()
    page.select_option("#person-form select[name=kind]", kind)
    page.fill("#person-form input[name=name]", name)
    page.fill("#person-form input[name=id_number]", number)
    page.select_option("#person-form select[name=region]", str(Region.objects.get(code=HERE).pk))
    page.click("#person-form button[type=submit]")
    assert "已加入人才库" in page.locator(".messages").inner_text()


def test_a_counsellor_is_trained_appointed_checked_assigned_and_certified(demo_site, browser, tmp_path):  # noqa: F811
    page = log_in(browser, demo_site, "director")
    _add_person(page, "counsellor", "王老师", id_number(58))
    counsellor = Person.objects.get(kind="counsellor")
    _add_person(page, "volunteer", "赵志愿", id_number(30))
    unchecked = Person.objects.get(kind="volunteer")

    page.goto(f"{demo_site}/community/people/{counsellor.pk}/")
    page.fill("#train-form input[name=certificate]", "SGW-2026-088")
    page.click("#train-form button[type=submit]")
    today = timezone.localdate()
    page.fill("#appoint-form input[name=appointed_by]", "玉泉区少工委")
    page.fill("#appoint-form input[name=letter_number]", "玉少工委聘〔2026〕21号")
    page.fill("#appoint-form input[name=term_start]", (today - datetime.timedelta(days=1)).isoformat())
    page.fill("#appoint-form input[name=term_end]", (today + datetime.timedelta(days=364)).isoformat())
    page.click("#appoint-form button[type=submit]")
    page.select_option("#status-form select[name=to]", "active")
    page.click("#status-form button[type=submit]")
    assert "在岗" in page.locator("#status").inner_text() or "Active" in page.locator("#status").inner_text()
    page.fill("#check-form input[name=queried_by]", "呼和浩特市公安局玉泉区分局")
    page.select_option("#check-form select[name=result]", "passed")
    page.click("#check-form button[type=submit]")
    assert "有效期至" in page.locator("#check-state").inner_text()

    nav(page, "儿童活动")
    page.locator("details:has(#activity-form) > summary").click()
    page.fill("#activity-form input[name=title]", "亲子共读：小熊很忙")
    page.select_option("#activity-form select[name=region]", str(Region.objects.get(code=HERE).pk))
    page.fill("#activity-form input[name=place]", "小召前街社区图书室")
    start = timezone.localtime() + datetime.timedelta(days=1)
    page.fill("#activity-form input[name=starts_at]", start.strftime("%Y-%m-%dT09:00"))
    page.fill("#activity-form input[name=ends_at]", start.strftime("%Y-%m-%dT11:00"))
    page.fill("#activity-form input[name=capacity]", "20")
    page.click("#activity-form button[type=submit]")
    page.click("#activities a:has-text('亲子共读')")

    page.select_option("#assign-form select[name=person]", str(unchecked.pk))
    page.click("#assign-form button[type=submit]")
    assert "入职查询" in page.locator(".messages").inner_text()  # no valid check: refused
    assert not Assignment.objects.filter(person=unchecked).exists()
    page.select_option("#assign-form select[name=person]", str(counsellor.pk))
    page.fill("#assign-form input[name=task]", "带读绘本")
    page.click("#assign-form button[type=submit]")
    assert Assignment.objects.filter(person=counsellor).exists()

    activity_url = page.url

    # The volunteer's check is recorded; now they may help, and their hours count once confirmed.
    page.goto(f"{demo_site}/community/people/{unchecked.pk}/")
    page.fill("#check-form input[name=queried_by]", "呼和浩特市公安局玉泉区分局")
    page.select_option("#check-form select[name=result]", "passed")
    page.click("#check-form button[type=submit]")
    page.goto(activity_url)
    page.select_option("#assign-form select[name=person]", str(unchecked.pk))
    page.click("#assign-form button[type=submit]")
    row = page.locator(f"#staff tr[data-assignment='{Assignment.objects.get(person=unchecked).pk}']")
    row.locator(".hours-form input[name=hours]").fill("1.5")
    row.locator(".hours-form button[type=submit]").click()
    row = page.locator(f"#staff tr[data-assignment='{Assignment.objects.get(person=unchecked).pk}']")
    row.locator(".confirm-form button[type=submit]").click()
    assert ServiceHours.objects.get(assignment__person=unchecked).confirmed_at is not None

    page.goto(f"{demo_site}/community/people/{unchecked.pk}/")
    assert page.locator("#hours").inner_text().startswith("1.5")
    with page.expect_download() as download:
        page.click("#certificate")
    saved = tmp_path / "certificate.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
