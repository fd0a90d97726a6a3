"""Computed figures never go stale: a change to a registry an indicator reads marks it, the
scheduler recomputes it, and nothing else is recomputed; an import (rows written without model
signals) marks the same way; a change during a computation is not lost."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from tongyou.core.signals import records_written
from tongyou.datahub.models import Child
from tongyou.monitoring import staleness, values
from tongyou.monitoring.models import Indicator, IndicatorValue
from tongyou.regions.models import Region
from tongyou.spaces.models import Facility

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PERIOD = str(TODAY.year)


def district_value(code):
    found = IndicatorValue.objects.filter(
        indicator__code=code, period=PERIOD, region__code="150104000000", source="computed"
    ).first()
    return found.value if found else None


def stale_codes():
    return set(Indicator.objects.filter(stale_since__isnull=False).values_list("code", flat=True))


@pytest.fixture
def computed():
    values.compute(PERIOD, TODAY)
    Indicator.objects.update(stale_since=None)


def test_a_new_facility_marks_only_the_indicators_that_count_facilities_and_the_scheduler_recomputes(
    computed,
):
    before = district_value("PS-02")
    community = Region.objects.get(code="150104001001")
    Facility.objects.create(
        name="新托育园", kind="nursery_public", region=community, latitude=40.8, longitude=111.66
    )
    marked = stale_codes()
    assert "PS-02" in marked
    assert not {i.code for i in Indicator.objects.filter(calculator="child_population")} & marked
    call_command("run_worker", "--once", "--job", "monitoring.recompute", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert district_value("PS-02") == (before or 0) + Decimal(1)
    assert stale_codes() == set()


def test_an_import_written_without_model_signals_marks_the_childrens_indicators(computed):
    records_written.send(sender=Child)
    reading_children = set(
        Indicator.objects.filter(calculator="child_population").values_list("code", flat=True)
    )
    assert reading_children and reading_children <= stale_codes()


def test_a_change_during_a_computation_is_computed_again_next_round(computed, monkeypatch):
    community = Region.objects.get(code="150104001001")
    Facility.objects.create(
        name="一", kind="nursery_public", region=community, latitude=40.8, longitude=111.66
    )
    real_compute = values.compute

    def compute_while_someone_adds_a_facility(*args, **kwargs):
        Facility.objects.create(
            name="二", kind="nursery_public", region=community, latitude=40.8, longitude=111.66
        )
        return real_compute(*args, **kwargs)

    monkeypatch.setattr(values, "compute", compute_while_someone_adds_a_facility)
    staleness.recompute_stale(TODAY)
    assert "PS-02" in stale_codes()  # marked again by the facility added meanwhile
    monkeypatch.setattr(values, "compute", real_compute)
    staleness.recompute_stale(TODAY)
    assert "PS-02" not in stale_codes()


def test_the_dashboard_shows_when_each_value_was_computed(computed, client_for):
    from tongyou.accounts.roles import Role

    page = client_for(Role.COORDINATOR).get("/monitoring/dashboard/").content.decode()
    stamp = timezone.localtime(
        IndicatorValue.objects.filter(period=PERIOD, source="computed").latest("updated_at").updated_at
    )
    assert f"{stamp:%Y-%m-%d}" in page and "截至" in page


def test_the_demo_needs_no_cron_the_scheduler_keeps_figures_current():
    from tongyou.core.registry import registry

    job = registry.jobs["monitoring.recompute"]
    assert 0 < job.every <= 60
    assert datetime.timedelta(seconds=job.every) < datetime.timedelta(minutes=5)
