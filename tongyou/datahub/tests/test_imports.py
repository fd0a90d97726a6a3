"""A department officer downloads a template, uploads a messy file, sees what is wrong, fixes it,
imports it, and finds the children linked to existing records."""

import csv
import datetime
import io

import pytest
import xlwt
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.core.errors import Refusal
from tongyou.datahub.models import Child, Enrolment, ImportBatch, Source, StatusPeriod
from tongyou.datahub.services.imports import pipeline
from tongyou.datahub.services.imports.sources import SOURCES
from tongyou.privacy.idnumbers import make_id_number
from tongyou.privacy.names import name_index, pinyin_index
from tongyou.regions.models import Region
from tongyou.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db
HEADERS = [c.header for c in SOURCES["education"].columns]
COMMUNITY = "150104001001"
GRID = "150104001001001"


def id_for(day, seq):
    return make_id_number("150104", day, seq)


def roster_row(name, id_number, sex="女", birth="2019-05-01", region=COMMUNITY, start="2023-09-01"):
    return [
        name,
        id_number,
        sex,
        birth,
        "汉族",
        region,
        "玉泉区第一幼儿园",
        "幼儿园",
        "公办",
        "中班",
        start,
        "",
    ]


def xlsx(rows, headers=HEADERS):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def clean_rows(n=3):
    return [
        roster_row(f"学生{i}", id_for(datetime.date(2019, 5, 1), 2 * i), birth="2019-05-01") for i in range(n)
    ]


@pytest.fixture
def officer(client_for):
    return client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="jyj"))


def upload(client, content, filename="roster.xlsx", source="education"):
    file = io.BytesIO(content)
    file.name = filename
    response = client.post("/datahub/imports/", {"source": Source.objects.get(code=source).pk, "file": file})
    assert response.status_code == 302, response.content[:300]
    return ImportBatch.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def problems(client, batch):
    return {
        (p["row"], p["column"]): p["message"]
        for p in client.get(f"/datahub/imports/{batch.pk}/").context["problems"]
    }


def test_template_has_the_source_columns_with_ids_as_text(officer):
    response = officer.get("/datahub/imports/templates/education.xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["数据"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["B2"].number_format == "@"


def test_a_messy_file_names_every_fault_and_writes_nothing(officer):
    day = datetime.date(2019, 5, 1)
    rows = [
        roster_row(
            "甲", id_for(day, 0)[:-1] + ("1" if id_for(day, 0)[-1] != "1" else "2")
        ),  # bad check digit
        roster_row("乙", 1.50104201905010e17),  # Excel turned it into a number
        roster_row("丙", id_for(day, 2), birth="2019-06-01"),  # disagrees with the ID
        roster_row("丁", id_for(day, 4), region="150104999999"),  # no such community
        roster_row("戊", id_for(day, 6), start="03/02/2023"),  # ambiguous date
        roster_row(
            "己", id_for(day, 8).lower()[:-1] + id_for(day, 8)[-1].lower()
        ),  # lower-case x or digit: fine
    ]
    before = Child.objects.count()
    batch = upload(officer, xlsx(rows))
    found = problems(officer, batch)
    assert "校验码" in found[(2, "身份证号码")]
    assert "Excel" in found[(3, "身份证号码")]
    assert "2019-05-01" in found[(4, "出生日期")]
    assert "150104999999" in found[(5, "居住地区划代码")]
    assert "03/02/2023" in found[(6, "入学日期")]
    assert batch.error_count == 5 and batch.valid_rows == 1
    assert Child.objects.count() == before and not Enrolment.objects.exists()
    page = officer.get(f"/datahub/imports/{batch.pk}/").content.decode()
    assert 'id="commit"' not in page
    assert officer.post(f"/datahub/imports/{batch.pk}/commit/").status_code == 302
    assert not Enrolment.objects.exists()


def test_problem_report_lists_the_rows_as_uploaded_with_their_faults(officer):
    batch = upload(officer, xlsx([roster_row("甲", "150104201905010001"), *clean_rows(1)]))
    sheet = load_workbook(
        io.BytesIO(officer.get(f"/datahub/imports/{batch.pk}/problems.xlsx").content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][0] == 2 and "校验码" in rows[2][1] and rows[2][3] == "150104201905010001"
    assert AuditEntry.objects.filter(action="export", object_id=str(batch.pk)).exists()


def test_a_clean_file_imports_every_row_with_its_provenance(officer, region):
    existing = ChildFactory(
        name="学生0",
        id_number=id_for(datetime.date(2019, 5, 1), 0),
        birth_date=datetime.date(2019, 5, 1),
        residence_region=region(GRID),
    )
    batch = upload(officer, xlsx(clean_rows(3)))
    assert (batch.valid_rows, batch.error_count, batch.children_matched, batch.children_created) == (
        3,
        0,
        1,
        2,
    )
    officer.post(f"/datahub/imports/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.status == "committed" and not batch.staged.exists()
    assert Child.objects.count() == 3
    fact = Enrolment.objects.get(child=existing)
    assert (fact.unit.code, fact.batch_id, fact.row_number) == ("jyj", batch.pk, 2)
    assert (fact.institution, fact.institution_kind, fact.ownership) == (
        "玉泉区第一幼儿园",
        "kindergarten",
        "public",
    )
    assert AuditEntry.objects.filter(action="bulk_load", object_id=str(batch.pk)).exists()


def test_uploading_the_same_file_again_changes_nothing(officer):
    content = xlsx(clean_rows(2))
    first = upload(officer, content)
    officer.post(f"/datahub/imports/{first.pk}/commit/")
    again = upload(officer, content, filename="roster-copy.xlsx")
    assert again.status == "refused" and f"#{first.pk}" in again.message
    assert Enrolment.objects.count() == 2 and Child.objects.count() == 2


def test_commit_is_all_or_nothing(officer, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK", 2)
    batch = upload(officer, xlsx(clean_rows(4)))
    calls = []

    def fail_second_chunk(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args)

    real = pipeline._write_facts
    monkeypatch.setattr(pipeline, "_write_facts", fail_second_chunk)
    with pytest.raises(RuntimeError):
        pipeline.commit(batch, officer.user)
    assert not Child.objects.exists() and not Enrolment.objects.exists()
    assert ImportBatch.objects.get(pk=batch.pk).status == "failed"


def test_progress_is_reported_while_committing(officer, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK", 2)
    batch = upload(officer, xlsx(clean_rows(5)))
    seen = []
    pipeline.commit(batch, officer.user, on_progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert officer.get(f"/datahub/imports/{batch.pk}/progress.json").json()["status"] == "committed"


def test_gbk_and_utf8_csv_and_legacy_xls_are_read(officer):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerows(clean_rows(2))
    for encoding, name in (("gbk", "gbk.csv"), ("utf-8-sig", "bom.csv")):
        batch = upload(officer, text.getvalue().encode(encoding), filename=name)
        assert (batch.valid_rows, batch.error_count) == (2, 0), (name, batch.message)
    book = xlwt.Workbook()
    sheet = book.add_sheet("数据")
    for r, row in enumerate([HEADERS, *clean_rows(2)]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    batch = upload(officer, buffer.getvalue(), filename="legacy.xls")
    assert (batch.valid_rows, batch.error_count) == (2, 0)


def test_a_file_missing_columns_or_of_another_kind_is_refused_by_name(officer):
    batch = upload(officer, xlsx([["甲"]], headers=["姓名"]))
    assert batch.status == "refused" and "身份证号码" in batch.message
    batch = upload(officer, b"%PDF-1.4", filename="roster.pdf")
    assert batch.status == "refused" and ".xlsx" in batch.message


def test_checked_rows_wait_encrypted_and_are_confirmed_again_at_commit(officer, monkeypatch):
    from django.db import connection

    from tongyou.datahub.models import StagedRows

    monkeypatch.setattr(pipeline, "CHUNK", 2)
    batch = upload(officer, xlsx(clean_rows(3)))
    assert batch.staged.count() == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT rows FROM datahub_stagedrows")
        stored = " ".join(text for (text,) in cursor.fetchall())
    assert stored.startswith("ty1$") and id_for(datetime.date(2019, 5, 1), 0) not in stored
    # The uploader moves to another street before committing: the rows are now outside.
    user = officer.user
    user.jurisdiction = Region.objects.get(code="150104002000")
    user.approved_grant = user.grant  # moved, and approved there by the security administrator
    user.save()
    with pytest.raises(Refusal, match="重新上传"):
        pipeline.commit(batch, user)
    assert not Child.objects.exists() and ImportBatch.objects.get(pk=batch.pk).status == "previewed"
    assert StagedRows.objects.filter(batch=batch).count() == 2


def test_a_file_with_faults_stages_nothing(officer):
    rows = clean_rows(3)
    rows[1][1] = "150104201905010002"  # bad checksum
    batch = upload(officer, xlsx(rows))
    assert batch.error_count and not batch.staged.exists()


def test_rows_outside_the_uploaders_jurisdiction_are_refused(client_for):
    street_caseworker = client_for(Role.CASEWORKER, "150104001000", unit=Unit.objects.get(code="mzj"))
    headers = [c.header for c in SOURCES["civil_affairs"].columns]
    day = datetime.date(2016, 1, 1)
    rows = [["甲", id_for(day, 0), "女", "2016-01-01", "汉族", "150104002001", "留守儿童", "2024-01-01", ""]]
    batch = upload(street_caseworker, xlsx(rows, headers), source="civil_affairs")
    assert "辖区" in problems(street_caseworker, batch)[(2, "居住地区划代码")]
    assert not StatusPeriod.objects.exists()


def test_only_the_sources_own_unit_may_import_it(officer, client_for):
    assert officer.get("/datahub/imports/templates/insurance.xlsx").status_code == 403
    file = io.BytesIO(xlsx(clean_rows(1)))
    file.name = "x.xlsx"
    response = officer.post(
        "/datahub/imports/", {"source": Source.objects.get(code="insurance").pk, "file": file}
    )
    assert response.status_code == 200 and not ImportBatch.objects.exists()  # not a choice for this user
    assert client_for(Role.RESEARCHER).get("/datahub/imports/").status_code == 403
    assert client_for(Role.CHILD_DIRECTOR, COMMUNITY).get("/datahub/imports/").status_code == 403


def test_nobody_else_sees_an_uploaded_file(officer, client_for):
    batch = upload(officer, xlsx(clean_rows(1)))
    colleague = client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="jyj"))
    for url in ("", "problems.xlsx", "progress.json"):
        assert colleague.get(f"/datahub/imports/{batch.pk}/{url}").status_code == 404
    assert colleague.post(f"/datahub/imports/{batch.pk}/commit/").status_code == 404


@pytest.mark.parametrize("helper", [False, True], ids=["one process", "helper process"])
def test_household_registration_corrects_identity_fields(client_for, region, helper):
    police = client_for(Role.POLICE, unit=Unit.objects.get(code="gafj"))
    day = datetime.date(2018, 2, 3)
    child = ChildFactory(name="错名", id_number=id_for(day, 2), birth_date=day, residence_region=region(GRID))
    headers = [c.header for c in SOURCES["household"].columns]
    batch = upload(
        police,
        xlsx([["正名", child.id_number, "女", "2018-02-03", "蒙古族", GRID, "150104001002"]], headers),
        source="household",
    )
    with override_settings(IMPORT_HELPER_ROWS=0 if helper else 10**9):  # the commit's helper
        police.post(f"/datahub/imports/{batch.pk}/commit/")
    child.refresh_from_db()
    assert (child.name, child.ethnicity, child.household_region.code) == ("正名", "02", "150104001002")
    assert (child.name_index, child.name_pinyin_index) == (name_index("正名"), pinyin_index("正名"))


def test_the_child_page_shows_a_timeline_across_departments(officer, client_for, region):
    batch = upload(officer, xlsx(clean_rows(1)))
    officer.post(f"/datahub/imports/{batch.pk}/commit/")
    child = Child.objects.get()
    page = client_for(Role.CASEWORKER).get(f"/datahub/children/{child.pk}/").content.decode()
    assert "玉泉区第一幼儿园" in page and "区教育局" in page and f"#{batch.pk}" in page


def test_command_line_import_checks_then_commits(officer, tmp_path, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([roster_row("甲", "150104201905010001")]))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_file", str(bad), source="education", user=officer.user.username)
    assert "row 2, 身份证号码" in capsys.readouterr().out
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(clean_rows(3)))
    call_command("import_file", str(good), source="education", user=officer.user.username, commit=True)
    out = capsys.readouterr().out
    assert "3/3" in out and "created" in out
    assert Enrolment.objects.count() == 3


def test_vaccinations_from_health_join_the_timeline(client_for, region):
    health = client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="wjw"))
    day = datetime.date(2020, 6, 1)
    child = ChildFactory(id_number=id_for(day, 4), birth_date=day, residence_region=region(GRID))
    headers = [c.header for c in SOURCES["vaccination"].columns]
    row = [child.name, child.id_number, "女", "2020-06-01", "汉族", GRID, "麻腮风疫苗", "第1剂", "2021-06-01"]
    batch = upload(health, xlsx([row], headers), source="vaccination")
    health.post(f"/datahub/imports/{batch.pk}/commit/")
    page = client_for(Role.CASEWORKER).get(f"/datahub/children/{child.pk}/").content.decode()
    assert "麻腮风疫苗 · 第1剂" in page and "区卫健委" in page
