import datetime

import pytest

from tongyou.accounts.roles import Role
from tongyou.datahub.codes import Sex
from tongyou.datahub.services.statistics import child_pivot
from tongyou.tests.factories import ChildFactory

AS_OF = datetime.date(2026, 11, 28)


@pytest.fixture
def counted(db, region):
    """Hand-counted: street 001 has 7 girls aged 3-5 and 1 boy aged 0-2; street 002 has 6 girls aged 12-14."""
    for _ in range(7):
        ChildFactory(
            residence_region=region("150104001002001"), sex=Sex.FEMALE, birth_date=datetime.date(2022, 6, 1)
        )
    ChildFactory(
        residence_region=region("150104001003001"),
        sex=Sex.MALE,
        birth_date=datetime.date(2025, 1, 1),
        id_number="150104202501010011",
    )
    for _ in range(6):
        ChildFactory(
            residence_region=region("150104002001002"), sex=Sex.FEMALE, birth_date=datetime.date(2013, 3, 3)
        )


@pytest.mark.django_db
def test_counts_match_the_hand_count_for_a_person_reader(make_user, counted):
    pivot = child_pivot(make_user(Role.CASEWORKER), "street", "age_band", as_of=AS_OF)
    assert pivot.rows == ["150104001000", "150104002000"]
    assert pivot.cols == ["0-2", "3-5", "12-14"]
    assert pivot.cell("150104001000", "3-5") == 7
    assert pivot.cell("150104001000", "0-2") == 1
    assert pivot.cell("150104002000", "12-14") == 6
    assert pivot.grand_total == 14 and not pivot.suppressed
    assert pivot.row_labels["150104001000"] == "小召前街街道"


@pytest.mark.django_db
def test_researcher_sees_protected_figures_never_an_exact_small_one(make_user, counted):
    pivot = child_pivot(make_user(Role.RESEARCHER), "street", "sex", as_of=AS_OF)
    assert pivot.suppressed
    shown = [pivot.cell(r, c) for r in pivot.rows for c in pivot.cols]
    shown += [pivot.row_total(r) for r in pivot.rows] + [pivot.col_total(c) for c in pivot.cols]
    assert all(v is None or v >= 5 for v in shown)
    assert pivot.count("150104001000", Sex.MALE) == 1 and pivot.grand_total == 14


@pytest.mark.django_db
def test_large_cells_stay_close_to_the_truth_for_researchers(make_user, region):
    for street in ("150104001001001", "150104002001001"):
        for sex in (Sex.MALE, Sex.FEMALE):
            for _ in range(40):
                ChildFactory(residence_region=region(street), sex=sex)
    pivot = child_pivot(make_user(Role.RESEARCHER), "street", "sex", as_of=AS_OF)
    for r in pivot.rows:
        for c in pivot.cols:
            assert abs(pivot.cell(r, c) - 40) <= 5
    assert abs(pivot.grand_total_shown - 160) <= 5


@pytest.mark.django_db
def test_age_bands_count_whole_years(make_user, region):
    ChildFactory(
        residence_region=region("150104001001001"), birth_date=datetime.date(2023, 11, 28)
    )  # 3 today
    ChildFactory(
        residence_region=region("150104001001001"), birth_date=datetime.date(2023, 11, 29)
    )  # 2 today
    pivot = child_pivot(make_user(Role.CASEWORKER), "age_band", "sex", as_of=AS_OF)
    assert pivot.cell("3-5", Sex.FEMALE) == 1 and pivot.cell("0-2", Sex.FEMALE) == 1


def test_unknown_dimension_is_refused(make_user, db):
    with pytest.raises(ValueError, match="dimensions"):
        child_pivot(make_user(Role.CASEWORKER), "street", "street")
