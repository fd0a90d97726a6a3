"""The classes of import defect found by probing with real departments' files: each test builds
the kind of file that broke (or silently misread) the import and shows what a user now sees."""

import contextlib
import csv
import datetime
import io
import threading
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from stdnum.cn import ric

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.core.errors import Refusal
from tongyou.core.spreadsheets.cells import CellError, Confirm, parse_id_number
from tongyou.datahub.codes import Sex
from tongyou.datahub.models import Child, Enrolment, ImportBatch, StagedRows, StatusPeriod, Vaccination
from tongyou.datahub.services.imports import pipeline
from tongyou.datahub.services.imports.checking import RowChecker
from tongyou.datahub.services.imports.sources import SOURCES
from tongyou.privacy.idnumbers import make_id_number, validate_id_number
from tongyou.privacy.names import name_index
from tongyou.tests.factories import ChildFactory

from .test_imports import COMMUNITY, GRID, HEADERS, clean_rows, id_for, problems, roster_row, upload, xlsx

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)


@pytest.fixture
def officer(client_for):
    return client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="jyj"))


def book_bytes(build):
    book = Workbook()
    build(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def many_rows(n):
    rows = []
    for i in range(n):
        born = datetime.date(2016, 1, 1) + datetime.timedelta(days=i // 400)
        rows.append(roster_row(f"学生{i}", id_for(born, i % 400 * 2), birth=born.isoformat()))
    return rows


# ---------------------------------------------------------------- 1. no file takes the server down


def test_a_hostile_workbook_is_refused_and_the_server_answers(officer):
    def corners(book):
        book.active.append(HEADERS)
        book.active["XFD1048576"] = "x"

    batch = upload(officer, book_bytes(corners))
    assert batch.status == ImportBatch.Status.REFUSED
    assert "范围过大" in batch.message and "1048576" in batch.message
    assert officer.get(f"/datahub/imports/{batch.pk}/").status_code == 200
    assert not StagedRows.objects.exists()


# ---------------------------------------------------------------- 2. never a crash mid-check


@given(
    region=st.integers(100000, 999999),
    born=st.dates(datetime.date(1990, 1, 1), datetime.date(2026, 1, 1)),
    sequence=st.integers(0, 999),
)
@settings(max_examples=300, deadline=None)
def test_no_id_number_makes_the_validator_raise_anything_but_a_named_fault(region, born, sequence):
    number = make_id_number(str(region), born, sequence)
    try:
        validate_id_number(number, today=TODAY)
    except Exception as exc:
        assert type(exc).__name__ == "ValidationError"
    with contextlib.suppress(CellError):
        parse_id_number(number, today=TODAY)


def test_a_region_code_typo_is_a_problem_on_its_cell_not_a_crash(officer):
    body = "150140" + id_for(datetime.date(2019, 5, 1), 2)[6:17]
    typo = body + ric.calc_check_digit(body + "0")
    batch = upload(officer, xlsx([roster_row("甲", typo), *clean_rows(2)]))
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert "150140" in problems(officer, batch)[(2, "身份证号码")]
    assert not StagedRows.objects.exists()


def test_a_check_that_fails_midway_leaves_nothing_staged_and_says_so(officer, monkeypatch):
    rows = many_rows(10_000)
    original = RowChecker.check
    staged_when_failing = []

    def failing(self, row_number, values):
        if row_number == 6_001:
            staged_when_failing.append(StagedRows.objects.count())
            raise RuntimeError("injected")
        return original(self, row_number, values)

    monkeypatch.setattr(RowChecker, "check", failing)
    batch = upload(officer, csv_bytes([HEADERS, *rows]), filename="big.csv")
    assert staged_when_failing == [1]  # the first 5,000 rows were staged when it failed
    assert batch.status == ImportBatch.Status.FAILED
    assert "未保留任何内容" in batch.message
    assert not StagedRows.objects.exists()
    assert 'id="commit"' not in officer.get(f"/datahub/imports/{batch.pk}/").content.decode()


def test_a_check_or_commit_a_restart_interrupted_is_found_and_cleaned(officer):
    checking = upload(officer, xlsx(clean_rows(2)))
    interrupted_check = upload(officer, xlsx(clean_rows(3)))
    old = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    ImportBatch.objects.filter(pk=interrupted_check.pk).update(status="checking", heartbeat=old)
    ImportBatch.objects.filter(pk=checking.pk).update(status="running", heartbeat=old)
    assert pipeline.sweep_interrupted() == 2
    interrupted_check.refresh_from_db()
    checking.refresh_from_db()
    assert interrupted_check.status == "failed" and not interrupted_check.staged.exists()
    assert checking.status == "previewed" and checking.staged.exists()  # its commit can run again


# ---------------------------------------------------------------- 3. sheets


def test_a_hidden_sheet_is_never_read_as_the_data(officer):
    def build(book):
        book.active.title = "在校"
        book.active.append(HEADERS)
        for row in clean_rows(2):
            book.active.append(row)
        old = book.create_sheet("往年")
        old.append(HEADERS)
        old.append(roster_row("隐藏", id_for(datetime.date(2018, 1, 1), 10)))
        old.sheet_state = "hidden"

    batch = upload(officer, book_bytes(build))
    assert batch.total_rows == 2 and batch.error_count == 0
    assert "往年" in batch.message
    officer.post(f"/datahub/imports/{batch.pk}/commit/")
    assert not Child.objects.filter(name_index=name_index("隐藏")).exists()


def test_several_visible_sheets_are_imported_sheet_by_sheet_and_the_preview_says_so(officer):
    def build(book):
        first = book.active
        first.title = "一班"
        first.append(HEADERS)
        first.append(roster_row("一班甲", id_for(datetime.date(2019, 5, 1), 20)))
        second = book.create_sheet("二班")
        second.append(["幼儿花名册（二班）"])
        second.append(HEADERS)
        second.append(roster_row("二班甲", id_for(datetime.date(2019, 5, 1), 22)))
        second.append(roster_row("二班乙", "150104201905010001"))
        book.create_sheet("统计").append(["班级", "人数"])

    batch = upload(officer, book_bytes(build))
    page = officer.get(f"/datahub/imports/{batch.pk}/").content.decode()
    assert "一班" in page and "二班" in page and "逐表检查" in page
    found = {(p["sheet"], p["row"]) for p in officer.get(f"/datahub/imports/{batch.pk}/").context["problems"]}
    assert ("二班", 4) in found
    assert "统计" in batch.message
    fixed = book_bytes(lambda b: (build(b), b["二班"].delete_rows(4)))
    batch = upload(officer, fixed)
    assert batch.error_count == 0 and batch.valid_rows == 2
    officer.post(f"/datahub/imports/{batch.pk}/commit/")
    assert sorted(Enrolment.objects.values_list("sheet", "row_number")) == [("一班", 2), ("二班", 3)]


# ---------------------------------------------------------------- 4. the header where it really is


def roster_with_title_and_group_headings(community):
    def build(book):
        sheet = book.active
        sheet.append(["玉泉区第一幼儿园 2026 年秋季幼儿花名册"])
        sheet.merge_cells("A1:M1")
        sheet.append(["序号", "学生姓名", "公民身份号码", "基本信息", None, None, "现住址", "就读信息"])
        sheet.merge_cells("D2:F2")
        sheet.append(
            [
                None,
                None,
                None,
                "性 别",
                "出生年月",
                "民族",
                None,
                "学校名称",
                "学段",
                "办学性质",
                "班级",
                "入园日期",
                "离园日期",
            ]
        )
        for n, row in enumerate(clean_rows(2), start=1):
            name, number, sex, _birth, ethnicity, _region, *rest = row
            sheet.append([n, name, number, sex, "2019.05", ethnicity, f"玉泉区{community}12号楼", *rest])

    return book_bytes(build)


def test_a_real_roster_with_a_title_group_headings_and_its_own_column_names_is_read(officer, region):
    community = region(COMMUNITY)
    batch = upload(officer, roster_with_title_and_group_headings(community.name))
    assert batch.error_count == 0, batch.report
    assert batch.valid_rows == 2 and batch.sheets[0]["header_row"] == 3
    warnings = " ".join(
        p["message"] for p in officer.get(f"/datahub/imports/{batch.pk}/").context["problems"]
    )
    assert "序号" in warnings and "出生日已取自身份证号码" in warnings and "地址" in warnings
    officer.post(f"/datahub/imports/{batch.pk}/commit/")
    assert Child.objects.filter(birth_date=datetime.date(2019, 5, 1), residence_region=community).count() == 2


def test_when_no_header_is_found_the_message_says_which_row_was_taken_and_what_was_expected(officer):
    batch = upload(officer, xlsx([["张三", "x"]], headers=["学生姓名", "身份证", "性别"]))
    assert batch.status == ImportBatch.Status.REFUSED
    assert "第 1 行" in batch.message and "身份证号码" in batch.message and "出生日期" in batch.message


# ---------------------------------------------------------------- 5. identity safety


def test_an_id_number_held_for_a_child_of_another_name_is_not_attached(officer, region):
    held = ChildFactory(
        name="王小明", id_number=id_for(datetime.date(2019, 5, 1), 30), residence_region=region(GRID)
    )
    batch = upload(officer, xlsx([roster_row("李小红", held.id_number)]))
    message = problems(officer, batch)[(2, "姓名")]
    assert "王*明" in message and "李小红" in message and "王小明" not in message
    assert batch.error_count == 1 and not Enrolment.objects.exists()


def test_spaces_typed_to_align_a_name_do_not_make_it_another_child(officer, region):
    held = ChildFactory(
        name="王明", id_number=id_for(datetime.date(2019, 5, 1), 32), residence_region=region(GRID)
    )
    batch = upload(officer, xlsx([roster_row("王\u3000明", held.id_number)]))
    assert batch.error_count == 0 and batch.children_matched == 1


def test_an_adults_id_number_in_a_childrens_source_is_refused_naming_the_age(officer):
    parent = make_id_number("150104", datetime.date(1990, 3, 2), 11)
    batch = upload(officer, xlsx([roster_row("家长", parent, sex="男", birth="1990-03-02")]))
    message = problems(officer, batch)[(2, "身份证号码")]
    assert "33" in message and "周岁" in message


def excel_damages(number):
    """Every way Excel and hurried typing turn a good number into another string."""
    digits = number if number[-1] != "X" else number[:-1] + "0"
    as_float = float(digits)
    fifteen = int(Decimal(digits).scaleb(-3).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 1000
    return {
        str(fifteen),  # stored as a number: Excel keeps 15 significant digits, the rest 0
        f"{as_float:.5E}",  # shown in scientific notation (General format)
        f"{as_float:.14E}",
        str(as_float),
        number[:15] + "000",
        number[:-1],  # the last character (the X, often) lost
        number[:15],
        number[1:],
        " " + number[:9] + " " + number[9:],
    }


@given(
    region=st.sampled_from(["150104", "150102", "150105", "150121", "110101"]),
    born=st.dates(datetime.date(2008, 12, 1), datetime.date(2026, 11, 1)),
    sequence=st.integers(0, 999),
)
@settings(max_examples=300, deadline=None)
def test_no_number_excel_damaged_passes_as_another_valid_one(region, born, sequence):
    number = make_id_number(region, born, sequence)
    for damaged in excel_damages(number):
        try:
            read, warnings = parse_id_number(damaged, today=TODAY)
        except CellError:
            continue
        assert read == number or any(isinstance(w, Confirm) for w in warnings), (number, damaged, read)


def test_a_number_ending_in_000_must_be_confirmed_before_import(officer):
    day = datetime.date(2019, 5, 1)
    while not make_id_number("150104", day, 100).endswith("000"):  # a real number that ends in 000
        day += datetime.timedelta(days=1)
    number = make_id_number("150104", day, 100)
    row = roster_row("确认", number, birth=f"{number[6:10]}-{number[10:12]}-{number[12:14]}")
    batch = upload(officer, xlsx([row]))
    assert batch.error_count == 0 and batch.confirm_count == 1
    page = officer.get(f"/datahub/imports/{batch.pk}/").content.decode()
    assert 'id="confirmed"' in page and "需确认" in page
    officer.post(f"/datahub/imports/{batch.pk}/commit/")
    assert not Enrolment.objects.exists()
    officer.post(f"/datahub/imports/{batch.pk}/commit/", {"confirmed": "1"})
    assert Enrolment.objects.count() == 1


# ---------------------------------------------------------------- 6. facts that change


def test_a_roster_sent_again_with_a_leaving_date_closes_the_enrolment(officer):
    first = clean_rows(2)
    batch = upload(officer, xlsx(first))
    officer.post(f"/datahub/imports/{batch.pk}/commit/")
    again = [list(r) for r in first]
    again[0][-1] = "2026-07-01"
    batch = upload(officer, xlsx(again))
    officer.post(f"/datahub/imports/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.status == "committed" and batch.facts_updated == 1
    assert Enrolment.objects.count() == 2
    assert sorted(str(e.valid_to) for e in Enrolment.objects.all()) == ["2026-07-01", "None"]


def test_one_child_may_rightly_have_several_rows_but_not_the_same_fact_twice(client_for, region):
    health = client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="wjw"))
    headers = [c.header for c in SOURCES["vaccination"].columns]
    number = id_for(datetime.date(2020, 6, 1), 40)
    dose = ["甲", number, "女", "2020-06-01", "汉族", GRID, "麻腮风疫苗"]
    rows = [[*dose, "第1剂", "2021-06-01"], [*dose, "第2剂", "2022-06-01"]]
    batch = upload(health, xlsx(rows, headers), source="vaccination")
    assert batch.error_count == 0
    health.post(f"/datahub/imports/{batch.pk}/commit/")
    assert Vaccination.objects.count() == 2
    assert Child.objects.count() == 1  # one child, two doses: not two children
    assert set(Vaccination.objects.values_list("child", flat=True)) == {Child.objects.get().pk}
    twice = upload(health, xlsx([rows[0], rows[0]], headers), source="vaccination")
    assert "同一儿童的同一条记录" in problems(health, twice)[(3, "身份证号码")]

    civil = client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="mzj"))
    headers = [c.header for c in SOURCES["civil_affairs"].columns]
    person = ["乙", id_for(datetime.date(2016, 1, 1), 42), "女", "2016-01-01", "汉族", GRID]
    rows = [[*person, "留守儿童", "2024-01-01", ""], [*person, "低保家庭儿童", "2024-03-01", ""]]
    batch = upload(civil, xlsx(rows, headers), source="civil_affairs")
    assert batch.error_count == 0
    civil.post(f"/datahub/imports/{batch.pk}/commit/")
    assert StatusPeriod.objects.count() == 2
    assert Child.objects.count() == 2  # 甲 and 乙, each once


# ---------------------------------------------------------------- 7. commit exactly once


def test_a_second_click_or_a_commit_posted_again_neither_fails_nor_reopens(officer):
    content = xlsx(clean_rows(3))
    batch = upload(officer, content)
    officer.post(f"/datahub/imports/{batch.pk}/commit/")
    again = officer.post(f"/datahub/imports/{batch.pk}/commit/", follow=True)
    text = again.content.decode()
    assert "已于" in text and "无需再次导入" in text and 'class="error"' not in text
    batch.refresh_from_db()
    assert batch.status == "committed" and Enrolment.objects.count() == 3
    reupload = upload(officer, content)
    assert reupload.status == ImportBatch.Status.REFUSED


@pytest.mark.django_db(transaction=True)
def test_two_commits_at_the_same_instant_write_the_file_once(concurrent_db, client_for):
    officer = client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="jyj"))
    content = xlsx(clean_rows(20))
    batch = upload(officer, content)
    twin = upload(officer, content)  # the same file uploaded twice, both previewed, raced
    barrier = threading.Barrier(3)
    outcomes = []

    def commit(target):
        try:
            barrier.wait()
            pipeline.commit(ImportBatch.objects.get(pk=target), officer.user)
            outcomes.append("committed")
        except Refusal as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=commit, args=(pk,)) for pk in (batch.pk, batch.pk, twin.pk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert twin.status == ImportBatch.Status.PREVIEWED
    assert outcomes.count("committed") == 1, outcomes
    assert Enrolment.objects.count() == 20
    assert ImportBatch.objects.filter(status="committed").count() == 1


# ---------------------------------------------------------------- 8. row numbers


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_problems_name_the_spreadsheets_row_after_blank_rows(officer, kind):
    bad = roster_row("甲", "150104201905010001")
    if kind == "xlsx":

        def build(book):
            sheet = book.active
            for n, cell in enumerate(HEADERS, start=1):
                sheet.cell(row=4, column=n, value=cell)
            for n, cell in enumerate(bad, start=1):
                sheet.cell(row=9, column=n, value=cell)

        content, filename = book_bytes(build), "roster.xlsx"
    else:
        content, filename = csv_bytes([[], [], [], HEADERS, [], [], [], [], bad]), "roster.csv"
    batch = upload(officer, content, filename=filename)
    assert list(problems(officer, batch)) == [(9, "身份证号码")]


# ---------------------------------------------------------------- 9. the other forms exports carry


def test_forms_real_exports_carry_are_accepted_with_a_warning(officer, region):
    number = id_for(datetime.date(2019, 5, 1), 44)
    rows = [
        [
            "阿依古丽\u00a0•\u200b买买提",  # no-break space, a bullet for the middle dot, a zero-width space
            f'="{number}"',  # Excel's CSV trick to keep a number as text
            "2.0",  # sex as a code typed into a number cell
            "2019-05-01 00:00:00",  # a timestamp
            "1",  # ethnicity code
            float(COMMUNITY),  # a region code typed as a number
            "玉泉区第一幼儿园",
            "幼儿园",
            "公办",
            "",
            "2023-09-01T08:30:00",
            "",
        ]
    ]
    content = csv_bytes([HEADERS, *rows], encoding="utf-16").replace(b",\x00", b"\t\x00")
    batch = upload(officer, content, filename="export.txt.csv")
    assert batch.error_count == 0, batch.report
    officer.post(f"/datahub/imports/{batch.pk}/commit/")
    child = Child.objects.get()
    assert child.name == "阿依古丽·买买提" and child.id_number == number and child.sex == Sex.FEMALE


@pytest.mark.parametrize(
    ("content", "filename", "words"),
    [
        (b"\r\n  \r\n", "roster.csv", "为空"),
        (b"%PDF-1.4 ...", "roster.xlsx", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "roster.xlsx", "密码"),
        (b"PK\x03\x04broken", "roster.xlsx", "损坏"),
    ],
)
def test_files_that_cannot_be_opened_get_a_specific_chinese_message(officer, content, filename, words):
    batch = upload(officer, content, filename=filename)
    assert batch.status == ImportBatch.Status.REFUSED and words in batch.message


# ---------------------------------------------------------------- 10. progress for the check too


@override_settings(IMPORT_IN_BACKGROUND=True)
def test_the_check_runs_outside_the_request_and_shows_its_progress(officer, monkeypatch):
    started = []
    monkeypatch.setattr("tongyou.datahub.import_views._start_thread", started.append)
    # Run here, the thread's work keeps this test's connection (a thread closes its own).
    monkeypatch.setattr("tongyou.datahub.import_views.close_old_connections", lambda: None)
    seen = []
    real = pipeline._report_check_progress
    monkeypatch.setattr(
        pipeline, "_report_check_progress", lambda b, d, e: (seen.append((d, e)), real(b, d, e))
    )
    rows = many_rows(20_000)
    batch = upload(officer, csv_bytes([HEADERS, *rows]), filename="big.csv")
    assert batch.status == ImportBatch.Status.CHECKING  # the request returned before checking
    page = officer.get(f"/datahub/imports/{batch.pk}/").content.decode()
    assert 'id="progress"' in page and 'data-status="checking"' in page
    started[0]()  # the background thread's work
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED and batch.valid_rows == 20_000
    assert seen[0] == (pipeline.CHUNK, 20_002) and seen[-1][0] <= 20_000 <= seen[-1][1]  # estimate: lines
