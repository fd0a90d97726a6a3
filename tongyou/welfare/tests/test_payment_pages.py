import datetime
import io

import pytest
from openpyxl import load_workbook

from tongyou.accounts.roles import Role
from tongyou.tests.factories import ChildFactory
from tongyou.welfare.disbursement import budget_projection
from tongyou.welfare.models import AllowanceStandard, DisbursementRun
from tongyou.welfare.tests.test_disbursement import active

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    return {
        "director": make_user(Role.CHILD_DIRECTOR, "150104001001"),
        "street": make_user(Role.STREET_OFFICER, "150104001000"),
        "district": make_user(Role.CASEWORKER),
    }


def test_the_district_sets_a_standard_prepares_a_month_and_pays_it(client, people, region):
    app = active(
        people,
        ChildFactory(residence_region=region("150104001001001"), name="王小明"),
        datetime.date(2026, 2, 10),
    )
    client.force_login(people["district"])
    client.post(
        "/welfare/payments/",
        {
            "standard-category": "unsupported",
            "standard-monthly_amount": "1500",
            "standard-effective_from": "2026-01-01",
            "standard-basis": "玉民发〔2026〕1号",
        },
    )
    assert AllowanceStandard.objects.count() == 1
    response = client.post("/welfare/payments/", {"run-month": "2026-03"})
    run = DisbursementRun.objects.get()
    assert response.url == f"/welfare/payments/{run.pk}/"
    page = client.get(response.url).content.decode()
    assert "王*明" in page and "1500.00" in page and "王小明" not in page
    sheet = load_workbook(io.BytesIO(client.get(f"/welfare/payments/{run.pk}/list.xlsx").content)).active
    assert list(sheet.iter_rows(min_row=3, values_only=True)) == [
        ("祖母", "王*明", sheet["C3"].value, "事实无人抚养儿童", 1500.0),
        ("合计", "1笔", None, None, 1500),  # the total row
    ]
    draft = client.post(f"/welfare/payments/{run.pk}/pay/", follow=True).content.decode()
    assert "审核" in draft and DisbursementRun.objects.get().state == "draft"  # approved first
    client.post(f"/welfare/payments/{run.pk}/approve/")
    client.post(f"/welfare/payments/{run.pk}/pay/")
    again = client.post(f"/welfare/payments/{run.pk}/pay/", follow=True).content.decode()
    assert "发放过" in again
    assert app.payments.count() == 1


def test_a_standard_must_start_on_the_first_and_after_the_last_paid_month(client, people, region):
    client.force_login(people["district"])
    response = client.post(
        "/welfare/payments/",
        {
            "standard-category": "orphan",
            "standard-monthly_amount": "1500",
            "standard-effective_from": "2026-01-15",
        },
    )
    assert "standard_form" in response.context and response.context["standard_form"].errors
    assert not AllowanceStandard.objects.exists()


def test_only_the_district_caseworker_handles_payments(client_for):
    assert client_for(Role.CASEWORKER, "150104001000").get("/welfare/payments/").status_code == 403
    assert client_for(Role.STREET_OFFICER, "150104001000").get("/welfare/payments/").status_code == 403
    assert client_for(Role.CASEWORKER).get("/welfare/payments/").status_code == 200


def test_the_budget_projection_counts_months_before_the_18th_birthday(people, region):
    AllowanceStandard.objects.create(
        category="unsupported", monthly_amount=1000, effective_from=datetime.date(2026, 1, 1)
    )
    active(
        people,
        ChildFactory(residence_region=region("150104001001001"), birth_date=datetime.date(2009, 6, 15)),
        datetime.date(2026, 2, 10),
    )
    active(
        people,
        ChildFactory(residence_region=region("150104001001001"), birth_date=datetime.date(2015, 1, 1)),
        datetime.date(2026, 2, 10),
    )
    projection = budget_projection(2027)
    assert projection["事实无人抚养儿童"] == {"children": 2, "amount": 6 * 1000 + 12 * 1000}
