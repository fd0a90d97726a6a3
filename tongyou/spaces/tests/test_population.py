"""The statistics bureau's population figures: the office uploads its table as it comes, every
fault is named by row and nothing is half-recorded, only the office (and the system
administrator) may do it, a hostile file is refused, and the per-1,000 indicator computes."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tongyou.accounts.roles import Role
from tongyou.monitoring import staleness, values
from tongyou.monitoring.models import IndicatorValue
from tongyou.spaces.models import Facility, Population
from tongyou.spaces.population import import_population

pytestmark = pytest.mark.django_db
HEADER = ["区划代码", "名称", "年份", "常住人口", "来源"]


def table(rows, title=True):
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append(["玉泉区分街道常住人口（2025年）"])  # the bureau's title above the header
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, content, name="人口.xlsx"):
    return client.post("/spaces/population/import/", {"file": SimpleUploadedFile(name, content)}, follow=True)


def test_the_office_uploads_the_bureaus_table_and_sees_it(client_for):
    office = client_for(Role.COORDINATOR)
    content = table(
        [
            ["150104000000", "玉泉区", 2025, "524,573", "第七次人口普查"],
            ["150104001", "小召前街街道", 2025, 61234, ""],  # a 9-digit street code, as tables shorten it
            ["150104", "玉泉区", 2024, 520000.0, ""],  # the county code, an Excel float
        ]
    )
    page = upload(office, content).content.decode()
    assert "3" in page and "524,573" in page
    held = {(p.region.code, p.year): p.population for p in Population.objects.select_related("region")}
    assert held == {
        ("150104000000", 2025): 524573,
        ("150104001000", 2025): 61234,
        ("150104000000", 2024): 520000,
    }
    upload(office, table([["150104000000", "玉泉区", 2025, 525000, "修订"]]))
    assert Population.objects.get(region__code="150104000000", year=2025).population == 525000


def test_every_fault_is_named_by_row_and_nothing_is_recorded(client_for):
    office = client_for(Role.COORDINATOR)
    content = table(
        [
            ["150104001000", "小召前街街道", 2025, 61234, ""],
            ["150105001000", "别区", 2025, 1000, ""],  # another county
            ["150104002000", "兴隆巷街道", "去年", 1000, ""],
            ["150104003000", "长和廊街道", 2025, 1234.5, ""],
            ["150104001000", "小召前街街道", 2025, 61000, ""],  # the same street and year twice
        ]
    )
    messages = [str(m) for m in upload(office, content).context["messages"]]
    text = " ".join(messages)
    assert "未登记任何数据" in text
    for row in ("第4行", "第5行", "第6行", "第7行"):
        assert row in text, text
    assert not Population.objects.exists()


def test_other_roles_are_refused(client_for):
    for role in (Role.UNIT_OFFICER, Role.STREET_OFFICER, Role.RESEARCHER, Role.CASEWORKER):
        client = client_for(role)
        assert client.get("/spaces/population/").status_code == 403
        assert upload(client, table([["150104000000", "玉泉区", 2025, 1000, ""]])).status_code == 403
    assert not Population.objects.exists()


def test_a_file_that_is_not_a_table_is_refused_in_chinese(client_for):
    office = client_for(Role.COORDINATOR)
    text = " ".join(
        str(m) for m in upload(office, b"\x00\x01 not a spreadsheet", "人口.xlsx").context["messages"]
    )
    assert "文件" in text and not Population.objects.exists()


def test_a_huge_used_range_cannot_hurt_the_server(client_for):
    from tongyou.core.tests.test_spreadsheets import corner_cells, xlsx_bytes

    office = client_for(Role.COORDINATOR)
    response = upload(office, xlsx_bytes(corner_cells))  # a few KB claiming A1:XFD1048576
    text = " ".join(str(m) for m in response.context["messages"])
    assert response.status_code == 200 and "过大" in text or "单元格" in text
    assert not Population.objects.exists()


def test_nursery_places_per_thousand_compute_once_the_population_is_in(make_user, region):
    Facility.objects.create(
        name="托育园",
        kind="nursery_public",
        region=region("150104001001"),
        latitude=40.8,
        longitude=111.66,
        capacity=120,
    )
    import_population(
        make_user(Role.COORDINATOR), "人口.xlsx", table([["150104001000", "", 2025, 60000, ""]])
    )
    staleness.recompute_stale()
    values.compute("2025")
    found = IndicatorValue.objects.get(indicator__code="PS-01", period="2025", region__code="150104001000")
    assert found.value == 2  # 120 places per 60,000 residents = 2 per 1,000


def test_the_template_lists_the_district_and_every_street(client_for):
    from openpyxl import load_workbook

    response = client_for(Role.COORDINATOR).get("/spaces/population/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes[0] == "150104000000" and len(codes) == 11


def test_the_service_refuses_other_roles_too(make_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_population(
            make_user(Role.UNIT_OFFICER), "人口.xlsx", table([["150104000000", "", 2025, 1, ""]])
        )


def test_the_demo_district_has_populations_so_per_thousand_indicators_compute():
    from django.utils import timezone

    from tongyou.spaces.demo import CENSUS_POPULATION, load_demo_facilities, load_demo_population

    load_demo_facilities()
    assert load_demo_population() == 10  # the district and its nine streets and towns with residents
    assert load_demo_population() == 0
    district = Population.objects.get(region__code="150104000000")
    assert district.population == CENSUS_POPULATION and "示意" in district.source
    year = str(timezone.localdate().year)
    values.compute(year)
    assert IndicatorValue.objects.filter(
        indicator__code="PS-01", period=year, region__code="150104000000"
    ).exists()
