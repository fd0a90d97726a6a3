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
    # 各镇办: the town government and the street offices; the industrial park's committee is not one.
    offices = set(Unit.objects.filter(kind=Unit.Kind.STREET_OFFICE))
    joined = set(task(2, 1).participating_units.all())
    assert {o.code for o in offices - joined} == {"office-150104400"}
    assert len(offices & joined) == 9


def test_the_relevant_units_are_the_offices_choice_not_all_of_them(client_for):
    from tongyou.accounts.roles import Role
    from tongyou.monitoring import reports
    from tongyou.monitoring.models import ReportingRound

    publicity = task(6, 1)  # 参与单位：全体相关单位
    assert publicity.leaves_a_choice and publicity.participating_units.count() == 0
    relevant = task(1, 2)  # 参与单位：……、各相关镇办
    assert relevant.leaves_a_choice and not relevant.participating_units.filter(kind="street_office").exists()
    office = client_for(Role.COORDINATOR)
    round_ = ReportingRound.objects.create(year=2026, deadline="2026-12-31", plan=publicity.area.plan)
    pending = {str(i.label): i for i in office.get("/").context["work"]}["需选定相关单位的任务"]
    assert pending.count == len(reports.choices_pending(round_.plan)) >= 2
    chosen = Unit.objects.filter(code__in=["jyj", "office-150104001"])
    form = {
        "title": publicity.title,
        "text": publicity.text,
        "lead_units_text": publicity.lead_units_text,
        "participating_units_text": publicity.participating_units_text,
        "chosen_units": [u.pk for u in chosen],
    }
    office.post(f"/monitoring/plan/tasks/{publicity.pk}/edit/", form)
    owed = {unit for unit, task_id in reports.owed_reports(round_) if task_id == publicity.pk}
    lead = {u.pk for u in publicity.lead_units.all()}
    assert owed == lead | {u.pk for u in chosen}
    assert Unit.objects.get(code="fegw").pk not in owed - lead  # the office reviews; it owes nothing


def test_every_task_has_a_lead_unit():
    assert not PlanTask.objects.filter(lead_units=None).exists()


def test_the_plan_page_is_public_and_lists_every_task(client):
    page = client.get("/monitoring/plan/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("data-task=") == 27
    assert "区妇儿工委办公室、发改委" in html
