"""The DHIS2 exchange round trip: the metadata package and the data values Tongyou exports import
into a DHIS2-shaped validator (references, types, periods, the data set), and what DHIS2 then
aggregates up the org-unit tree gives back Tongyou's district figures — counts not tripled, shares
recomputed from their numerators and denominators rather than added up."""

import json
from decimal import Decimal

import pytest

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.monitoring import dhis2, values
from tongyou.monitoring.models import Indicator, IndicatorValue
from tongyou.regions.models import Region
from tongyou.spaces.models import Facility
from tongyou.tests.factories import ChildFactory

from .dhis2_validator import Dhis2, ImportRejected

pytestmark = pytest.mark.django_db
PERIOD = "2026"
DISTRICT = "150104000000"


@pytest.fixture
def exchanged(region, client_for):
    for n, grid in enumerate(["150104001001001", "150104001002001", "150104002001001", "150104003001002"]):
        for _ in range(n + 1):
            ChildFactory(residence_region=region(grid))
    for code, kind in (("150104001001", "nursery_public"), ("150104002001", "nursery_public")):
        Facility.objects.create(name=kind, kind=kind, region=region(code), latitude=40.8, longitude=111.66)
    values.compute(PERIOD)
    # A share a unit reported for the whole district, with its parts.
    IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code="PS-05"),
        period=PERIOD,
        region=region(DISTRICT),
        numerator=4100,
        denominator=4500,
        value=Decimal("91.11"),
        source=IndicatorValue.Source.REPORTED,
        state=IndicatorValue.State.ACCEPTED,
    )
    office = client_for(Role.COORDINATOR, unit=Unit.objects.get(code="fegw"))
    metadata = json.loads(office.get("/monitoring/values/metadata.json").content)
    data = json.loads(office.get(f"/monitoring/values/dataValueSets.json?period={PERIOD}").content)
    system = Dhis2(metadata)
    system.import_data(data)
    return system, data


def ours(code):
    return IndicatorValue.objects.get(indicator__code=code, period=PERIOD, region__code=DISTRICT)


def test_counts_come_back_as_the_district_totals_not_tripled(exchanged):
    system, data = exchanged
    assert system.aggregate("SP-01", DISTRICT, PERIOD) == ours("SP-01").value == 10
    assert system.aggregate("PS-02", DISTRICT, PERIOD) == ours("PS-02").value
    nurseries = {
        Region.objects.get(code=d["orgUnit"]).level for d in data["dataValues"] if d["dataElement"] == "PS-02"
    }
    assert nurseries == {Region.Level.COMMUNITY}  # the lowest level only: DHIS2 sums upwards


def test_a_level_with_cells_left_out_for_the_reader_is_passed_over_for_the_one_above(exchanged):
    _system, data = exchanged
    # The coordinator's export leaves out counts of fewer than five children (core/disclosure.py):
    # the communities' child counts are incomplete, so the district's total goes instead.
    levels = {
        Region.objects.get(code=d["orgUnit"]).level for d in data["dataValues"] if d["dataElement"] == "SP-01"
    }
    assert levels == {Region.Level.DISTRICT}


def test_every_computed_district_figure_comes_back(exchanged):
    system, _data = exchanged
    computed = IndicatorValue.objects.filter(period=PERIOD, region__code=DISTRICT, source="computed")
    for mine in computed.select_related("indicator"):
        indicator = mine.indicator
        if indicator.denominator:
            assert system.aggregate(f"{indicator.code}.N", DISTRICT, PERIOD) == mine.numerator, indicator.code
            assert system.aggregate(f"{indicator.code}.D", DISTRICT, PERIOD) == mine.denominator, (
                indicator.code
            )
            theirs = system.indicator(indicator.code, DISTRICT, PERIOD)
            if mine.value is not None and theirs is not None:
                assert abs(theirs - mine.value) < Decimal("0.01"), indicator.code
        elif mine.value is not None:
            assert system.aggregate(indicator.code, DISTRICT, PERIOD) == mine.value, indicator.code


def test_a_reported_district_share_goes_as_its_parts_and_dhis2_recomputes_it(exchanged):
    system, data = exchanged
    assert system.indicator("PS-05", DISTRICT, PERIOD).quantize(Decimal("0.01")) == Decimal("91.11")
    assert not [d for d in data["dataValues"] if d["dataElement"] == "PS-05"]  # never the share itself


def test_the_validator_is_not_a_rubber_stamp(exchanged):
    _system, data = exchanged
    with pytest.raises(ImportRejected, match="idScheme"):
        Dhis2(dhis2.metadata(Indicator.objects.all(), Region.objects.filter(level__lte=3))).import_data(
            {**data, "idScheme": "UID"}
        )
    partial = dhis2.metadata(Indicator.objects.exclude(code="SP-01"), Region.objects.filter(level__lte=3))
    with pytest.raises(ImportRejected, match="unknown reference"):
        Dhis2(partial).import_data(data)


def test_identifiers_are_stable_dhis2_uids():
    assert dhis2.uid("SP-01") == dhis2.uid("SP-01") != dhis2.uid("SP-02")
    assert all(len(dhis2.uid(c)) == 11 and dhis2.uid(c)[0].isalpha() for c in ("SP-01", DISTRICT, "x"))
