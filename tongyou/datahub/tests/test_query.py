"""A researcher answers 'how many children aged 0-3 in each street are not insured' without
ever seeing a name; person readers filter their lists the same way."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.datahub.codes import ChildStatus, InsuranceScheme
from tongyou.datahub.models import InsuranceEnrolment, StatusPeriod
from tongyou.datahub.services.filters import ChildFilter
from tongyou.datahub.services.statistics import child_pivot
from tongyou.tests.factories import ChildFactory, export_children, search_page

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
STREET_A, STREET_B = "150104001000", "150104002000"


def born(years_ago):
    return TODAY.replace(year=TODAY.year - years_ago) - datetime.timedelta(days=30)


def insure(child, since=None, until=None):
    InsuranceEnrolment.objects.create(
        child=child,
        unit=Unit.objects.get(code="ybj"),
        scheme=InsuranceScheme.RESIDENT,
        valid_from=since or born(1),
        valid_to=until,
    )


@pytest.fixture
def district(region):
    """Street A: 6 toddlers uninsured, 2 insured, 3 insured until last year (lapsed), 4 aged 10 uninsured.
    Street B: 7 toddlers uninsured."""
    a, b = region("150104001001001"), region("150104002001001")
    for _ in range(6):
        ChildFactory(residence_region=a, birth_date=born(2))
    for _ in range(2):
        insure(ChildFactory(residence_region=a, birth_date=born(1)))
    for _ in range(3):
        insure(
            ChildFactory(residence_region=a, birth_date=born(3)), until=TODAY - datetime.timedelta(days=365)
        )
    for _ in range(4):
        ChildFactory(residence_region=a, birth_date=born(10))
    for _ in range(7):
        ChildFactory(residence_region=b, birth_date=born(0))


def near(shown, true):
    """A protected figure: hidden (<5), or within the perturbation's bound of the truth."""
    return shown is None or (shown >= 5 and abs(shown - true) <= 5)


def test_uninsured_children_aged_0_to_3_by_street(make_user, district):
    """Exact for a person reader, at any ages; a researcher asks by age band and gets protected
    figures near the truth."""
    caseworker = make_user(Role.CASEWORKER)
    pivot = child_pivot(
        caseworker, "street", "insured", filters=ChildFilter(age_min=0, age_max=3, insured="no")
    )
    assert pivot.cell(STREET_A, "no") == 9  # 6 never insured + 3 lapsed
    assert pivot.cell(STREET_B, "no") == 7
    assert pivot.cols == ["no"]
    researcher = make_user(Role.RESEARCHER)
    pivot = child_pivot(
        researcher, "street", "insured", filters=ChildFilter(age_min=0, age_max=5, insured="no")
    )
    assert pivot.suppressed and near(pivot.cell(STREET_A, "no"), 9) and near(pivot.cell(STREET_B, "no"), 7)
    assert pivot.count(STREET_A, "no") == 9  # the truth behind it


def test_the_statistics_page_answers_it_for_a_researcher(client_for, district):
    c = client_for(Role.RESEARCHER)
    response = c.get(
        "/datahub/statistics/",
        {"rows": "street", "cols": "insured", "age_min": 0, "age_max": 5, "insured": "no"},
    )
    page = response.content.decode()
    assert response.context["pivot"].grand_total == 16 and "<5" not in page.split("disclosure-note")[0]
    assert "测试" not in page  # no child's name anywhere
    sheet = load_workbook(
        io.BytesIO(
            c.get(
                "/datahub/statistics/export.xlsx",
                {"rows": "street", "cols": "insured", "age_min": 0, "age_max": 5, "insured": "no"},
            ).content
        )
    ).active
    values = {
        row[0]: row[1:3]
        for row in sheet.iter_rows(values_only=True)
        if row[0] in ("小召前街街道", "兴隆巷街道")
    }
    shown = response.context["pivot"]
    assert values["小召前街街道"] == tuple(
        v if v is not None else "<5" for v in (shown.cell(STREET_A, "no"), shown.row_total(STREET_A))
    )
    assert "随机调整" in " ".join(str(row[0]) for row in sheet.iter_rows(values_only=True))


def test_small_filtered_groups_show_no_exact_figure(client_for, district):
    pivot = (
        client_for(Role.RESEARCHER)
        .get("/datahub/statistics/", {"rows": "street", "cols": "sex", "insured": "yes"})
        .context["pivot"]
    )
    assert pivot.grand_total == 2 and near(pivot.grand_total_shown, 2)
    assert all(v is None or v >= 5 for row in pivot.table() for v in row["cells"])


def test_single_years_of_age_are_refused_to_a_researcher_with_the_bands_named(client_for, district):
    c = client_for(Role.RESEARCHER)
    page = c.get("/datahub/statistics/", {"rows": "street", "cols": "sex", "age_max": 3})
    assert "年龄段" in page.content.decode() and page.context["pivot"].rows == []
    api = c.get("/api/statistics/children", {"rows": "street", "cols": "sex", "age_max": 15})
    assert api.status_code == 400 and "15–17" in api.json()["detail"]
    export = c.get("/datahub/statistics/export.xlsx", {"rows": "street", "cols": "sex", "age_max": 3})
    assert export.status_code == 302


def test_status_and_enrolment_filters_count_current_facts(make_user, region):
    child = ChildFactory(residence_region=region("150104001001001"))
    StatusPeriod.objects.create(
        child=child,
        unit=Unit.objects.get(code="mzj"),
        status=ChildStatus.LEFT_BEHIND,
        valid_from=TODAY - datetime.timedelta(days=100),
    )
    ended = ChildFactory(residence_region=region("150104001001001"))
    StatusPeriod.objects.create(
        child=ended,
        unit=Unit.objects.get(code="mzj"),
        status=ChildStatus.LEFT_BEHIND,
        valid_from=TODAY - datetime.timedelta(days=400),
        valid_to=TODAY - datetime.timedelta(days=1),
    )
    caseworker = make_user(Role.CASEWORKER)
    pivot = child_pivot(
        caseworker, "street", "enrolment", filters=ChildFilter(status=ChildStatus.LEFT_BEHIND)
    )
    assert pivot.grand_total == 1 and pivot.cols == ["none"]


def test_person_readers_filter_their_list_and_export(client_for, district):
    c = client_for(Role.STREET_OFFICER, STREET_A)
    listed = search_page(c, age_max=3, insured="no").context["page"].paginator.count
    assert listed == 9  # street B is outside the jurisdiction
    sheet = load_workbook(io.BytesIO(export_children(c, age_max=3, insured="no").content))
    assert sheet.active.max_row == 2 + 9


def test_a_region_filter_outside_the_jurisdiction_is_not_offered(client_for, district):
    c = client_for(Role.STREET_OFFICER, STREET_A)
    response = c.get("/datahub/statistics/", {"region": STREET_B})
    assert "region" in response.context["form"].errors
    assert STREET_B not in [code for code, _ in response.context["form"].fields["region"].choices]


def test_the_api_answers_the_same_question_with_filters(client_for, district):
    c = client_for(Role.RESEARCHER)
    query = {"rows": "street", "cols": "insured", "age_max": 5, "insured": "no"}
    data = c.get("/api/statistics/children", query).json()
    assert data["suppressed"] and near(data["total"], 16)
    counts = {cell["row"]: cell["count"] for cell in data["cells"]}
    assert near(counts[STREET_A], 9) and near(counts[STREET_B], 7)
    assert c.get("/api/statistics/children", query).json() == data  # asked again: the same answer
    bad = c.get("/api/statistics/children", {"rows": "street", "cols": "street"})
    assert bad.status_code == 400 and "cols" in bad.json()["detail"]


def test_the_api_gives_a_childs_timeline_only_inside_the_jurisdiction(client_for, region):
    child = ChildFactory(residence_region=region("150104001001001"))
    insure(child)
    own = client_for(Role.CHILD_DIRECTOR, "150104001001").get(f"/api/children/{child.pk}/facts").json()
    assert own[0]["unit"] == "区医保局" and own[0]["valid_to"] is None
    assert (
        client_for(Role.CHILD_DIRECTOR, "150104002001").get(f"/api/children/{child.pk}/facts").status_code
        == 404
    )
    assert client_for(Role.RESEARCHER).get(f"/api/children/{child.pk}/facts").status_code == 404


def test_every_fact_model_has_scoping_rules():
    import rules

    from tongyou.datahub.services.timeline import FACT_MODELS

    for model in FACT_MODELS:
        for action in ("view", "export", "aggregate"):
            assert rules.perm_exists(f"datahub.{action}_{model._meta.model_name}"), model
        assert model.jurisdiction_field == "child__residence_region"
