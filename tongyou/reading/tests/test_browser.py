"""Browser leg: a newborn in the master index is entitled, the community's child director sees
the child to reach, the clinic hands the pack over at the child-health check, and the office
sees the community's coverage move (run with `make test-browser`)."""

import os

import pytest

from tongyou.accounts.models import User
from tongyou.core.tests.test_browser import browser, demo_site, log_in, nav  # noqa: F401 (fixtures)
from tongyou.reading import deliveries, entitlements
from tongyou.reading.models import Delivery, PickupPoint, Variant
from tongyou.regions.models import Region

from .helpers import HERE, TODAY, born, milestones

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _coverage_cell(page, community, column=0):
    return page.locator(f"#reading-coverage tr[data-area='{community}'] td").nth(column).inner_text()


def test_a_newborn_is_entitled_reached_at_the_clinic_and_coverage_moves(demo_site, browser):  # noqa: F811
    packs = milestones()
    clinic = PickupPoint.objects.create(
        name="玉泉区妇幼保健院", kind=PickupPoint.Kind.CLINIC, region=Region.objects.get(code="150104000000")
    )
    deliveries.receive(User.objects.get(username="health"), clinic, packs[0], Variant.STANDARD, 10, TODAY)
    newborn = born(0, name="萌萌")
    entitlements.sync()

    office = log_in(browser, demo_site, "caseworker")  # reads records: exact figures
    nav(office, "萌阅覆盖情况")
    before = _coverage_cell(office, HERE)
    reached_before = before.split("/")[0].strip()

    director = log_in(browser, demo_site, "director")
    nav(director, "待发放儿童")
    row = director.locator(f"#unreached tr[data-child='{newborn.pk}']")
    assert "萌萌" in row.inner_text() and "出生礼包" in row.inner_text()

    health = log_in(browser, demo_site, "health")
    nav(health, "发放阅读礼包")
    health.fill("#find-child input[name=id_number]", newborn.id_number)
    health.click("#find-child button[type=submit]")
    assert "萌*" in health.locator("#due").inner_text() and "萌萌" not in health.locator("#due").inner_text()
    form = health.locator("#due form.give").first
    form.locator("select[name=point]").select_option(str(clinic.pk))
    form.locator("button[type=submit]").click()
    assert "监护人" in health.locator(".messages").inner_text()  # not confirmed: refused, nothing written
    assert not Delivery.objects.exists()
    health.fill("#find-child input[name=id_number]", newborn.id_number)  # the number is not kept
    health.click("#find-child button[type=submit]")
    form = health.locator("#due form.give").first
    form.locator("select[name=point]").select_option(str(clinic.pk))
    form.locator("input[name=guardian_confirmed]").check()
    form.locator("button[type=submit]").click()
    assert "已登记发放" in health.locator(".messages").inner_text()
    assert Delivery.objects.get().point == clinic

    nav(director, "待发放儿童")
    assert director.locator(f"#unreached tr[data-child='{newborn.pk}']").count() == 0
    office.reload()
    after = _coverage_cell(office, HERE)
    assert int(after.split("/")[0].strip()) == int(reached_before) + 1
