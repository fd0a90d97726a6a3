"""Browser leg: health refers a child found at a screening; the community child director files the
guardian's application (refused first without the guardian's signature); the disability
federation approves it into a designated institution, records and settles a month; and the
office sees coverage move (run with `make test-browser`)."""

import os

import pytest

from tongyou.accounts.models import User
from tongyou.core.tests.test_browser import browser, demo_site, log_in, nav  # noqa: F401 (fixtures)
from tongyou.rehabilitation import assistance
from tongyou.rehabilitation.models import AidKind, Application, ServiceMonth, Status

from .helpers import child, institution, today

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _street_cell(page):
    """The physical-disability cell of the first street: "assisted / registered"."""
    return page.locator("#rehab-coverage tr[data-area='150104001000'] td").nth(3).inner_text()


def test_a_screened_child_is_referred_applied_for_approved_served_and_counted(demo_site, browser):  # noqa: F811
    officer = User.objects.get(username="disability")
    centre = institution(officer, capacity=5, name="玉泉区康复示范中心")
    assistance.set_standard(officer, today().year, AidKind.TRAINING, "2000")
    baby = child(2, disability=None, name="周小康")

    office = log_in(browser, demo_site, "caseworker")  # reads records: exact figures
    nav(office, "康复救助覆盖情况")
    before = office.locator("#rehab-coverage tfoot td").nth(3).inner_text()

    health = log_in(browser, demo_site, "health")
    nav(health, "筛查转介")
    health.fill("#refer-form input[name=id_number]", baby.id_number)
    health.select_option("#refer-form select[name=category]", "physical")
    health.click("#refer-form button[type=submit]")
    assert "周*康已纳入特别登记" in health.locator(".messages").inner_text()

    director = log_in(browser, demo_site, "director")
    nav(director, "残疾儿童特别登记")
    director.locator(f"#register tr[data-child='{baby.pk}'] a").first.click()
    director.fill("#apply-form input[name=guardian_name]", "周监护")
    director.click("#apply-form button[type=submit]")
    assert "监护人签字" in director.locator(".messages").inner_text()
    assert not Application.objects.exists()
    director.fill("#apply-form input[name=guardian_name]", "周监护")
    director.check("#apply-form input[name=guardian_signed]")
    director.click("#apply-form button[type=submit]")
    assert "已通知区残联" in director.locator(".messages").inner_text()

    federation = log_in(browser, demo_site, "disability")
    assert "待审核的康复救助申请" in federation.locator("#worklist").inner_text()
    nav(federation, "康复救助申请")
    federation.locator("#applications tbody tr a").first.click()
    federation.select_option("#step-approve select[name=institution]", str(centre.pk))
    federation.click("#step-approve button[type=submit]")
    assert "已救助" in federation.locator("#status").inner_text()
    federation.fill("#month-form input[name=sessions]", "10")
    federation.fill("#month-form input[name=billed]", "2600")
    federation.click("#month-form button[type=submit]")
    federation.click("#months form.settle button[type=submit]")
    assert "已结算：2000.00元" in federation.locator(".messages").inner_text()
    application = Application.objects.get()
    assert application.status == Status.APPROVED and ServiceMonth.objects.get().settled == 2000

    office.reload()
    after = office.locator("#rehab-coverage tfoot td").nth(3).inner_text()
    assert int(after.split("/")[0]) == int(before.split("/")[0]) + 1
