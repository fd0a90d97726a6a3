"""A unit reports, the coordinator returns and accepts; dashboards, the public column, exports and
the annual report follow."""

import datetime
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.core.errors import Refusal
from tongyou.core.models import Notification
from tongyou.monitoring import reports, services, values
from tongyou.monitoring.models import IndicatorValue, NewsItem, PlanTask, ProgressReport
from tongyou.regions.models import Region
from tongyou.tests.factories import PNG_BYTES

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def new_alert(make_user):
    from django.utils import timezone

    from tongyou.alerts.services import publishing

    return publishing.record_case(
        make_user(Role.POLICE),
        child_name="王小明",
        sex="1",
        age=6,
        last_seen_at=timezone.now(),
        last_seen_place="大召寺广场",
        latitude=40.78,
        longitude=111.65,
        region=Region.objects.get(code="150104001001"),
    )


@pytest.fixture
def reporting_round(make_user):
    coordinator = make_user(Role.COORDINATOR, unit=Unit.objects.get(code="fegw"))
    return reports.open_round(YEAR, datetime.date(YEAR, 12, 31), services.current_plan(), coordinator)


def education_task():
    return PlanTask.objects.get(area__number=2, number=2, area__plan__is_current=True)


def test_a_report_goes_from_the_unit_to_the_coordinator_and_back_until_accepted(reporting_round, client_for):
    education = client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="jyj"))
    coordinator = client_for(Role.COORDINATOR, unit=Unit.objects.get(code="fegw"))
    task = education_task()
    start = f"/monitoring/reports/{reporting_round.pk}/tasks/{task.pk}/"
    assert education.get(start).status_code == 405  # opening a link never creates a report
    assert not ProgressReport.objects.exists()
    response = education.post(start)
    report = ProgressReport.objects.get()
    assert response.url == f"/monitoring/reports/{report.pk}/"
    education.post(
        f"/monitoring/reports/{report.pk}/", {"progress": "on_track", "narrative": "新增公办园2所"}
    )
    photo = SimpleUploadedFile("开园.png", PNG_BYTES)
    education.post(f"/monitoring/reports/{report.pk}/evidence/", {"caption": "新园开园照片", "file": photo})
    district = Region.objects.get(code="150104000000")
    education.post(
        f"/monitoring/reports/{report.pk}/values/",
        {"indicator": _indicator("PS-05"), "region": district.pk, "numerator": "4100", "denominator": "4500"},
    )
    education.post(
        f"/monitoring/reports/{report.pk}/",
        {"progress": "on_track", "narrative": "新增公办园2所", "submit": "1"},
    )
    report.refresh_from_db()
    assert report.state == "submitted" and report.evidence.count() == 1
    assert Notification.objects.filter(recipient=coordinator.user).exists()
    coordinator.post(
        f"/monitoring/reports/{report.pk}/review/", {"decision": "return", "comment": "请补充学位数"}
    )
    report.refresh_from_db()
    assert report.state == "returned" and IndicatorValue.objects.get().state == "returned"
    assert Notification.objects.filter(recipient=education.user, message__contains="请补充学位数").exists()
    education.post(
        f"/monitoring/reports/{report.pk}/",
        {"progress": "on_track", "narrative": "新增公办园2所，新增学位540个", "submit": "1"},
    )
    coordinator.post(f"/monitoring/reports/{report.pk}/review/", {"decision": "accept"})
    report.refresh_from_db()
    assert report.state == "accepted"
    accepted = IndicatorValue.objects.get()
    assert (accepted.state, accepted.value) == ("accepted", values.Decimal("91.11"))
    dashboard = coordinator.get("/monitoring/dashboard/?period=2026").content.decode()
    assert "91.11" in dashboard
    column = Client().get("/monitoring/column/").content.decode()
    assert "91.11" in column and "按计划推进：1" in column


def _indicator(code):
    from tongyou.monitoring.models import Indicator

    return Indicator.objects.get(code=code).pk


def test_a_unit_cannot_open_another_units_report_or_a_task_it_does_not_join(reporting_round, client_for):
    education = client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="jyj"))
    education.post(f"/monitoring/reports/{reporting_round.pk}/tasks/{education_task().pk}/")
    report = ProgressReport.objects.get()
    health = client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="wjw"))
    assert health.get(f"/monitoring/reports/{report.pk}/").status_code == 404
    foreign_task = PlanTask.objects.get(
        area__number=5, number=3, area__plan__is_current=True
    )  # online environment
    page = health.post(f"/monitoring/reports/{reporting_round.pk}/tasks/{foreign_task.pk}/", follow=True)
    assert "既不牵头也不参与该任务" in page.content.decode()


def test_reported_values_are_checked_before_they_are_kept(reporting_round, make_user):
    officer = make_user(Role.UNIT_OFFICER, unit=Unit.objects.get(code="jyj"))
    report = reports.report_for(reporting_round, officer.unit, education_task(), officer)
    district = Region.objects.get(code="150104000000")
    from tongyou.monitoring.models import Indicator

    with pytest.raises(Refusal, match="分子（5000）大于分母（4500）"):
        values.report_value(report, officer, Indicator.objects.get(code="PS-05"), district, 5000, 4500)
    with pytest.raises(Refusal, match="由平台根据登记数据计算"):
        values.report_value(report, officer, Indicator.objects.get(code="PS-06"), district, 1, 2)
    with pytest.raises(Refusal, match="不是.*的数据来源单位"):
        values.report_value(report, officer, Indicator.objects.get(code="PS-09"), district, 1, 1000)
    assert not IndicatorValue.objects.exists()


def test_reminders_before_the_deadline_and_overdue_notices_after(reporting_round, make_user):
    officer = make_user(Role.UNIT_OFFICER, unit=Unit.objects.get(code="jyj"))
    coordinator = make_user(Role.COORDINATOR, unit=Unit.objects.get(code="fegw"))
    assert reports.remind(today=datetime.date(YEAR, 11, 1)) == 0  # too early
    reports.remind(today=datetime.date(YEAR, 12, 20))
    reports.remind(today=datetime.date(YEAR, 12, 21))  # sent once
    assert Notification.objects.filter(recipient=officer, key__endswith=".remind").count() == 1
    reports.remind(today=datetime.date(YEAR + 1, 1, 2))
    assert Notification.objects.filter(recipient=coordinator, message__contains="区教育局").exists()
    overdue = dict(reports.overdue_units(reporting_round, today=datetime.date(YEAR + 1, 1, 2)))
    assert Unit.objects.get(code="jyj") in overdue


def test_on_time_reporting_and_tasks_on_schedule_are_computed(reporting_round, make_user):
    coordinator = make_user(Role.COORDINATOR, unit=Unit.objects.get(code="fegw"))
    owed = reports.owed_reports(reporting_round)
    units = {unit_id for unit_id, _task in owed}
    youth = Unit.objects.get(code="sgw")  # 少工委 owes the fewest reports
    for task in reports.tasks_of(youth, reporting_round.plan):
        officer = make_user(Role.UNIT_OFFICER, unit=youth)
        report = reports.report_for(reporting_round, youth, task, officer)
        reports.save(report, officer, "completed", "已完成")
        reports.submit(report, officer)
        reports.accept(report, coordinator)
    values.compute(str(YEAR), today=datetime.date(YEAR, 12, 31))
    on_time = IndicatorValue.objects.get(indicator__code="MG-01", period=str(YEAR))
    assert (on_time.numerator, on_time.denominator) == (1, len(units))


def test_a_revised_plan_keeps_the_old_plan_and_its_reports(reporting_round, make_user):
    officer = make_user(Role.UNIT_OFFICER, unit=Unit.objects.get(code="jyj"))
    coordinator = make_user(Role.COORDINATOR, unit=Unit.objects.get(code="fegw"))
    old_task = education_task()
    report = reports.report_for(reporting_round, officer.unit, old_task, officer)
    old_plan = services.current_plan()
    revised = services.revise_plan(old_plan, "yuquan-cfc-2027", "修订版方案", coordinator)
    assert services.current_plan() == revised and revised.supersedes == old_plan
    assert PlanTask.objects.filter(area__plan=revised).count() == 27
    new_task = PlanTask.objects.get(area__plan=revised, area__number=2, number=2)
    assert list(new_task.lead_units.all()) == list(old_task.lead_units.all())
    assert new_task.indicators.filter(code="PS-06").exists()
    report.refresh_from_db()
    assert report.task == old_task


def test_the_annual_report_downloads_as_word_and_as_a_pdf_with_chinese_text(reporting_round, client_for):
    import os

    import pypdfium2
    from docx import Document

    from tongyou.core.documents import NO_LINE_START, FontMissing, cjk_font

    try:
        cjk_font()
    except FontMissing:
        if os.environ.get("CI"):
            raise
        pytest.skip("no CJK font on this machine (install fonts-noto-cjk); CI installs one")

    coordinator = client_for(Role.COORDINATOR, unit=Unit.objects.get(code="fegw"))
    officer = client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="jyj"))
    report = reports.report_for(reporting_round, officer.user.unit, education_task(), officer.user)
    reports.save(report, officer.user, "on_track", "全区新增公办幼儿园两所")
    reports.submit(report, officer.user)
    reports.accept(report, coordinator.user)
    reporting_round.problems = "部分单位报送不及时，个别指标缺少分项数据。"
    reporting_round.next_steps = "完善数据共享，按季度调度重点任务。"
    reporting_round.save()
    word = coordinator.get(f"/monitoring/annual/{reporting_round.pk}.docx")
    docx = Document(io.BytesIO(word.content))
    paragraphs = [p.text for p in docx.paragraphs if p.text]
    assert paragraphs[0].startswith("关于") and paragraphs[0].endswith("年度实施情况的报告")
    assert "征求意见稿" in paragraphs[0]  # the plan is still the draft for comment
    assert paragraphs[1] == "区人民政府："  # 主送
    headings = ["一、总体情况", "二、主要成效", "三、监测指标", "四、存在问题", "五、下一步工作"]
    assert [p for p in paragraphs if p in headings] == headings
    body = "\n".join(paragraphs)
    assert "全区新增公办幼儿园两所" in body and "尚未报送或未通过审核" in body
    for doubled in ("。。", "，。", "；。", "。；"):
        assert doubled not in body, doubled  # no doubled punctuation, whatever the plan's lines end with
    assert reporting_round.problems in body and reporting_round.next_steps in body
    signature = paragraphs.index("玉泉区妇女儿童工作委员会办公室")
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", paragraphs[signature + 1])  # 落款 and 成文日期
    assert 'instr="PAGE"' in docx.sections[0].footer._element.xml.replace("w:instr", "instr")
    pdf = coordinator.get(f"/monitoring/annual/{reporting_round.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(pdf.content)
    pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    for number, page in enumerate(pages, start=1):
        assert f"— {number} —" in page  # page numbers, as GB/T 9704 sets them
        for line in page.splitlines():
            if line.strip() and not re.fullmatch(r"— \d+ —", line.strip()):
                assert line.strip()[0] not in NO_LINE_START, line  # 避头尾
    whole = "".join(p.replace("\r", "").replace("\n", "") for p in pages)
    for heading in headings:
        assert heading in whole
    assert "全区新增公办幼儿园两所" in whole and reporting_round.next_steps in whole
    first_page = document[0]
    image = first_page.render(scale=1).to_pil().convert("L")
    dark = sum(image.histogram()[:128])  # pixels darker than mid-grey
    assert dark > 2000  # glyphs were drawn, not empty boxes of a missing font
    from pathlib import Path

    Path("test-artifacts").mkdir(exist_ok=True)
    image.save("test-artifacts/annual-report-page1.png")
    assert officer.get(f"/monitoring/annual/{reporting_round.pk}.pdf").status_code == 403


def test_values_export_to_dhis2_csv_and_excel_and_import_from_the_template(reporting_round, client_for):
    officer = client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="jyj"))
    report = reports.report_for(reporting_round, officer.user.unit, education_task(), officer.user)
    book = Workbook()
    sheet = book.active
    sheet.append(["指标编码", "期间", "区划代码", "分子", "分母", "数值", "说明"])
    sheet.append(["PS-05", "2026", "150104000000", 4100, 4500, None, ""])
    sheet.append(["PS-05", "2026", "150104999000", 10, 20, None, ""])
    buffer = io.BytesIO()
    book.save(buffer)
    bad = officer.post(
        f"/monitoring/reports/{report.pk}/values/import/",
        {"file": SimpleUploadedFile("指标.xlsx", buffer.getvalue())},
        follow=True,
    ).content.decode()
    assert "第3行：没有区划150104999000" in bad and not IndicatorValue.objects.exists()
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    book.save(buffer)
    officer.post(
        f"/monitoring/reports/{report.pk}/values/import/",
        {"file": SimpleUploadedFile("指标.xlsx", buffer.getvalue())},
    )
    assert IndicatorValue.objects.get().value == values.Decimal("91.11")
    IndicatorValue.objects.update(state="accepted")
    coordinator = client_for(Role.COORDINATOR, unit=Unit.objects.get(code="fegw"))
    payload = json.loads(coordinator.get("/monitoring/values/dataValueSets.json?period=2026").content)
    assert payload["idScheme"] == "CODE"  # a share goes as its numerator and denominator
    assert {
        "dataElement": "PS-05.N",
        "period": "2026",
        "orgUnit": "150104000000",
        "value": "4100",
    } in payload["dataValues"]
    assert {
        "dataElement": "PS-05.D",
        "period": "2026",
        "orgUnit": "150104000000",
        "value": "4500",
    } in payload["dataValues"]
    csv_text = coordinator.get("/monitoring/values/export.csv").content.decode("utf-8-sig")
    assert "PS-05,2026,150104000000,4100,4500,91.11" in csv_text
    template = officer.get(f"/monitoring/reports/{report.pk}/values/template.xlsx")
    assert template.status_code == 200


def test_a_street_officer_drills_down_only_within_the_street(client_for):
    values.compute("2026", today=datetime.date(2026, 11, 29))
    street = client_for(Role.STREET_OFFICER, "150104001000")
    page = street.get("/monitoring/dashboard/?region=150104002000").content.decode()
    assert "小召前街街道" in page and "兴隆巷街道" not in page.split('id="indicators"')[1]
    assert street.get("/monitoring/dashboard/?region=150104001001").status_code == 200
    assert client_for(Role.CHILD_DIRECTOR, "150104001001").get("/monitoring/dashboard/").status_code == 403


def test_news_is_published_by_the_publicity_department_only(client_for):
    publicity = client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="xcb"))
    publicity.post("/monitoring/column/news/new/", {"title": "首批儿童友好社区揭牌", "body": "……"})
    assert "首批儿童友好社区揭牌" in Client().get("/monitoring/column/").content.decode()
    education = client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="jyj"))
    assert education.post("/monitoring/column/news/new/", {"title": "x", "body": "y"}).status_code == 403
    assert NewsItem.objects.count() == 1


def test_the_coordinator_sets_a_target_and_others_only_read_it(client_for):
    coordinator = client_for(Role.COORDINATOR, unit=Unit.objects.get(code="fegw"))
    coordinator.post(
        "/monitoring/indicators/GS-07/",
        {
            "target-comparator": ">=",
            "target-value": "90",
            "target-year": "2027",
            "target-basis": "区妇联2026年工作要点",
        },
    )
    from tongyou.monitoring.models import Target

    target = Target.objects.get(indicator__code="GS-07")
    assert (target.value, target.year) == (values.Decimal("90.00"), 2027)
    street = client_for(Role.STREET_OFFICER, "150104001000")
    page = street.get("/monitoring/indicators/GS-07/").content.decode()
    assert "区妇联2026年工作要点" in page and 'id="target-form"' not in page
    street.post("/monitoring/indicators/GS-07/", {"delete": target.pk})
    assert Target.objects.filter(pk=target.pk).exists()


def test_the_public_column_links_to_active_alerts(new_alert):
    page = Client().get("/monitoring/column/").content.decode()
    assert 'id="see-also-alerts.public"' in page and '<span class="badge overdue">1</span>' in page


def test_a_hostile_values_file_is_refused_in_chinese_and_records_nothing(reporting_round, client_for):
    officer = client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="jyj"))
    report = reports.report_for(reporting_round, officer.user.unit, education_task(), officer.user)
    book = Workbook()
    book.active.append(["指标编码", "期间", "区划代码", "分子", "分母", "数值", "说明"])
    book.active["XFD1048576"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    for content, words in ((buffer.getvalue(), "范围过大"), (b"\x00\x01garbage" * 50, "不是电子表格")):
        page = officer.post(
            f"/monitoring/reports/{report.pk}/values/import/",
            {"file": SimpleUploadedFile("指标.xlsx", content)},
            follow=True,
        ).content.decode()
        assert words in page and not IndicatorValue.objects.exists()


def test_the_title_drops_the_draft_mark_once_the_plan_is_adopted(reporting_round):
    from tongyou.monitoring.annual_report import collect
    from tongyou.regions.models import Region

    district = Region.objects.get(code="150104000000")
    assert "征求意见稿" in collect(reporting_round, district).title
    reporting_round.plan.is_final = True
    reporting_round.plan.save()
    title = collect(reporting_round, district).title
    assert "征求意见稿" not in title and title.startswith("关于玉泉区落实")


CLOSING = "，。、；：？！）》”"
chinese = st.text(alphabet="儿童友好城市建设玉泉区" + CLOSING + "（《“", min_size=1, max_size=200)


@settings(max_examples=200, deadline=None)
@given(text=chinese, width=st.integers(min_value=3, max_value=30))
def test_lines_never_start_with_closing_punctuation_and_lose_nothing(text, width):
    from tongyou.core.documents import NO_LINE_END, NO_LINE_START, wrap

    lines = wrap(len, text, width)
    assert "".join(lines) == text
    ordinary = set(text) - NO_LINE_START - NO_LINE_END
    for previous, line in zip(lines, lines[1:], strict=False):
        if set(previous) & ordinary:  # something could have moved down with the mark
            assert line[0] not in NO_LINE_START, lines
            assert previous[-1] not in NO_LINE_END, lines


def test_the_office_drafts_its_sections_and_records_the_plan_as_adopted(reporting_round, client_for):
    office = client_for(Role.COORDINATOR, unit=Unit.objects.get(code="fegw"))
    office.post(
        f"/monitoring/reports/rounds/{reporting_round.pk}/summary/",
        {"problems": "报送不及时。", "next_steps": "按季度调度。"},
    )
    reporting_round.refresh_from_db()
    assert (reporting_round.problems, reporting_round.next_steps) == ("报送不及时。", "按季度调度。")
    office.post("/monitoring/plan/adopt/")
    reporting_round.plan.refresh_from_db()
    assert reporting_round.plan.is_final and "征求意见稿" not in reporting_round.plan.official_title


def test_the_annual_report_breaks_the_computed_figures_down_by_street_with_small_counts_protected(
    reporting_round, region
):
    import io

    from docx import Document

    from tongyou.monitoring import values
    from tongyou.monitoring.annual_report import as_docx, collect
    from tongyou.regions.models import Region
    from tongyou.tests.factories import ChildFactory

    for grid, count in (("150104001001001", 3), ("150104002001001", 7)):
        for _ in range(count):
            ChildFactory(residence_region=region(grid))
    values.compute(reporting_round.period)
    district = Region.objects.get(code="150104000000")
    data = collect(reporting_round, district)
    columns, rows = data.streets
    assert columns[0] == "街道（镇）" and any(c.startswith("SP-01") for c in columns)
    by_street = {row[0]: row for row in rows}
    children = columns.index(next(c for c in columns if c.startswith("SP-01")))
    assert by_street["小召前街街道"][children] == "<5"  # three children: not shown as a count
    assert by_street["兴隆巷街道"][children] == "7"
    tables = Document(io.BytesIO(as_docx(data))).tables
    assert any(table.rows[0].cells[0].text == "街道（镇）" for table in tables)


def test_the_annual_report_says_what_the_apps_records_show_for_a_task(reporting_round, monkeypatch):
    from tongyou.core.registry import registry
    from tongyou.monitoring.annual_report import _paragraphs, collect

    monkeypatch.setitem(registry.task_facts, "1.3", [lambda year: [f"{year}年儿童议事会3个"]])
    data = collect(reporting_round, Region.objects.get(code="150104000000"))
    [row] = [
        r for title, rows in data.areas for r in rows if title.startswith("（一）") and r.label.endswith("3")
    ]
    assert row.facts == [f"{YEAR}年儿童议事会3个"]
    assert ("body", f"平台记录：{YEAR}年儿童议事会3个。") in _paragraphs(data)
