"""Statistics over the in-memory columns give exactly what the database gives, and see every
change at once: single saves, imports, deletes, and changes rolled back."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.datahub.codes import ChildStatus, Ethnicity, InstitutionKind
from tongyou.datahub.models import Child, Disability, Enrolment, InsuranceEnrolment, StatusPeriod
from tongyou.datahub.services.filters import ChildFilter
from tongyou.datahub.services.statistics import DIMENSIONS, child_pivot
from tongyou.datahub.services.synthetic import generate, generate_facts
from tongyou.regions.models import Region
from tongyou.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 11, 28)
GRIDS = ["150104001001001", "150104001002001", "150104002001001", "150104003001002"]
DAYS = st.dates(datetime.date(2020, 1, 1), datetime.date(2027, 6, 30))


def both_engines(settings, user, rows, cols, filters, as_of=AS_OF):
    settings.DATAHUB_STATISTICS_IN_MEMORY = True
    in_memory = child_pivot(user, rows, cols, as_of=as_of, filters=filters)
    settings.DATAHUB_STATISTICS_IN_MEMORY = False
    in_database = child_pivot(user, rows, cols, as_of=as_of, filters=filters)
    settings.DATAHUB_STATISTICS_IN_MEMORY = True
    return in_memory.cells, in_database.cells


child_strategy = st.fixed_dictionaries(
    {
        "grid": st.sampled_from(GRIDS),
        "birth": st.dates(datetime.date(2007, 1, 1), datetime.date(2027, 1, 1)),
        "sex": st.sampled_from(["1", "2"]),
        "ethnicity": st.sampled_from([Ethnicity.HAN, Ethnicity.MONGOL, Ethnicity.HUI]),
        "status": st.none() | st.tuples(st.sampled_from(ChildStatus.values), DAYS, st.none() | DAYS),
        "insured": st.none() | st.tuples(DAYS, st.none() | DAYS),
        "enrolments": st.lists(
            st.tuples(st.sampled_from(InstitutionKind.values), DAYS, st.none() | DAYS), max_size=2
        ),
        "disabled": st.none() | st.tuples(DAYS, st.none() | DAYS),
    }
)
filter_strategy = st.builds(
    ChildFilter,
    region=st.sampled_from(["", "150104001000", "150104002001"]),
    age_min=st.none() | st.integers(0, 10),
    age_max=st.none() | st.integers(3, 17),
    sex=st.sampled_from(["", "1", "2"]),
    ethnicity=st.sampled_from(["", Ethnicity.HAN, Ethnicity.MONGOL, Ethnicity.MANCHU]),
    status=st.sampled_from(["", *ChildStatus.values]),
    insured=st.sampled_from(["", "yes", "no"]),
    enrolled=st.sampled_from(["", "none", *InstitutionKind.values]),
    disability=st.sampled_from(["", "yes", "no"]),
)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    children=st.lists(child_strategy, max_size=25),
    filters=filter_strategy,
    dims=st.lists(st.sampled_from(list(DIMENSIONS)), min_size=2, max_size=2, unique=True),
    as_of=st.sampled_from([AS_OF, datetime.date(2024, 3, 1)]),
    reader=st.sampled_from([(Role.CASEWORKER, "150104000000"), (Role.STREET_OFFICER, "150104001000")]),
)
def test_the_columns_count_exactly_what_the_database_counts(
    settings, make_user, children, filters, dims, as_of, reader
):
    Child.objects.all().delete()
    unit = Unit.objects.get(code="jyj")
    grids = {r.code: r for r in Region.objects.filter(code__in=GRIDS)}
    for spec in children:
        birth = min(spec["birth"], datetime.date(2026, 11, 28))
        child = ChildFactory(
            residence_region=grids[spec["grid"]],
            birth_date=birth,
            sex=spec["sex"],
            ethnicity=spec["ethnicity"],
        )
        if spec["status"]:
            status, start, end = spec["status"]
            StatusPeriod.objects.create(child=child, unit=unit, status=status, valid_from=start, valid_to=end)
        if spec["insured"]:
            start, end = spec["insured"]
            InsuranceEnrolment.objects.create(
                child=child, unit=unit, scheme="resident", valid_from=start, valid_to=end
            )
        for kind, start, end in spec["enrolments"]:
            # one start date per child: the database's pick among equal starts is not defined
            Enrolment.objects.get_or_create(
                child=child,
                valid_from=start,
                defaults={
                    "unit": unit,
                    "institution": "学校",
                    "institution_kind": kind,
                    "ownership": "public",
                    "valid_to": end,
                },
            )
        if spec["disabled"]:
            start, end = spec["disabled"]
            Disability.objects.create(
                child=child, unit=unit, disability_type="1", grade="2", valid_from=start, valid_to=end
            )
    user = make_user(*reader)
    in_memory, in_database = both_engines(settings, user, dims[0], dims[1], filters, as_of)
    assert in_memory == in_database


def street_counts(user):
    return child_pivot(user, "street", "sex", as_of=AS_OF).counts


def test_every_kind_of_change_shows_at_once(make_user, client_for):
    user = make_user(Role.CASEWORKER)
    generate(30, seed=3, as_of=AS_OF)
    generate_facts(seed=3, as_of=AS_OF)
    before = sum(street_counts(user).values())
    assert before == 30
    child = ChildFactory(birth_date=datetime.date(2020, 1, 1))  # a single save
    assert sum(street_counts(user).values()) == 31
    child.residence_region = Region.objects.get(code="150104002001001")
    child.save()
    assert street_counts(user)[("150104002000", "2")] >= 1
    with transaction.atomic():
        Child.objects.filter(pk=child.pk).delete()
        assert sum(street_counts(user).values()) == 30
        transaction.set_rollback(True)
    assert sum(street_counts(user).values()) == 31  # the rolled-back delete left it
    insured = child_pivot(user, "street", "insured", as_of=AS_OF).counts
    InsuranceEnrolment.objects.create(
        child=child,
        unit=Unit.objects.get(code="ybj"),
        scheme="resident",
        valid_from=datetime.date(2024, 1, 1),
    )
    after = child_pivot(user, "street", "insured", as_of=AS_OF).counts
    assert after[("150104002000", "yes")] == insured.get(("150104002000", "yes"), 0) + 1


def test_an_import_shows_at_once(client_for):
    from tongyou.datahub.tests.test_imports import clean_rows, upload, xlsx

    officer = client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="jyj"))
    reader = client_for(Role.CASEWORKER)
    assert sum(street_counts(reader.user).values()) == 0
    batch = upload(officer, xlsx(clean_rows(3)))
    officer.post(f"/datahub/imports/{batch.pk}/commit/")
    assert sum(street_counts(reader.user).values()) == 3


def test_pages_count_in_the_database_while_the_columns_are_read_again(settings, make_user, monkeypatch):
    from tongyou.datahub.services import columns

    user = make_user(Role.CASEWORKER)
    ChildFactory.create_batch(3)
    columns.child_columns()
    settings.DATAHUB_STATISTICS_READ_IN_BACKGROUND = True
    started = []
    monkeypatch.setattr(columns, "_start_reading", lambda: started.append(1))
    assert columns.fresh_columns() is not None and not started  # current: used as they are
    ChildFactory()
    assert columns.fresh_columns() is None and started == [1]  # stale: read in the background…
    assert sum(street_counts(user).values()) == 4  # …and meanwhile the database answers
    columns.child_columns()
    assert columns.fresh_columns().version == columns.counts_version()


def test_a_change_of_regions_shows_at_once(make_user):
    """The columns hold the region tree with the children: a renamed street and a grid moved to
    another community are counted as the region table now says."""
    user = make_user(Role.CASEWORKER)
    ChildFactory(residence_region=Region.objects.get(code="150104001001001"), sex="1")
    pivot = child_pivot(user, "street", "sex", as_of=AS_OF)
    street = Region.objects.get(code="150104001000")
    assert pivot.row_labels["150104001000"] == street.name
    street.name = "新华大街街道（更名）"
    street.save()
    assert child_pivot(user, "street", "sex", as_of=AS_OF).row_labels["150104001000"] == street.name
    grid = Region.objects.get(code="150104001001001")
    grid.parent = Region.objects.get(code="150104002001")
    grid.save()
    counts = child_pivot(user, "community", "sex", as_of=AS_OF).counts
    assert counts == {("150104002001", "1"): 1}


def test_a_reader_below_the_district_counts_only_their_own_children(make_user):
    """The in-memory count's shortcut for a reader who sees every child is taken only then."""
    ChildFactory(residence_region=Region.objects.get(code="150104001001001"))
    ChildFactory(residence_region=Region.objects.get(code="150104002001001"))
    street_reader = make_user(Role.STREET_OFFICER, "150104001000")
    assert sum(street_counts(street_reader).values()) == 1
    assert sum(street_counts(make_user(Role.CASEWORKER)).values()) == 2


def test_a_child_in_a_region_newer_than_the_region_tree_read_is_counted_not_a_crash(make_user, monkeypatch):
    """The region tree is read a moment before the children: a region added in between (with a
    child in it) must not break the count made from that read."""
    from tongyou.datahub.services import columns

    real = columns.RegionCodes.__init__

    def read_then_add(self):
        real(self)
        grid = Region.objects.get(code="150104001001001")
        newer = Region.objects.create(
            code="150104001001099", name="新网格", level=Region.Level.GRID, parent=grid.parent
        )
        ChildFactory(residence_region=newer)

    ChildFactory(residence_region=Region.objects.get(code="150104001001001"))
    monkeypatch.setattr(columns.RegionCodes, "__init__", read_then_add)
    snapshot = columns.ChildColumns(columns.counts_version())
    monkeypatch.setattr(columns.RegionCodes, "__init__", real)
    cells = columns.count_cells(
        snapshot.regions.under("/150104000000/"), ["street"], ChildFilter(), AS_OF, snapshot
    )
    assert sum(cells.values()) == 1  # the snapshot does not know the new grid yet: no crash
    assert snapshot.version != columns.counts_version()
    assert sum(street_counts(make_user(Role.CASEWORKER)).values()) == 2  # the next read does
