import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongyou.accounts.roles import Role
from tongyou.datahub.codes import Sex
from tongyou.datahub.services.statistics import child_pivot
from tongyou.datahub.services.suppression import suppress
from tongyou.factories import ChildFactory

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
def test_researcher_sees_small_cells_suppressed_with_complements(make_user, counted):
    pivot = child_pivot(make_user(Role.RESEARCHER), "street", "sex", as_of=AS_OF)
    assert pivot.suppressed
    assert pivot.cell("150104001000", Sex.MALE) is None  # 1 boy
    # The boys' column total (1) is hidden too, or it would give the cell away.
    assert pivot.col_total(Sex.MALE) is None
    # Street 001's row total (8) would reveal the hidden boy from the 7 girls, so more goes;
    # in a table this small the complements cascade until nothing can be subtracted out.
    row = [pivot.cell("150104001000", c) for c in pivot.cols] + [pivot.row_total("150104001000")]
    assert row.count(None) >= 2
    assert pivot.grand_total == 14


@pytest.mark.django_db
def test_large_cells_stay_visible_to_researchers(make_user, region):
    for street in ("150104001001001", "150104002001001"):
        for sex in (Sex.MALE, Sex.FEMALE):
            for _ in range(5):
                ChildFactory(residence_region=region(street), sex=sex)
    pivot = child_pivot(make_user(Role.RESEARCHER), "street", "sex", as_of=AS_OF)
    assert pivot.hidden == set()
    assert pivot.cell("150104002000", Sex.FEMALE) == 5


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


tables = st.dictionaries(
    st.tuples(st.integers(0, 4), st.integers(0, 3)), st.integers(0, 30), min_size=1, max_size=20
)


@given(cells=tables)
def test_suppression_never_leaves_a_lone_hidden_cell(cells):
    rows = sorted({r for r, _ in cells})
    cols = sorted({c for _, c in cells})
    hidden = suppress(cells, rows, cols, threshold=5)
    for key, n in cells.items():
        assert (key in hidden) or n == 0 or n >= 5
    for r in rows:
        lone = [c for c in cols if (r, c) in hidden]
        assert len(lone) != 1 or (r, None) in hidden
    for c in cols:
        lone = [r for r in rows if (r, c) in hidden]
        assert len(lone) != 1 or (None, c) in hidden
