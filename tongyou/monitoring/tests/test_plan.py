import pytest

from tongyou.accounts.models import Unit
from tongyou.monitoring.models import PlanArea, PlanTask

pytestmark = pytest.mark.django_db


def task(area, number):
    return PlanTask.objects.get(area__number=area, number=number)


def test_the_plan_has_27_tasks_in_six_areas():
    assert PlanArea.objects.count() == 6
    assert [a.tasks.count() for a in PlanArea.objects.order_by("number")] == [4, 5, 3, 6, 6, 3]


def test_unit_lists_are_kept_exactly_as_the_plan_writes_them():
    first = task(1, 1)
    assert first.title == "推动儿童优先发展"
    assert first.lead_units_text == "区妇儿工委办公室、发改委"
    assert first.participating_units_text == "区大数据服务中心、卫健委、教育局、民政局、区妇联、区残联。"
    assert task(5, 5).lead_units_text == "区公安局、民政局（未保办）"


def test_units_are_linked(region):
    assert {u.code for u in task(1, 1).lead_units.all()} == {"fegw", "fgw"}
    assert {u.code for u in task(3, 1).lead_units.all()} == {"mzj", "tw"}
    offices = set(Unit.objects.filter(kind=Unit.Kind.STREET_OFFICE))
    assert offices <= set(task(2, 1).participating_units.all())
    assert task(6, 1).participating_units.count() == Unit.objects.count()


def test_every_task_has_a_lead_unit():
    assert not PlanTask.objects.filter(lead_units=None).exists()


def test_the_plan_page_is_public_and_lists_every_task(client):
    page = client.get("/monitoring/plan/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("data-task=") == 27
    assert "区妇儿工委办公室、发改委" in html
