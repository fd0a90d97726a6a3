"""A deterministic synthetic Yuquan: households, guardians and children, all flagged synthetic.

Shape (documented with sources in docs/architecture.md, "Demo district"):
- ages 0-17 weighted by national births for each birth year (NBS statistical
  communiqués), so younger cohorts are smaller, as in the district;
- 112 boys per 100 girls among the young cohorts, close to the 7th census ratio;
- ethnic make-up close to Hohhot's: mostly Han, about one in ten Mongol, then Hui,
  Manchu and smaller groups;
- ID numbers are valid GB 11643 numbers (region, birth date, sequence, check digit),
  mostly registered in Yuquan, some in neighbouring counties (floating children).
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum.cn import ric

from tongyou.accounts.models import Unit
from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.privacy.blind_index import blind_index
from tongyou.privacy.idnumbers import make_id_number
from tongyou.privacy.names import name_index, pinyin_index
from tongyou.regions.models import Region

from ..codes import (
    ChildStatus,
    DisabilityGrade,
    DisabilityType,
    Ethnicity,
    GuardianRelationship,
    InstitutionKind,
    Ownership,
    Sex,
)
from ..models import (
    ID_INDEX_PURPOSE,
    Child,
    Disability,
    Enrolment,
    Guardian,
    Household,
    InsuranceEnrolment,
    StatusPeriod,
)
from .columns import bulk_written

# Births in China by year, millions (NBS communiqués; 2025 provisional).
BIRTHS_BY_YEAR = {
    2007: 15.94,
    2008: 16.08,
    2009: 15.91,
    2010: 15.92,
    2011: 16.04,
    2012: 16.35,
    2013: 16.40,
    2014: 16.87,
    2015: 16.55,
    2016: 17.86,
    2017: 17.23,
    2018: 15.23,
    2019: 14.65,
    2020: 12.02,
    2021: 10.62,
    2022: 9.56,
    2023: 9.02,
    2024: 9.54,
    2025: 8.7,
    2026: 8.7,
}
MALE_SHARE = 112 / 212
ETHNICITY_WEIGHTS = {
    Ethnicity.HAN: 860,
    Ethnicity.MONGOL: 105,
    Ethnicity.HUI: 20,
    Ethnicity.MANCHU: 10,
    Ethnicity.DAUR: 2,
    Ethnicity.KOREAN: 1,
    Ethnicity.EVENKI: 1,
    Ethnicity.OTHER: 1,
}
# Where children's ID numbers were issued: mostly Yuquan, the rest nearby.
BIRTH_REGIONS = {
    "150104": 80,
    "150102": 4,
    "150103": 4,
    "150105": 4,
    "150121": 3,
    "150125": 2,
    "150203": 1,
    "150902": 2,
}
CHILDREN_PER_HOUSEHOLD = {1: 55, 2: 38, 3: 7}
VILLAGE_WEIGHT = 0.35  # rural villages hold fewer children per unit than urban communities
BATCH = 5000


@dataclass
class DemoSummary:
    households: int
    children: int
    guardians: int


def _weighted(rng: Any, weights: Any) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _years_before(day: datetime.date, years: int) -> Any:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _residence_cells() -> list:
    """Grids with a weight each; children live in grids so every level can be scoped."""
    grids = Region.objects.filter(level=Region.Level.GRID).select_related("parent")
    cells = []
    for grid in grids:
        weight = VILLAGE_WEIGHT if grid.community.kind == Region.Kind.VILLAGE else 1.0
        cells.append((grid, weight))
    if not cells:
        raise RuntimeError("No grids: load the regions first (manage.py load_regions).")
    return cells


class _IdIssuer:
    """Hands out unique, valid ID numbers: odd sequences for boys, even for girls."""

    def __init__(self) -> None:
        self.next: defaultdict[tuple, int] = defaultdict(int)

    def issue(self, region_code: str, birth_date: datetime.date, sex: str) -> str:
        if not ric.is_valid(make_id_number(region_code, birth_date, 1)):
            region_code = "150104"
        key = (region_code, birth_date, sex)
        k = self.next[key]
        self.next[key] += 1
        sequence = 2 * k + (1 if sex == Sex.MALE else 0)
        if sequence > 999:
            raise RuntimeError(f"More than 500 children of one sex born on {birth_date} in {region_code}.")
        return make_id_number(region_code, birth_date, sequence)


@transaction.atomic
def generate(
    children: Any = 75_000, seed: int = 2023, as_of: datetime.date | None = None, stdout: Any = None
) -> DemoSummary:
    """Create `children` synthetic children with households and guardians. Same seed and as_of,
    same district."""
    as_of = as_of or timezone.localdate()
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    cells = _residence_cells()
    grids, grid_weights = [c for c, _ in cells], [w for _, w in cells]
    age_weights = {age: BIRTHS_BY_YEAR.get(as_of.year - age, 9.0) for age in range(18)}
    issuer = _IdIssuer()
    summary = DemoSummary(0, 0, 0)
    pending: list = []  # (household, [(child, [guardians])])

    def flush() -> None:
        households = Household.objects.bulk_create([h for h, _ in pending], batch_size=BATCH)
        for household, (_, members) in zip(households, pending, strict=True):
            for child, _guardians in members:
                child.household = household
        kids = Child.objects.bulk_create([c for _, members in pending for c, _ in members], batch_size=BATCH)
        guardians = []
        for child, (_, gs) in zip(kids, [m for _, members in pending for m in members], strict=True):
            for guardian in gs:
                guardian.child = child
                guardians.append(guardian)
        Guardian.objects.bulk_create(guardians, batch_size=BATCH)
        summary.households += len(households)
        summary.children += len(kids)
        summary.guardians += len(guardians)
        pending.clear()
        bulk_written()  # bulk_create sends no signals
        if stdout:
            stdout.write(f"  {summary.children} children…")

    made = 0
    while made < children:
        grid = rng.choices(grids, weights=grid_weights)[0]
        surname = fake.last_name()
        building, entrance, flat = rng.randint(1, 60), rng.randint(1, 6), rng.randint(101, 1802)
        address = f"{grid.parent.name}{building}号楼{entrance}单元{flat}室"
        household = Household(region=grid, address=address, is_synthetic=True)
        mother = fake.last_name() + fake.first_name_female()
        father = surname + fake.first_name_male()
        phones = (
            f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
            f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
        )
        has_father = rng.random() < 0.9
        members = []
        for _ in range(min(_weighted(rng, CHILDREN_PER_HOUSEHOLD), children - made)):
            age = _weighted(rng, age_weights)
            latest = _years_before(as_of, age)
            earliest = _years_before(as_of, age + 1) + datetime.timedelta(days=1)
            birth_date = earliest + datetime.timedelta(days=rng.randint(0, (latest - earliest).days))
            sex = Sex.MALE if rng.random() < MALE_SHARE else Sex.FEMALE
            given = fake.first_name_male() if sex == Sex.MALE else fake.first_name_female()
            id_number = issuer.issue(_weighted(rng, BIRTH_REGIONS), birth_date, sex)
            child = Child(
                name=surname + given,
                name_index=name_index(surname + given),
                name_pinyin_index=pinyin_index(surname + given),
                sex=sex,
                birth_date=birth_date,
                id_number=id_number,
                id_number_index=blind_index(id_number, ID_INDEX_PURPOSE),
                ethnicity=_weighted(rng, ETHNICITY_WEIGHTS),
                residence_region=grid,
                household_region=grid.parent if id_number.startswith("150104") else None,
                is_synthetic=True,
            )
            guardians = [
                Guardian(
                    name=mother, relationship=GuardianRelationship.MOTHER, phone=phones[0], is_synthetic=True
                )
            ]
            if has_father:
                guardians.append(
                    Guardian(
                        name=father,
                        relationship=GuardianRelationship.FATHER,
                        phone=phones[1],
                        is_synthetic=True,
                    )
                )
            members.append((child, guardians))
            made += 1
        pending.append((household, members))
        if sum(len(m) for _, m in pending) >= BATCH:
            flush()
    if pending:
        flush()
    record(
        AuditEntry.Action.BULK_LOAD,
        object_type="datahub.Child",
        details={
            "synthetic": True,
            "seed": seed,
            "as_of": as_of.isoformat(),
            "children": summary.children,
            "households": summary.households,
            "guardians": summary.guardians,
        },
    )
    return summary


# Shares for the synthetic facts (demo only, round figures near national and regional levels):
# 96% insured; kindergarten 3-5 88% enrolled, ownership public/inclusive/private 55/35/10 (Inner
# Mongolia's public share was 49% in 2019); school 6-17 97% enrolled; categories per 10,000.
INSURED = 0.96
KINDERGARTEN_ENROLLED = 0.88
KINDERGARTEN_OWNERSHIP = {Ownership.PUBLIC: 55, Ownership.INCLUSIVE: 35, Ownership.PRIVATE: 10}
SCHOOL_ENROLLED = 0.97
STATUS_PER_10000 = {
    ChildStatus.LOW_INCOME: 200,
    ChildStatus.IN_DIFFICULTY: 50,
    ChildStatus.DE_FACTO_UNSUPPORTED: 10,
    ChildStatus.ORPHAN: 5,
}
LEFT_BEHIND_IN_VILLAGES_PER_10000 = 600
DISABLED_PER_10000 = 80


def _school(age: int) -> InstitutionKind | None:
    if age < 3:
        return None
    if age <= 5:
        return InstitutionKind.KINDERGARTEN
    if age <= 11:
        return InstitutionKind.PRIMARY
    return InstitutionKind.JUNIOR if age <= 14 else InstitutionKind.SENIOR


@transaction.atomic
def generate_facts(seed: int = 2023, as_of: datetime.date | None = None) -> int:
    """Departmental facts for the synthetic children: insurance, enrolment, categories and
    disability, each from the unit that would report it. Same seed, same facts. Returns the count."""
    as_of = as_of or timezone.localdate()
    rng = random.Random(f"facts:{seed}")
    units = {code: Unit.objects.get(code=code) for code in ("ybj", "jyj", "mzj", "cl")}
    start = as_of.replace(month=1, day=1) - datetime.timedelta(days=365)
    insurance, enrolments, statuses, disabilities = [], [], [], []
    children = Child.objects.filter(is_synthetic=True).order_by("pk")
    for pk, birth_date, kind in children.values_list("pk", "birth_date", "residence_region__parent__kind"):
        age = as_of.year - birth_date.year - ((as_of.month, as_of.day) < (birth_date.month, birth_date.day))
        if age > 17:
            continue
        since = max(birth_date, start)
        if rng.random() < INSURED:
            insurance.append(
                InsuranceEnrolment(child_id=pk, unit=units["ybj"], scheme="resident", valid_from=since)
            )
        school = _school(age)
        enrolled = KINDERGARTEN_ENROLLED if school == InstitutionKind.KINDERGARTEN else SCHOOL_ENROLLED
        if school and rng.random() < enrolled:
            ownership = (
                _weighted(rng, KINDERGARTEN_OWNERSHIP)
                if school == InstitutionKind.KINDERGARTEN
                else Ownership.PUBLIC
            )
            enrolments.append(
                Enrolment(
                    child_id=pk,
                    unit=units["jyj"],
                    institution=f"示意{school.label}",
                    institution_kind=school,
                    ownership=ownership,
                    valid_from=since,
                )
            )
        for status, per in STATUS_PER_10000.items():
            if rng.random() * 10_000 < per:
                statuses.append(StatusPeriod(child_id=pk, unit=units["mzj"], status=status, valid_from=since))
        if (
            kind == Region.Kind.VILLAGE
            and age < 16
            and rng.random() * 10_000 < LEFT_BEHIND_IN_VILLAGES_PER_10000
        ):
            statuses.append(
                StatusPeriod(child_id=pk, unit=units["mzj"], status=ChildStatus.LEFT_BEHIND, valid_from=since)
            )
        if rng.random() * 10_000 < DISABLED_PER_10000:
            disabilities.append(
                Disability(
                    child_id=pk,
                    unit=units["cl"],
                    disability_type=rng.choice(DisabilityType.values),
                    grade=rng.choice(DisabilityGrade.values),
                    valid_from=since,
                )
            )
    InsuranceEnrolment.objects.bulk_create(insurance, batch_size=BATCH)
    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
    StatusPeriod.objects.bulk_create(statuses, batch_size=BATCH)
    Disability.objects.bulk_create(disabilities, batch_size=BATCH)
    bulk_written()  # bulk_create sends no signals
    return len(insurance) + len(enrolments) + len(statuses) + len(disabilities)
