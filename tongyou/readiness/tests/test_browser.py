"""Browser leg: the community child director screens an orphan, finds a risk and deals with it;
the emergency bureau records a flagged place's plan and drill; the street receives supplies and
the shortfall shrinks; the office sees the screening completion move (run with
`make test-browser`)."""

import os

import pytest

from tongyou.core.tests.test_browser import browser, demo_site, log_in, nav  # noqa: F401 (fixtures)
from tongyou.readiness.models import Drill, FollowUp, Supply, SupplyNorm

from .helpers import HERE, child, facility

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_an_orphan_is_screened_a_place_drilled_supplies_received_and_completion_moves(
    demo_site,  # noqa: F811
    browser,  # noqa: F811
):
    orphan = child(9, name="孙小安")
    school = facility(name="浏览器示范小学")
    office = log_in(browser, demo_site, "caseworker")  # reads records: exact figures
    nav(office, "儿童防灾减灾")
    before = office.locator("#screening-completion tr[data-area='150104001000'] td").nth(1).inner_text()

    director = log_in(browser, demo_site, "director")
    nav(director, "风险排查")
    director.locator(f"#to-screen tr[data-child='{orphan.pk}'] a").click()
    for code in (
        "housing",
        "fire_gas_power",
        "carer_in_emergency",
        "health_needs",
        "evacuation_help",
        "self_rescue",
    ):
        director.check(f"#screen-form input[name={code}][value=ok]")
    director.check("#screen-form input[name=online_and_public_opinion][value=ok]")
    director.click("#screen-form button[type=submit]")
    assert "逐项" in director.locator(".messages").inner_text()  # the emergency contact left unanswered
    for code in (
        "housing",
        "fire_gas_power",
        "carer_in_emergency",
        "health_needs",
        "evacuation_help",
        "self_rescue",
    ):
        director.check(f"#screen-form input[name={code}][value=ok]")
    director.check("#screen-form input[name=online_and_public_opinion][value=ok]")
    director.check("#screen-form input[name=emergency_contact][value=risk]")
    director.click("#screen-form button[type=submit]")
    assert "1项风险待处置" in director.locator(".messages").inner_text()
    director.fill(".follow-up input[name=action]", "为儿童登记紧急联系人卡片并演示拨打")
    director.click(".follow-up button[type=submit]")
    assert FollowUp.objects.get().done_on is not None

    emergency = log_in(browser, demo_site, "emergency")
    nav(emergency, "儿童防灾减灾")
    emergency.click("text=查看场所")
    row = emergency.locator(f"#places tr[data-place='{school.pk}']")
    row.locator("summary").click()
    row.locator(".plan-form input[name=approved_on]").fill("2026-09-01")
    row.locator(".plan-form input[name=responsible]").fill("王校长")
    row.locator(".plan-form button[type=submit]").click()
    row = emergency.locator(f"#places tr[data-place='{school.pk}']")
    row.locator("summary").click()
    row.locator(".drill-form input[name=participants]").fill("620")
    row.locator(".drill-form button[type=submit]").click()
    assert "演练已登记" in emergency.locator(".messages").inner_text()
    assert Drill.objects.get(facility=school).participants == 620
    emergency.click("text=儿童应急物资")
    emergency.select_option("#norm-form select[name=item]", Supply.CLOTHING)
    emergency.select_option("#norm-form select[name=age_group]", SupplyNorm.AgeGroup.CHILDREN)
    emergency.fill("#norm-form input[name=per_child]", "1")
    emergency.click("#norm-form button[type=submit]")
    assert "储备标准已保存" in emergency.locator(".messages").inner_text()

    street = log_in(browser, demo_site, "street")
    nav(street, "儿童防灾减灾")
    street.click("text=儿童应急物资")
    street.select_option("#move-form select[name=item]", Supply.CLOTHING)
    street.fill("#move-form input[name=quantity]", "30")
    street.click("#move-form button[type=submit]")
    assert "物资变动已登记" in street.locator(".messages").inner_text()
    assert street.locator(f"#supplies tr[data-area='{HERE}']").inner_text().count("30") >= 1

    office.reload()
    after = office.locator("#screening-completion tr[data-area='150104001000'] td").nth(1).inner_text()
    assert int(after.split("（")[0].strip()) == int(before.split("（")[0].strip()) + 1
