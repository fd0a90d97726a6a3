"""Browser leg: a process walked through its four stages by the people who run it and the child
who takes part, as they would click it (run with `make test-browser`)."""

import os

import pytest

from tongyou.core.tests.test_browser import browser, demo_site, log_in, nav, shot  # noqa: F401 (fixtures)
from tongyou.participation.models import Process, Proposal
from tongyou.regions.models import Region

from .helpers import COMMUNITY, aged

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _on_process(page, base, process):
    page.goto(f"{base}/participation/processes/{process.pk}/")


def _activate(page, stage):
    page.click(f"#phases tr[data-stage='{stage}'] button[name=activate]")


def test_a_childs_idea_goes_through_the_four_stages_and_the_process_closes(demo_site, browser):  # noqa: F811
    child, too_young, unconsented = aged(10), aged(5), aged(11)
    street = log_in(browser, demo_site, "street")
    nav(street, "儿童参与项目")
    street.locator("details:has(#process-form) > summary").click()
    street.fill("#id_title", "小召前街游乐场改造")
    street.fill("#id_summary", "说说你想要什么样的游乐场")
    street.select_option("#id_kind", "public_space")
    street.select_option("#id_region", str(Region.objects.get(code=COMMUNITY).pk))
    street.click("#process-form button[type=submit]")
    process = Process.objects.get(title="小召前街游乐场改造")
    _activate(street, "needs")
    assert street.locator("#phases tr[data-stage='needs'] .badge").is_visible()

    # The community's child director records the guardian's consent and issues the code.
    director = log_in(browser, demo_site, "director")
    _on_process(director, demo_site, process)
    director.fill("#id_id_number", too_young.id_number)
    director.fill("#id_display_name", "小雨")
    director.click("#issue-form button[type=submit]")
    assert "7至15岁" in director.locator(".messages").inner_text()  # outside the age window: refused
    director.fill("#id_id_number", unconsented.id_number)
    director.fill("#id_display_name", "乐乐")
    director.click("#issue-form button[type=submit]")
    assert "书面同意" in director.locator(".messages").inner_text()  # no guardian's consent: refused
    director.fill("#id_id_number", child.id_number)
    director.fill("#id_display_name", "小雨")
    director.fill("#id_grade", "四年级")
    director.fill("#id_consent-guardian_name", "王大明")
    director.fill("#id_consent-given_on", "2026-11-20")
    director.check("#id_consent-words_public")
    director.click("#issue-form button[type=submit]")
    code = director.locator("#code").inner_text()

    # The child, on a phone, files an idea with the code.
    phone = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
    phone.goto(f"{demo_site}/participation/join/")
    phone.fill("#code", code.lower())
    phone.click("#join-form button[type=submit]")
    phone.fill("#id_title", "秋千坏了")
    phone.fill("#id_problem", "游乐场的秋千链子断了，一个月没人修。")
    phone.fill("#id_idea", "请换新的链子。")
    phone.click("#idea-form button[type=submit]")
    assert "谢谢你" in phone.locator(".messages").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "participation-child-phone")

    # Nobody sees it before moderation; the director approves it.
    public = browser.new_page(locale="zh-CN")
    public.goto(f"{demo_site}/participation/public/{process.pk}/")
    assert "秋千坏了" not in public.content()
    nav(director, "待审核的建议")
    director.click("#moderation a")
    director.click("form[data-action='approve'] button[type=submit]")
    assert "审核通过" in director.locator(".messages").inner_text()
    proposal = Proposal.objects.get(process=process)

    # The street office assigns it to the education bureau in the proposals stage.
    _on_process(street, demo_site, process)
    _activate(street, "proposals")
    street.goto(f"{demo_site}/participation/proposals/{proposal.pk}/")
    street.select_option("form[data-action='assign'] select[name=unit]", label="区教育局")
    street.click("form[data-action='assign'] button[type=submit]")

    # The unit answers in a child's words.
    unit = log_in(browser, demo_site, "education")
    nav(unit, "交办本单位的儿童建议")
    unit.click("#replies a")
    unit.select_option("form[data-action='answer'] select[name=answer]", "accepted")
    unit.fill("form[data-action='answer'] textarea[name=note]", "谢谢你！我们下周就给秋千换上新链子。")
    unit.click("form[data-action='answer'] button[type=submit]")

    # Decisions published: the street office publishes the answer; the child reads it.
    _on_process(street, demo_site, process)
    _activate(street, "decision")
    street.goto(f"{demo_site}/participation/proposals/{proposal.pk}/")
    street.once("dialog", lambda dialog: dialog.accept())
    street.click("form[data-action='publish'] button[type=submit]")
    phone.reload()
    assert "下周就给秋千换上新链子" in phone.locator("#own").inner_text()

    # Evaluation and feedback: a result with a dated update; then the process closes.
    _on_process(street, demo_site, process)
    _activate(street, "feedback")
    street.locator("details:has(#result-form) > summary").click()
    street.fill("#result-form input[name=title]", "游乐场秋千换新")
    street.select_option("#result-form select[name=unit]", label="区教育局")
    street.check("#result-form input[name=proposals]")
    street.click("#result-form button[type=submit]")
    street.fill(".result-update input[name=on]", "2026-11-30")
    street.select_option(".result-update select[name=status]", "done")
    street.fill(".result-update input[name=progress]", "100")
    street.fill(".result-update input[name=text]", "秋千已换新链子")
    street.click(".result-update button[type=submit]")
    street.once("dialog", lambda dialog: dialog.accept())
    street.click("#close-process button[type=submit]")
    assert "项目已结束" in street.locator(".messages").inner_text()
    process.refresh_from_db()
    assert process.status == Process.Status.CLOSED

    public.reload()
    text = public.content()
    assert "秋千坏了" in text and "下周就给秋千换上新链子" in text and "小雨 四年级" in text
    assert child.name not in text and "秋千已换新链子" in text
    shot(public, "participation-public")
    for page in (street, director, unit, phone, public):
        page.close()
