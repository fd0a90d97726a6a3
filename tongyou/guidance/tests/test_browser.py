"""Browser leg: the women's federation opens a parent school in a community; the community child
director visits a family not yet visited (refused first without a date for the follow-up), takes
the family's survey answers and does the follow-up; the office sees the community's families
reached move (run with `make test-browser`)."""

import os

import pytest

from tongyou.core.tests.test_browser import browser, demo_site, log_in, nav  # noqa: F401 (fixtures)
from tongyou.guidance.models import GuidancePoint, SurveyResponse, Visit
from tongyou.regions.models import Region

from .helpers import HERE, family

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_point_is_opened_a_family_visited_surveyed_followed_up_and_reach_moves(
    demo_site,  # noqa: F811
    browser,  # noqa: F811
):
    home = family(name="钱小乐")
    office = log_in(browser, demo_site, "caseworker")  # reads records: exact figures
    nav(office, "家庭教育指导")
    before = office.locator(f"#guidance-reach tr[data-area='{HERE}'] td").nth(2).inner_text()

    women = log_in(browser, demo_site, "women")
    nav(women, "家庭教育指导")
    women.click("text=家长学校和指导站点")
    women.fill("#point-form input[name=name]", "浏览器社区家长学校")
    women.select_option("#point-form select[name=region]", str(Region.objects.get(code=HERE).pk))
    women.click("#point-form button[type=submit]")
    assert "指导站点已登记" in women.locator(".messages").inner_text()
    assert GuidancePoint.objects.filter(name="浏览器社区家长学校").exists()

    director = log_in(browser, demo_site, "director")
    nav(director, "家庭走访")
    director.locator(f"#to-visit tr[data-family='{home.pk}'] a").click()
    director.select_option("#visit-form select[name=purpose]", "routine")
    director.check("#visit-form input[value=parenting]")
    director.fill("#visit-form textarea[name=findings]", "家长希望学习亲子沟通")
    director.fill("#visit-form input[name=follow_up]", "推荐参加社区家长学校")
    director.click("#visit-form button[type=submit]")
    assert "日期" in director.locator(".messages").inner_text()  # a follow-up needs a date
    assert not Visit.objects.filter(household=home).exists()
    director.select_option("#visit-form select[name=purpose]", "routine")
    director.fill("#visit-form input[name=follow_up]", "推荐参加社区家长学校")
    director.fill("#visit-form input[name=follow_up_due]", "2099-01-01")
    director.click("#visit-form button[type=submit]")
    assert "走访已登记" in director.locator(".messages").inner_text()
    director.select_option("#survey-form select[name=helpful]", "somewhat")
    director.select_option("#survey-form select[name=confidence]", "more")
    director.click("#survey-form button[type=submit]")
    assert SurveyResponse.objects.filter(household=home).exists()
    director.locator("#visits tr[data-visit] form button").click()
    assert "跟进已完成" in director.locator(".messages").inner_text()

    office.reload()
    after = office.locator(f"#guidance-reach tr[data-area='{HERE}'] td").nth(2).inner_text()
    assert int(after.split("（")[0].strip()) == int(before.split("（")[0].strip()) + 1
