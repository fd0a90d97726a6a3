"""Browser leg: headless Chromium (Debian's package) driven by Playwright, logging in as
every demo role and checking what each one sees. Run with `make test-browser`."""

import datetime
import os
import re
import time
from pathlib import Path

import pytest
from django.db.models import Exists
from playwright.sync_api import expect

from tongyou.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_accounts
from tongyou.alerts.demo import load_demo_venue_and_cameras
from tongyou.conftest import load_reference_data
from tongyou.datahub.models import Child, InsuranceEnrolment
from tongyou.datahub.services.filters import current, years_before
from tongyou.datahub.services.synthetic import generate, generate_facts
from tongyou.monitoring.demo import open_demo_round
from tongyou.monitoring.models import PlanTask
from tongyou.tests.factories import PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.browser
# Playwright's sync API runs an event loop in this thread; the ORM calls in fixtures are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("TONGYOU_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("TONGYOU_ARTIFACTS", "test-artifacts"))

# What each role's menu must and must not show (zh-hans labels).
MENUS = {
    "admin": ({"系统管理", "工作方案"}, {"儿童信息", "审计日志"}),
    "security": ({"系统管理"}, {"儿童信息", "审计日志", "统计分析"}),
    "auditor": ({"审计日志"}, {"儿童信息", "系统管理", "统计分析"}),
    "coordinator": ({"统计分析", "工作方案", "进展报告", "监测指标", "发布动态"}, {"儿童信息", "审计日志"}),
    "education": ({"统计分析", "数据导入"}, {"儿童信息", "审计日志"}),
    "health": ({"统计分析", "进展报告", "监测指标"}, {"儿童信息", "审计日志"}),
    "publicity": ({"发布动态", "进展报告"}, {"儿童信息", "审计日志"}),
    "disability": (
        {"残疾儿童特别登记", "康复救助申请", "定点康复机构"},
        {"儿童信息", "审计日志", "基本生活费申请"},
    ),
    "women": ({"家庭教育指导"}, {"儿童信息", "审计日志", "家庭走访"}),
    "emergency": ({"儿童防灾减灾"}, {"儿童信息", "审计日志", "风险排查"}),
    "procurator": ({"分级干预案件", "封存记录依法查询"}, {"儿童信息", "审计日志", "基本生活费申请"}),
    "school": ({"分级干预案件"}, {"儿童信息", "审计日志", "封存记录依法查询", "残疾儿童特别登记"}),
    "venue": ({"亚当码", "失踪儿童"}, {"儿童信息", "统计分析", "审计日志"}),
    "caseworker": ({"儿童信息", "统计分析", "数据导入"}, {"审计日志"}),
    "street": ({"儿童信息", "统计分析"}, {"审计日志"}),
    "director": ({"儿童信息", "统计分析"}, {"审计日志", "系统管理", "数据导入"}),
    "director2": ({"儿童信息"}, {"审计日志"}),
    "police": ({"儿童信息", "统计分析", "失踪预警案件"}, {"审计日志"}),
    "researcher": ({"统计分析"}, {"儿童信息", "审计日志", "数据导入"}),
}


@pytest.fixture
def demo_site(live_server, transactional_db):
    load_reference_data()
    create_demo_accounts()
    generate(400, seed=5)
    generate_facts(seed=5)
    open_demo_round()
    load_demo_venue_and_cameras()
    return live_server.url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def log_in(browser, base, username):
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 860})
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def nav(page, label):
    """Open the main-menu entry `label` as a user would: its group first, then the entry."""
    link = page.locator(".mainnav a", has_text=label).first
    group = page.locator(".mainnav details.menu-group", has=page.locator("a", has_text=label))
    if group.count() and group.first.get_attribute("open") is None:
        group.first.locator("summary").click()
    link.click()


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_every_demo_role_logs_in_and_sees_its_own_menu(demo_site, browser):
    assert {u for u, *_ in DEMO_ACCOUNTS} == set(MENUS)
    for username, role, *_ in DEMO_ACCOUNTS:
        page = log_in(browser, demo_site, username)
        assert page.locator(f".who[data-role='{role}']").is_visible()
        menu = set(page.locator(".mainnav a").all_text_contents())  # closed groups included
        must, must_not = MENUS[username]
        assert must <= menu, (username, menu)
        assert not (must_not & menu), (username, menu)
        assert "玉泉区儿童友好城市建设平台" in page.content()
        # Home is what needs this role today: its worklist, or a plain word that nothing waits.
        assert page.locator("#worklist, #worklist-empty").first.is_visible()
        shot(page, f"home-{username}")
        page.close()


def test_child_director_sees_only_the_own_community(demo_site, browser):
    page = log_in(browser, demo_site, "director")
    nav(page, "儿童信息")
    own = Child.objects.filter(residence_region__path__contains="/150104001001/").count()
    assert own > 0
    assert page.locator("h1 .badge").inner_text() == f"辖区内共 {own} 名"
    residences = page.locator("table tbody tr td:nth-child(5)").all_inner_texts()
    assert residences and all(r.startswith("小召前街第1社区") for r in residences)
    assert re.fullmatch(r"150104\*{8}\d{3}[\dX]", page.locator("td.masked").first.inner_text())
    shot(page, "children-director")
    elsewhere = Child.objects.exclude(residence_region__path__contains="/150104001001/").first()
    page.goto(f"{demo_site}/datahub/children/{elsewhere.pk}/")
    assert "未找到" in page.locator("h1").inner_text()
    page.close()


def test_researcher_statistics_chart_draws_from_local_echarts(demo_site, browser):
    page = log_in(browser, demo_site, "researcher")
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{demo_site}/datahub/statistics/?rows=street&cols=age_band")
    page.wait_for_selector("#chart[data-rendered='true']")
    assert page.locator("#pivot tbody tr").count() >= 9
    assert all(url.startswith(demo_site) for url in requests)
    shot(page, "statistics-researcher")
    # "How many children aged 0-3 in each street are not insured?" Single years are refused to a
    # researcher with the bands named; asked by band (0–5), the figures are protected.
    page.fill("#id_age_max", "3")
    page.select_option("#id_insured", "no")
    page.select_option("#id_cols", "insured")
    page.click("#query-form button[type=submit]")
    assert "年龄段" in page.locator("#question-refused").inner_text()
    page.fill("#id_age_max", "5")
    page.click("#query-form button[type=submit]")
    page.wait_for_selector("#chart[data-rendered='true']")
    today = datetime.date.today()
    young = (
        Child.objects.filter(birth_date__gt=years_before(today, 6))
        .exclude(Exists(current(InsuranceEnrolment, today)))
        .count()
    )
    shown = page.locator("#grand-total").inner_text()
    assert shown == "<5" or abs(int(shown) - young) <= 5
    assert "随机调整" in page.locator("#disclosure-note").inner_text()
    assert "age_max=5" in page.locator("#export-statistics").get_attribute("href")
    page.close()


def test_map_draws_the_streets_without_a_tile_server(demo_site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{demo_site}/regions/map/")
    page.wait_for_selector("#map[data-rendered='true']")
    assert page.locator("#map").get_attribute("data-features") == "10"
    page.check("#show-communities")
    page.wait_for_timeout(500)
    assert page.locator("#map path").count() > 10
    assert all(url.startswith(demo_site) for url in requests)
    shot(page, "map-public")
    page.close()
    # Staff see the map zoomed to their own jurisdiction, outlined: a street officer to the street,
    # a child director to the community.
    for username, code in (("street", "150104001000"), ("director", "150104001001")):
        page = log_in(browser, demo_site, username)
        page.goto(f"{demo_site}/regions/map/")
        page.wait_for_selector("#map[data-rendered='true']")
        assert page.locator("#map").get_attribute("data-focused") == code
        page.close()


def test_administrator_manages_accounts_in_the_admin_site(demo_site, browser):
    page = log_in(browser, demo_site, "admin")
    nav(page, "系统管理")
    page.goto(f"{demo_site}/admin/accounts/user/?role__exact=child_director")
    assert page.locator("#result_list tbody tr").count() == 2
    assert page.locator("#changelist-filter").is_visible()
    shot(page, "admin-users")
    page.close()


def test_caseworker_reveals_an_id_number_and_switches_to_english(demo_site, browser):
    page = log_in(browser, demo_site, "caseworker")
    nav(page, "儿童信息")
    page.locator("table tbody tr td a").first.click()
    masked = page.locator("#field-id-number").inner_text()
    assert "********" in masked
    page.click("button[value=id_number]")
    assert "*" not in page.locator("#field-id-number").inner_text()
    page.click("button[value=en]")  # labelled "English" in any language
    assert page.locator("h1").first.inner_text().startswith("Child record")
    shot(page, "child-record-en")
    page.close()


def test_education_officer_fixes_a_messy_roster_and_imports_it(demo_site, browser, settings):
    import datetime

    from tongyou.datahub.tests.test_imports import clean_rows, id_for, roster_row, xlsx

    settings.IMPORT_IN_BACKGROUND = True  # the real path: a thread imports while the page polls
    page = log_in(browser, demo_site, "education")
    nav(page, "数据导入")
    with page.expect_download() as download:
        page.click("text=教育局学籍花名册")
    assert download.value.suggested_filename == "template-education.xlsx"

    messy = [*clean_rows(2), roster_row("错", id_for(datetime.date(2019, 5, 1), 9)[:-1] + "0")]
    page.select_option("#id_source", label="教育局学籍花名册")
    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    page.set_input_files(
        "#id_file", files=[{"name": "花名册.xlsx", "mimeType": xlsx_type, "buffer": xlsx(messy)}]
    )
    page.click("#upload-form button[type=submit]")
    # The check runs in the background; the page follows it and shows the result when it ends.
    page.wait_for_selector("#batch-status:text('已预检')", timeout=20_000)
    assert page.locator("#error-count").inner_text() == "1"
    assert "校验码" in page.locator("#problems").inner_text()
    assert page.locator("#commit").count() == 0
    with page.expect_download() as report:
        page.click("#report-link")
    assert report.value.suggested_filename.startswith("problems-")
    shot(page, "import-problems")

    page.goto(f"{demo_site}/datahub/imports/")
    page.select_option("#id_source", label="教育局学籍花名册")
    page.set_input_files(
        "#id_file", files=[{"name": "花名册-修正.xlsx", "mimeType": xlsx_type, "buffer": xlsx(clean_rows(2))}]
    )
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#commit", timeout=20_000)
    page.once("dialog", lambda dialog: dialog.accept())  # importing cannot be undone: it asks first
    page.click("#commit")
    page.wait_for_selector("#batch-status:text('已导入')", timeout=20_000)
    assert page.locator("#progress").get_attribute("value") == "2"
    shot(page, "import-committed")
    page.close()


def test_caseworker_settles_an_uncertain_match_and_undoes_it(demo_site, browser):
    from tongyou.datahub.models import Child
    from tongyou.datahub.tests.test_linkage import births_file

    child = (
        Child.objects.select_related("residence_region")
        .exclude(residence_region__path__contains="/150104002")
        .first()
    )
    sex = "男" if child.sex == "1" else "女"
    row = [child.name, "", sex, child.birth_date.isoformat(), "汉族", "某某某", "", "150104002001"]
    page = log_in(browser, demo_site, "health")
    nav(page, "数据导入")
    page.select_option("#id_source", label="卫健委出生登记")
    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    page.set_input_files(
        "#id_file", files=[{"name": "出生.xlsx", "mimeType": xlsx_type, "buffer": births_file([row])}]
    )
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#commit", timeout=20_000)
    page.once("dialog", lambda dialog: dialog.accept())  # importing cannot be undone: it asks first
    page.click("#commit")
    page.close()

    page = log_in(browser, demo_site, "caseworker")
    nav(page, "匹配复核")
    page.locator("#reviews tbody a").first.click()
    assert child.name in page.locator("#comparison").inner_text()
    shot(page, "linkage-review")
    page.click("#merge")
    assert page.locator("#review-status").inner_text() == "已合并"
    page.click("#undo")
    assert page.locator("#review-status").inner_text() == "待复核"
    page.close()


def test_an_allowance_application_goes_from_director_to_street_to_district(demo_site, browser):
    child = Child.objects.filter(residence_region__path__contains="/150104001001/").first()
    page = log_in(browser, demo_site, "director")
    page.goto(f"{demo_site}/datahub/children/{child.pk}/")
    page.click("#apply-allowance")
    page.select_option("#id_category", "unsupported")
    page.fill("#id_applicant_name", "祖母")
    page.click("#application-form button[type=submit]")
    assert page.locator("#criteria").is_visible()  # the identification criteria, met or not
    page.click("#act-submit")
    assert page.locator("#application-status").inner_text() == "已提交街道（镇）"
    url = page.url
    page.close()
    page = log_in(browser, demo_site, "street")
    assert page.locator("#notices .badge").is_visible()  # told that the application waits
    page.goto(url)
    page.click("#act-town_approve")
    page.close()
    page = log_in(browser, demo_site, "caseworker")
    page.goto(url)
    page.click("#act-county_approve")
    page.click("#act-sign_agreement")
    assert "请先上传已签订的监护协议" in page.locator(".messages").inner_text()
    page.select_option("#id_kind", "guardianship_agreement")
    page.set_input_files(
        "#id_file",
        files=[{"name": "监护协议.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )
    page.click("#evidence-form button[type=submit]")
    assert "监护协议.pdf" in page.locator("#evidence").inner_text()
    page.fill("#id_bank_name", "中国农业银行呼和浩特玉泉支行")
    page.fill("#id_account_holder", "李桂兰")
    page.fill("#id_account_holder_id_number", "150104198505041247")
    page.fill("#id_account_number", "6228480012345678901")
    page.click("#details-form button[type=submit]")
    assert "****8901" in page.locator("#bank-account").inner_text()
    page.click("#act-sign_agreement")
    page.close()
    page = log_in(browser, demo_site, "caseworker")
    page.goto(url)
    assert page.locator("#application-status").inner_text() == "保障中（按月发放）"
    start = page.locator("#payment-start").inner_text()
    assert start.endswith("-01")
    shot(page, "welfare-application")
    # The district sets the standard and prepares the first month: the child is on the list.
    nav(page, "按月发放")
    page.select_option("#id_standard-category", "unsupported")
    page.fill("#id_standard-monthly_amount", "1500")
    page.fill("#id_standard-effective_from", "2026-01-01")
    page.click("#standard-form button[type=submit]")
    page.fill("#id_run-month", start[:7])
    page.click("#run-form button[type=submit]")
    assert "1500.00" in page.locator("#payments").inner_text()
    with page.expect_download() as download:
        page.click("text=发放名册（Excel）")
    assert download.value.suggested_filename == f"payments-{start[:7]}.xlsx"
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.click("#approve-run")  # checked against today's applications, then frozen for the bank
    assert "不能再更改" in questions[0] or "不能再修改" in questions[0]
    with page.expect_download() as download:
        page.click("#bank-file")
    bank = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "6228480012345678901" in bank and "150104198505041247" in bank and "共1笔" in bank
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#mark-paid")
    assert page.locator("#run-state").inner_text() == "已发放"
    page.fill("#rate", "1")
    page.click("#spot-check-form button[type=submit]")
    assert "随机种子" in page.locator("#draw").inner_text()
    shot(page, "welfare-spot-check")
    page.close()


def test_a_harm_report_from_the_public_reaches_a_caseworker_with_its_clock_running(demo_site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{demo_site}/")
    nav(page, "举报侵害儿童")
    page.select_option("#id_situation", "6")
    page.fill("#id_description", "楼下有个孩子连续几天没人照看")
    page.select_option("#id_region", label="小召前街街道 小召前街第1社区（示意）")
    page.click("#report-form button[type=submit]")
    reference = page.locator("#reference").inner_text()
    assert reference.startswith("BG")
    page.close()
    page = log_in(browser, demo_site, "caseworker")
    nav(page, "强制报告")
    assert reference in page.locator("#reports").inner_text()
    page.click(f"text={reference}")
    assert page.locator("#report-state").inner_text() == "已接收"
    page.select_option("#urgency", "urgent")
    page.select_option("#handler", "civil_affairs")
    page.click("#triage-form button[type=submit]")
    assert page.locator("#report-state").inner_text() == "已分派"
    shot(page, "harm-report")
    page.close()


def test_a_high_risk_visit_refers_the_child_to_the_police(demo_site, browser):
    child = Child.objects.filter(residence_region__path__contains="/150104001001/").last()
    page = log_in(browser, demo_site, "director")
    page.goto(f"{demo_site}/datahub/children/{child.pk}/")
    page.click("#record-visit")
    page.select_option("#id_risk", "high")
    page.fill("#id_notes", "父母均外出务工，祖母卧病在床")
    page.click("#visit-form button[type=submit]")
    message = page.locator(".messages li").first.inner_text()
    assert "BG" in message
    reference = "BG" + message.split("BG", 1)[1].rstrip("。").strip()
    page.close()
    page = log_in(browser, demo_site, "police")
    nav(page, "强制报告")
    assert reference in page.locator("#reports").inner_text()
    page.close()


def test_a_unit_reports_the_coordinator_returns_then_accepts_and_the_column_updates(demo_site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{demo_site}/monitoring/plan/")
    for task in PlanTask.objects.filter(area__plan__is_current=True).select_related("area"):
        row = page.locator(f"tr[data-task='{task.area.number}-{task.number}']")
        assert row.locator(".lead").inner_text() == task.lead_units_text
        assert row.locator(".participating").inner_text() == task.participating_units_text.strip()
    page.close()

    page = log_in(browser, demo_site, "education")
    nav(page, "进展报告")
    page.click("#open-2-2")
    page.select_option("#id_progress", "on_track")
    page.fill("#id_narrative", "新增公办幼儿园2所")
    page.click("#report-form button[name=save]")
    # More text typed but not saved, then evidence attached (another form: the page reloads).
    typed = "新增公办幼儿园2所，新增学位540个"
    page.fill("#id_narrative", typed)
    page.fill("#id_caption", "新园开园照片")
    page.set_input_files("#id_file", files=[{"name": "开园.png", "mimeType": "image/png", "buffer": PNG}])
    page.click("#evidence-form button[type=submit]")
    assert "新园开园照片" in page.locator("#report-evidence").inner_text()
    assert page.input_value("#id_narrative") == typed  # what was typed is back, and the page says so
    assert "未保存" in page.locator("#report-form .kept").inner_text()
    page.select_option("#id_indicator", label="PS-05 学前三年毛入园率")
    page.fill("#id_numerator", "5000")
    page.fill("#id_denominator", "4500")
    page.click("#value-form button[type=submit]")
    assert "分子（5000）大于分母（4500）" in page.locator(".messages").inner_text()
    page.fill("#id_numerator", "4100")
    page.fill("#id_denominator", "4500")
    page.click("#value-form button[type=submit]")
    assert "91.11" in page.locator("#report-values").inner_text()
    page.click("#submit-report")
    assert page.locator("#report-state").inner_text() == "已报送"
    assert typed in page.locator("#narrative").inner_text()  # submitted with what was typed
    url = page.url
    page.close()

    page = log_in(browser, demo_site, "coordinator")
    page.goto(url)
    page.fill("#comment", "请补充新增学位数")
    page.click("#return")
    assert page.locator("#report-state").inner_text() == "退回修改"
    page.close()

    page = log_in(browser, demo_site, "education")
    assert page.locator("#notices .badge").is_visible()
    page.goto(url)
    assert page.locator("#review-comment").inner_text() == "请补充新增学位数"
    page.fill("#id_narrative", "新增公办幼儿园2所，新增学位540个")
    page.click("#submit-report")
    page.close()

    page = log_in(browser, demo_site, "coordinator")
    page.goto(url)
    page.click("#accept")
    assert page.locator("#report-state").inner_text() == "已审核通过"
    nav(page, "监测指标")
    assert "91.11" in page.locator("tr[data-code='PS-05']").inner_text()
    page.wait_for_selector("#attainment-chart[data-rendered]")  # drawn by the local ECharts
    shot(page, "monitoring-dashboard")
    nav(page, "进展报告")
    with page.expect_download() as word:
        page.click("#annual-docx")
    assert word.value.suggested_filename.endswith(".docx")
    with page.expect_download() as pdf:
        page.click("#annual-pdf")
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF")
    page.close()

    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(f"{demo_site}/monitoring/column/")
    assert "91.11" in page.locator("tr[data-code='PS-05']").inner_text()
    assert "按计划推进：1" in page.locator("#task-progress").inner_text()
    shot(page, "public-column-phone")
    page.close()


PNG = PNG_BYTES


def test_police_publish_the_circle_grows_a_sighting_comes_in_and_found_ends_it(demo_site, browser):
    from tongyou.alerts.models import MissingChildCase
    from tongyou.alerts.services import delivery, publishing
    from tongyou.alerts.tests.conftest import BAOTOU, YUQUAN, Subscriber

    inside, outside = Subscriber(*YUQUAN).start(), Subscriber(*BAOTOU).start()
    try:
        page = log_in(browser, demo_site, "police")
        nav(page, "失踪预警案件")
        page.click("#new-case")
        page.fill("#id_child_name", "王小明")
        page.select_option("#id_sex", "1")
        page.fill("#id_age", "6")
        page.fill("#id_clothing", "红色上衣，蓝色裤子")
        last_seen = datetime.datetime.now() - datetime.timedelta(minutes=20)
        page.fill("#id_last_seen_at", last_seen.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_last_seen_place", "大召寺广场")
        page.click("#pick-map", position={"x": 200, "y": 150})  # the map fills the coordinates
        # And the community (expect() polls from outside the page: the CSP forbids eval inside it).
        expect(page.locator("#id_region")).not_to_have_value("", timeout=15_000)
        assert page.input_value("#id_latitude") and page.input_value("#id_region")
        page.fill("#id_latitude", f"{YUQUAN[0]}")
        page.fill("#id_longitude", f"{YUQUAN[1]}")
        page.select_option("#id_region", label="小召前街街道 小召前街第1社区（示意）")
        page.click("#publish")
        assert page.locator("#case-state").inner_text() == "预警中"
        assert [m["msgType"] for m in inside.wait_for(1)] == ["Alert"]  # sent on commit, no worker needed
        assert outside.wait_for(1, timeout=1) == []
        case = MissingChildCase.objects.get()
        for _ in range(50):  # the send on commit marks its rows delivered once the broker has acked all
            if not case.messages.get().publications.filter(state="pending").exists():
                break
            time.sleep(0.1)
        an_hour_later = case.last_seen_at + datetime.timedelta(minutes=61)
        publishing.widen_due(now=an_hour_later)  # the worker's next round, an hour on
        delivery.process(now=an_hour_later)
        assert [m["msgType"] for m in outside.wait_for(1)] == ["Update"]
        police_page = page

        public = browser.new_page(viewport={"width": 390, "height": 844})
        public.goto(f"{demo_site}/alerts/")
        assert "王小明" in public.locator("#active-alerts").inner_text()
        public.click("#active-alerts a")
        # The sighting map draws the alert's circle (an SVG path in Leaflet's overlay pane).
        public.wait_for_selector("[data-alert-map][data-rendered]")
        assert public.locator(".leaflet-overlay-pane path").count() >= 1
        public.fill(
            "#id_seen_at",
            (datetime.datetime.now() - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        )
        public.fill("#id_latitude", "40.7800")
        public.fill("#id_longitude", "111.6600")
        public.fill("#id_description", "看到一个穿红衣服的男孩在公交站")
        public.click("#sighting-form button[type=submit]")
        assert "警方已收到" in public.locator("#sighting-received").inner_text()

        police_page.reload()
        assert "看到一个穿红衣服的男孩" in police_page.locator("#sightings").inner_text()
        police_page.wait_for_selector("#case-map[data-rendered]")
        shot(police_page, "alert-case")
        police_page.fill("#note", "在亲戚家找到")
        questions = []
        police_page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
        police_page.click("#found")  # asked first; "cancel" keeps the alert running
        assert questions and "无法撤销" in questions[0]
        assert police_page.locator("#case-state").inner_text() == "预警中"
        police_page.once("dialog", lambda dialog: dialog.accept())
        police_page.click("#found")
        police_page.wait_for_selector("#case-state:has-text('已找到')")
        assert [m["msgType"] for m in inside.wait_for(3)] == ["Alert", "Update", "Cancel"]
        public.goto(f"{demo_site}/alerts/")
        assert "王小明" not in public.content()
        assert public.goto(f"{demo_site}/alerts/a/{case.reference}/").status == 404
    finally:
        inside.stop()
        outside.stop()


def test_a_planner_finds_the_worst_street_for_kindergartens_and_exports_three_sites(demo_site, browser):
    import json

    from tongyou.spaces import coverage
    from tongyou.spaces.demo import load_demo_facilities
    from tongyou.spaces.models import Facility

    load_demo_facilities()
    page = log_in(browser, demo_site, "coordinator")
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    nav(page, "儿童友好场所")
    page.wait_for_selector("#facility-map[data-rendered='true']")
    assert page.locator("#facility-map").get_attribute("data-features") == str(Facility.objects.count())
    shot(page, "spaces-map")
    nav(page, "服务覆盖")
    page.select_option("#group", "kindergarten")
    page.click("#coverage-form button[type=submit]")
    page.wait_for_selector("#coverage-map[data-rendered='true']")
    # Kindergartens serve 3- to 5-year-olds (until they start school at six), within 300 m.
    assert "3–5岁儿童" in page.locator("#coverage-rule").inner_text()
    worst = coverage.coverage("kindergarten", datetime.date.today())[0][0]
    first = page.locator("#coverage tbody tr").first
    assert first.get_attribute("data-code") == worst.code
    # The coordinator reads aggregates: protected figures, "<5" or within ±5 of the truth.
    gap = first.locator("td").nth(3).inner_text()
    assert gap == "<5" or abs(int(gap) - worst.uncovered) <= 5
    assert all(url.startswith(demo_site) for url in requests)
    shot(page, "spaces-coverage")
    page.click("#suggest-sites")
    page.fill("#n", "3")
    page.click("#sites-form button[type=submit]")
    assert page.locator("#sites tbody tr").count() == 3
    shot(page, "spaces-sites")
    with page.expect_download() as download:
        page.click("#sites-csv")
    rows = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("序号,网格,位置") and len(rows) == 4
    with page.expect_download() as download:
        page.click("#sites-geojson")
    sites = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [f["properties"]["rank"] for f in sites["features"]] == [1, 2, 3]
    page.close()


def test_a_failed_mother_baby_room_item_shows_up_as_a_rectification_due(demo_site, browser):
    from tongyou.spaces.demo import load_demo_facilities

    load_demo_facilities()
    page = log_in(browser, demo_site, "coordinator")
    nav(page, "设施台账")
    page.select_option("#kind", "mother_baby_room")
    page.click("#facility-filter button[type=submit]")
    page.locator("#facilities tbody a").first.click()
    boxes = page.locator("#inspection-form input[name=passed]")
    for n in range(boxes.count()):
        if boxes.nth(n).get_attribute("value") != "lock":
            boxes.nth(n).check()
    page.click("#inspection-form button[type=submit]")
    assert page.locator("#meets").inner_text() == "待整改"
    nav(page, "整改")
    row = page.locator("#rectifications tbody tr").first
    assert "可从内部锁闭的门" in row.inner_text()
    due = row.locator("td").nth(2).inner_text()
    assert re.match(r"\d{4}-\d{2}-\d{2}", due) and due > datetime.date.today().isoformat()
    shot(page, "spaces-rectification")
    page.close()


def test_code_adam_hands_the_officer_the_girl_described_and_the_officer_corrects_before_publishing(
    demo_site, browser
):
    from tongyou.alerts.models import CodeAdam, MissingChildCase
    from tongyou.alerts.services import venues

    staff = log_in(browser, demo_site, "venue")
    nav(staff, "亚当码")
    form = staff.locator("form[id^=trigger-]").first
    form.locator("textarea[name=description]").fill("5岁女孩，扎马尾，粉色外套")
    form.locator("select[name=sex]").select_option("2")
    form.locator("input[name=age]").fill("5")
    form.locator("button[type=submit]").click()
    page = CodeAdam.objects.get()
    assert (page.sex, page.age) == ("2", 5)
    [case] = venues.escalate_due(now=page.started_at + datetime.timedelta(minutes=11))

    officer = log_in(browser, demo_site, "police")
    officer.goto(f"{demo_site}/alerts/cases/{case.pk}/")
    assert "5岁女孩，扎马尾，粉色外套" in officer.locator("#child-description").inner_text()
    assert "女孩" in officer.locator("#child-summary").inner_text()
    assert officer.input_value("#confirm-form #id_sex") == "2"
    officer.fill("#confirm-form #id_child_name", "小红")
    officer.fill("#confirm-form #id_clothing", "粉色外套，白色运动鞋")
    officer.click("#confirm")
    officer.wait_for_selector("#case-state:has-text('预警中')")
    case = MissingChildCase.objects.get(pk=case.pk)
    cap = case.messages.get().cap_xml
    assert "小红，女孩，5岁" in cap and "男孩" not in cap and "白色运动鞋" in cap
    shot(officer, "code-adam-confirmed")


PUBLIC_PAGES = [
    "/",
    "/monitoring/plan/",
    "/monitoring/column/",
    "/alerts/",
    "/regions/map/",
    "/spaces/",
    "/report/",
    "/welfare/notice/",
    "/accounts/login/",
]


def test_every_public_page_fits_a_phone(demo_site, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    too_wide = {}
    for path in PUBLIC_PAGES:
        page.goto(f"{demo_site}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width
    shot(page, "phone-report")
    assert too_wide == {}
    page.close()


def test_a_walk_through_every_roles_menu_finds_no_error_no_foreign_request_no_english(demo_site, browser):
    """Every page each demo role's menu leads to: no 4xx or 5xx, no console error (a CSP refusal
    included), no request to another host, no English left in the Chinese interface."""
    from urllib.parse import urlsplit

    from tongyou.site.tests.test_walk import english_leftovers

    host = urlsplit(demo_site).netloc
    problems: dict[str, list] = {}
    for username, *_ in DEMO_ACCOUNTS:
        page = log_in(browser, demo_site, username)
        errors: list = []
        page.on(
            "console", lambda message, errors=errors: message.type == "error" and errors.append(message.text)
        )
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        page.on(
            "request",
            lambda request, errors=errors: (
                urlsplit(request.url).scheme in ("http", "https", "ws", "wss")
                and urlsplit(request.url).netloc != host
                and errors.append(f"foreign request {request.url}")
            ),
        )
        page.on(
            "response",
            lambda response, errors=errors: (
                response.status >= 400 and errors.append(f"{response.status} {response.url}")
            ),
        )
        links = [a.get_attribute("href") for a in page.locator(".mainnav a").all()]
        for href in ["/", *links]:
            if not href or href.startswith("/admin/"):
                continue
            page.goto(f"{demo_site}{href}")
            page.wait_for_load_state("load")
            leftovers = english_leftovers(page.content())
            if leftovers:
                errors.append(f"{href}: English {sorted(leftovers)}")
        if errors:
            problems[username] = errors
        page.close()
    assert problems == {}
