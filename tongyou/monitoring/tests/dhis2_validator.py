"""A DHIS2-shaped importer for the tests: the checks DHIS2 makes when it imports metadata and a
dataValueSet by code (identifiers, references, value types, periods, the data set's org units), and
the aggregation it then does (data elements summed up the org-unit tree; indicators as the sum of
their numerator over the sum of their denominator, times the indicator type's factor). Written from
the DHIS2 developer documentation's rules; DHIS2 itself is not run here."""

import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation

UID = re.compile(r"^[a-zA-Z][a-zA-Z0-9]{10}$")
VALUE_TYPES = {"NUMBER", "INTEGER", "INTEGER_POSITIVE", "INTEGER_ZERO_OR_POSITIVE", "PERCENTAGE"}
AGGREGATIONS = {"SUM", "AVERAGE", "AVERAGE_SUM_ORG_UNIT", "COUNT", "NONE"}
DEFAULT_CATEGORY_COMBO = "bjDvmb4bfuf"
YEARLY = re.compile(r"^\d{4}$")
FORMULA_OPERAND = re.compile(r"#\{([a-zA-Z][a-zA-Z0-9]{10})\}")


class ImportRejected(AssertionError):
    pass


class Dhis2:
    def __init__(self, metadata: dict) -> None:
        self.errors: list[str] = []
        self.units = {u["id"]: u for u in metadata["organisationUnits"]}
        self.elements = {e["id"]: e for e in metadata["dataElements"]}
        self.types = {t["id"]: t for t in metadata["indicatorTypes"]}
        self.indicators = {i["id"]: i for i in metadata["indicators"]}
        self.data_sets = {d["id"]: d for d in metadata["dataSets"]}
        self._check_metadata()
        if self.errors:
            raise ImportRejected("; ".join(self.errors[:10]))
        self.values: dict[tuple[str, str, str], Decimal] = {}

    def _check_metadata(self) -> None:
        seen: set[str] = set()
        for kind in (self.units, self.elements, self.types, self.indicators, self.data_sets):
            for ident in kind:
                if not UID.match(ident):
                    self.errors.append(f"bad uid {ident}")
                if ident in seen:
                    self.errors.append(f"duplicate uid {ident}")
                seen.add(ident)
        for kind in (self.units, self.elements, self.indicators, self.data_sets):
            codes = [item.get("code") for item in kind.values()]
            if len(codes) != len(set(codes)):
                self.errors.append("duplicate codes")
        for unit in self.units.values():
            if "parent" in unit and unit["parent"]["id"] not in self.units:
                self.errors.append(f"org unit {unit['code']}: unknown parent")
        for element in self.elements.values():
            if element["valueType"] not in VALUE_TYPES or element["aggregationType"] not in AGGREGATIONS:
                self.errors.append(f"data element {element['code']}: bad type")
            if element["categoryCombo"]["id"] != DEFAULT_CATEGORY_COMBO:
                self.errors.append(f"data element {element['code']}: unknown category combo")
        for indicator in self.indicators.values():
            for formula in (indicator["numerator"], indicator["denominator"]):
                operands = FORMULA_OPERAND.findall(formula)
                if not operands or any(o not in self.elements for o in operands):
                    self.errors.append(f"indicator {indicator['code']}: bad formula {formula}")
            if indicator["indicatorType"]["id"] not in self.types:
                self.errors.append(f"indicator {indicator['code']}: unknown type")
        for data_set in self.data_sets.values():
            if data_set["periodType"] != "Yearly":
                self.errors.append("data set: unexpected period type")
            for ref in data_set["dataSetElements"]:
                if ref["dataElement"]["id"] not in self.elements:
                    self.errors.append("data set: unknown data element")
            for ref in data_set["organisationUnits"]:
                if ref["id"] not in self.units:
                    self.errors.append("data set: unknown org unit")

    def import_data(self, payload: dict) -> int:
        """Store the data values, all or nothing, as DHIS2 does with importStrategy=CREATE_AND_UPDATE
        and atomicMode=ALL. References are by code: the payload must say so."""
        if payload.get("idScheme") != "CODE":
            raise ImportRejected("references are codes, but the payload does not say idScheme CODE")
        by_code_element = {e["code"]: e for e in self.elements.values()}
        by_code_unit = {u["code"]: u for u in self.units.values()}
        data_set = next((d for d in self.data_sets.values() if d["code"] == payload.get("dataSet")), None)
        if data_set is None:
            raise ImportRejected("unknown data set")
        assigned = {ref["id"] for ref in data_set["organisationUnits"]}
        staged: dict[tuple[str, str, str], Decimal] = {}
        errors = []
        for row in payload["dataValues"]:
            element = by_code_element.get(row["dataElement"])
            unit = by_code_unit.get(row["orgUnit"])
            if element is None or unit is None:
                errors.append(f"unknown reference {row}")
                continue
            if unit["id"] not in assigned:
                errors.append(f"org unit not in the data set {row}")
            if not YEARLY.match(row["period"]):
                errors.append(f"period is not yearly {row}")
            try:
                value = Decimal(row["value"])
            except InvalidOperation:
                errors.append(f"not a number {row}")
                continue
            if element["valueType"].startswith("INTEGER") and (
                value != value.to_integral_value() or value < 0
            ):
                errors.append(f"not a non-negative integer {row}")
            key = (element["id"], unit["id"], row["period"])
            if key in staged:
                errors.append(f"duplicate value {row}")
            staged[key] = value
        if errors:
            raise ImportRejected("; ".join(errors[:10]))
        self.values.update(staged)
        return len(staged)

    def _descendants(self, unit_id: str) -> set[str]:
        children = defaultdict(set)
        for unit in self.units.values():
            if "parent" in unit:
                children[unit["parent"]["id"]].add(unit["id"])
        found, frontier = {unit_id}, [unit_id]
        while frontier:
            frontier = [c for f in frontier for c in children[f]]
            found.update(frontier)
        return found

    def aggregate(self, element_code: str, unit_code: str, period: str) -> Decimal | None:
        """A data element's value for an org unit: its own and its descendants' values summed."""
        element = next(e for e in self.elements.values() if e["code"] == element_code)
        unit = next(u for u in self.units.values() if u["code"] == unit_code)
        within = self._descendants(unit["id"])
        found = [
            v for (e, u, p), v in self.values.items() if e == element["id"] and u in within and p == period
        ]
        return sum(found, Decimal(0)) if found else None

    def indicator(self, code: str, unit_code: str, period: str) -> Decimal | None:
        indicator = next(i for i in self.indicators.values() if i["code"] == code)
        element_code = {e["id"]: e["code"] for e in self.elements.values()}
        numerator = self.aggregate(
            element_code[FORMULA_OPERAND.findall(indicator["numerator"])[0]], unit_code, period
        )
        denominator = self.aggregate(
            element_code[FORMULA_OPERAND.findall(indicator["denominator"])[0]], unit_code, period
        )
        if numerator is None or not denominator:
            return None
        factor = self.types[indicator["indicatorType"]["id"]]["factor"]
        return numerator / denominator * factor
