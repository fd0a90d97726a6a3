"""The exchange with DHIS2 (the district health information system many statistics offices run):
a metadata package and the data values, in the shapes DHIS2's `/api/metadata` and
`/api/dataValueSets` import (docs.dhis2.org, "Metadata" and "Data" in the developer guide).

- Every indicator becomes **data elements** DHIS2 sums up the organisation-unit tree: a count is
  one data element; a share or rate is two, its numerator (`<code>.N`) and denominator
  (`<code>.D`), and the share itself is a DHIS2 **indicator** (`#{N}/#{D}` with an indicator type
  carrying the factor: 100 for %, 1,000 for ‰…), so DHIS2 never adds up percentages.
- **Organisation units** are the district, its streets and towns and their communities and
  villages, coded with their statistical codes (GB/T 2260 county prefix), each with its parent.
- Values go out at the **lowest level** that holds them for each indicator and period (the
  communities, for what Tongyou computes; the district, for what a unit reports district-wide):
  DHIS2 aggregates upwards, and exporting every level as well would count each child three times.
- Everything is referred to by code (`idScheme: CODE` in the payload); UIDs in the metadata are
  derived from the codes, so exporting twice gives the same identifiers."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from tongyou.regions.models import Region

from .models import Indicator, IndicatorValue

DEFAULT_CATEGORY_COMBO = "bjDvmb4bfuf"  # DHIS2's built-in default category combination
DATA_SET_CODE = "TONGYOU_CFC"
UID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
LEVELS = (Region.Level.DISTRICT, Region.Level.STREET, Region.Level.COMMUNITY)
FACTOR_NAMES = {1: "数值", 100: "百分比", 1000: "千分比", 10000: "万分比", 100000: "十万分比"}


def uid(code: str) -> str:
    """A DHIS2 UID (a letter, then ten letters or digits) derived from a code: stable across exports."""
    digest = int.from_bytes(hashlib.sha256(f"tongyou:{code}".encode()).digest()[:16], "big")
    letters = UID_ALPHABET[digest % 52]
    digest //= 52
    rest = ""
    for _index in range(10):
        rest += UID_ALPHABET[digest % 62]
        digest //= 62
    return letters + rest


def element_codes(indicator: Indicator) -> list[str]:
    """The data elements an indicator travels as: the count itself, or numerator and denominator."""
    return [f"{indicator.code}.N", f"{indicator.code}.D"] if indicator.denominator else [indicator.code]


def _element(code: str, name: str, integer: bool) -> dict[str, Any]:
    return {
        "id": uid(code),
        "code": code,
        "name": name[:230],
        "shortName": code,
        "valueType": "INTEGER_ZERO_OR_POSITIVE" if integer else "NUMBER",
        "aggregationType": "SUM",
        "domainType": "AGGREGATE",
        "categoryCombo": {"id": DEFAULT_CATEGORY_COMBO},
        "zeroIsSignificant": True,
    }


def metadata(indicators: Iterable[Indicator], regions: Iterable[Region]) -> dict[str, list]:
    """The metadata package: organisation units, data elements, indicator types, indicators and
    one yearly data set holding every data element."""
    units = [
        {
            "id": uid(r.code),
            "code": r.code,
            "name": r.name,
            "shortName": r.name[:50],
            "openingDate": "2020-01-01",
            **({"parent": {"id": uid(r.parent.code)}} if r.parent else {}),
        }
        for r in regions
    ]
    elements: list[dict] = []
    shares: list[dict] = []
    factors: set[int] = set()
    for indicator in indicators:
        if indicator.denominator:
            elements.append(
                _element(f"{indicator.code}.N", f"{indicator.name}（分子）{indicator.numerator}", True)
            )
            elements.append(
                _element(f"{indicator.code}.D", f"{indicator.name}（分母）{indicator.denominator}", True)
            )
            factors.add(indicator.factor)
            shares.append(
                {
                    "id": uid(f"indicator:{indicator.code}"),
                    "code": indicator.code,
                    "name": indicator.name[:230],
                    "shortName": indicator.code,
                    "numerator": f"#{{{uid(indicator.code + '.N')}}}",
                    "numeratorDescription": indicator.numerator,
                    "denominator": f"#{{{uid(indicator.code + '.D')}}}",
                    "denominatorDescription": indicator.denominator,
                    "indicatorType": {"id": uid(f"factor:{indicator.factor}")},
                }
            )
        else:
            elements.append(_element(indicator.code, indicator.name, False))
    return {
        "organisationUnits": units,
        "dataElements": elements,
        "indicatorTypes": [
            {"id": uid(f"factor:{f}"), "name": FACTOR_NAMES.get(f, f"×{f}"), "factor": f, "number": f == 1}
            for f in sorted(factors)
        ],
        "indicators": shares,
        "dataSets": [
            {
                "id": uid(DATA_SET_CODE),
                "code": DATA_SET_CODE,
                "name": "玉泉区儿童友好城市建设监测",
                "shortName": "儿童友好城市监测",
                "periodType": "Yearly",
                "categoryCombo": {"id": DEFAULT_CATEGORY_COMBO},
                "dataSetElements": [{"dataElement": {"id": e["id"]}} for e in elements],
                "organisationUnits": [{"id": u["id"]} for u in units],
            }
        ],
    }


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _parts(rows: list[IndicatorValue]) -> tuple[Decimal, ...]:
    if rows and rows[0].indicator.denominator:
        return (
            sum((r.numerator or Decimal(0) for r in rows), Decimal(0)),
            sum((r.denominator or Decimal(0) for r in rows), Decimal(0)),
        )
    return (sum((r.value or Decimal(0) for r in rows), Decimal(0)),)


def _lowest_complete_level(series: list[IndicatorValue]) -> list[IndicatorValue]:
    """The values of the lowest level whose figures add up to the top one's: DHIS2 sums upwards
    from there and gets the district total back. A level with cells left out (too few persons for
    the reader, core/disclosure.py) or not covering the whole area is passed over for the one above."""
    levels = sorted({v.region.level for v in series}, reverse=True)
    top = [v for v in series if v.region.level == levels[-1]]
    for level in levels:
        rows = [v for v in series if v.region.level == level]
        if level == levels[-1] or _parts(rows) == _parts(top):
            return rows
    return top


def data_value_set(values: QuerySet[IndicatorValue]) -> dict[str, Any]:
    """Accepted values at the lowest level each indicator and period holds, as DHIS2 imports
    them (codes for every reference)."""
    accepted = values.filter(state=IndicatorValue.State.ACCEPTED, region__level__in=LEVELS).select_related(
        "indicator", "region"
    )
    by_series: dict[tuple[int, str], list[IndicatorValue]] = defaultdict(list)
    for value in accepted:
        by_series[(value.indicator_id, value.period)].append(value)
    data_values = []
    for series in by_series.values():
        for v in sorted(_lowest_complete_level(series), key=lambda v: v.region.code):
            common = {"period": v.period, "orgUnit": v.region.code}
            if v.indicator.denominator:
                if v.numerator is None or v.denominator is None:
                    continue  # a share without its parts cannot be summed: DHIS2 recomputes it
                data_values.append(
                    {"dataElement": f"{v.indicator.code}.N", "value": _number(v.numerator), **common}
                )
                data_values.append(
                    {"dataElement": f"{v.indicator.code}.D", "value": _number(v.denominator), **common}
                )
            elif v.value is not None:
                data_values.append({"dataElement": v.indicator.code, "value": _number(v.value), **common})
    data_values.sort(key=lambda d: (d["dataElement"], d["period"], d["orgUnit"]))
    return {"dataSet": DATA_SET_CODE, "idScheme": "CODE", "dataValues": data_values}


def package(values: QuerySet[IndicatorValue]) -> dict[str, Any]:
    """Metadata and data together: what the office hands to the statistics office's DHIS2."""
    regions = Region.objects.filter(level__in=LEVELS).select_related("parent").order_by("level", "code")
    return {
        "metadata": metadata(Indicator.objects.order_by("code"), regions),
        "dataValueSets": data_value_set(values),
    }
