"""The statistics pivot against DuckDB and Polars (the strongest peers: columnar engines over the
same children as integer-coded columns), the floor (a combined key and one `bincount` over those
columns), and pandas groupby over the same children already loaded in a
DataFrame (kept for the record). Both sides load their data once, timed and reported separately (not counted):
pandas its DataFrame, Tongyou its in-memory columns (datahub/services/columns.py). The database
pivot (TONGYOU_STATISTICS_IN_MEMORY=0) is timed too, for the record."""

import datetime
import time

import duckdb
import numpy as np
import pandas as pd
import polars as pl
from django.conf import settings

from tongyou.accounts.models import User
from tongyou.accounts.roles import Role
from tongyou.accounts.services import load_units
from tongyou.datahub.codes import AGE_BANDS, ChildStatus
from tongyou.datahub.models import Child, StatusPeriod
from tongyou.datahub.services.columns import _cache, child_columns, count_cells
from tongyou.datahub.services.filters import ChildFilter, holding, years_before
from tongyou.datahub.services.statistics import child_pivot
from tongyou.datahub.services.synthetic import generate_facts
from tongyou.regions.models import Region

from .common import ensure_district


def run(best_of, children, **_):
    ensure_district(children)
    if not StatusPeriod.objects.exists():
        load_units()  # the facts name their reporting units
        generate_facts(seed=1)  # statuses, insurance, enrolment and disability for the filters
    as_of = datetime.date.today()
    district = Region.objects.get(code="150104000000")
    user = User(username="bench", role=Role.CASEWORKER, jurisdiction=district)
    # A researcher's pivots carry each cell's contributor set and are perturbed (core/disclosure.py).
    researcher = User(username="bench-researcher", role=Role.RESEARCHER, jurisdiction=district)
    for person in (user, researcher):
        person.approved_grant = person.grant  # a role acts only once its grant is approved
    street_of = {
        pk: path.strip("/").split("/")[1]
        for pk, path in Region.objects.values_list("pk", "path")
        if path.count("/") > 2
    }
    start = time.perf_counter()
    frame = pd.DataFrame.from_records(
        Child.objects.values_list("id", "residence_region_id", "birth_date", "sex"),
        columns=["id", "region", "birth", "sex"],
    )
    frame["street"] = frame["region"].map(street_of)
    frame["birth"] = pd.to_datetime(frame["birth"])
    left_behind = set(
        holding(StatusPeriod, as_of, status=ChildStatus.LEFT_BEHIND).values_list("child_id", flat=True)
    )
    frame["left_behind"] = frame["id"].isin(left_behind)
    edges = [pd.Timestamp(years_before(as_of, hi + 1)) for _label, _lo, hi in reversed(AGE_BANDS)]
    edges.append(pd.Timestamp(as_of) + pd.Timedelta(days=1))
    labels = [label for label, _lo, _hi in reversed(AGE_BANDS)]
    load_pandas = time.perf_counter() - start
    _cache.clear()
    start = time.perf_counter()
    child_pivot(user, "street", "sex", as_of=as_of)
    load_ours = time.perf_counter() - start

    def bands():
        return pd.cut(frame["birth"], bins=edges, labels=labels, right=True)

    pandas_pivots = {
        "street x age band": lambda: frame.groupby([frame["street"], bands()], observed=True).size(),
        "street x sex": lambda: frame.groupby(["street", "sex"]).size(),
        "street x age band, protected (researcher)": lambda: frame.groupby(
            [frame["street"], bands()], observed=True
        ).size(),
        "street x age band x sex, left-behind": lambda: (
            frame[frame["left_behind"]]
            .groupby([frame["street"], bands(), frame["sex"]], observed=True)
            .size()
        ),
    }
    region_ids = list(Region.objects.values_list("pk", flat=True))
    left_behind_only = ChildFilter(status=ChildStatus.LEFT_BEHIND)
    our_pivots = {
        "street x age band": lambda: child_pivot(user, "street", "age_band", as_of=as_of),
        "street x sex": lambda: child_pivot(user, "street", "sex", as_of=as_of),
        "street x age band, protected (researcher)": lambda: child_pivot(
            researcher, "street", "age_band", as_of=as_of
        ),
        "street x age band x sex, left-behind": lambda: count_cells(
            region_ids, ["street", "age_band", "sex"], left_behind_only, as_of
        ),
    }
    lines = [
        f"statistics pivot ({len(frame)} children), baseline = pandas groupby on a loaded DataFrame "
        f"(loading it took {load_pandas * 1e3:.0f} ms; Tongyou's first read of its columns took "
        f"{load_ours * 1e3:.0f} ms; neither counted):"
    ]
    for name, pandas_pivot in pandas_pivots.items():
        t_pandas = best_of(pandas_pivot)
        t_ours = best_of(our_pivots[name])
        lines.append(
            f"  {name:<38} pandas {t_pandas * 1e3:7.1f} ms  Tongyou {t_ours * 1e3:7.1f} ms  "
            f"{t_pandas / t_ours:5.2f}x pandas' speed"
        )
    protected = child_pivot(researcher, "street", "age_band", as_of=as_of)
    banded = pandas_pivots["street x age band, protected (researcher)"]()
    assert sum(protected.counts.values()) == int(banded.sum())  # the same truth behind the figures
    ours = count_cells(region_ids, ["street", "age_band", "sex"], left_behind_only, as_of)
    theirs = pandas_pivots["street x age band x sex, left-behind"]()
    assert sum(ours.values()) == int(theirs.sum())
    lines += peer_lines(best_of, frame, edges, user, as_of)
    settings.DATAHUB_STATISTICS_IN_MEMORY = False
    t_sql = best_of(lambda: child_pivot(user, "street", "age_band", as_of=as_of), repeat=3)
    settings.DATAHUB_STATISTICS_IN_MEMORY = True
    lines += [f"  street x age band in SQL (for the record)  {t_sql * 1e3:7.1f} ms", ""]
    return lines


def peer_lines(best_of, frame, edges, user, as_of):
    """DuckDB and Polars on integer-coded columns (street index, sex 1/2, birth as a day number),
    the way a competent engineer would hold them for counting, and the floor (NumPy: the combined
    key and one `bincount` over columns already coded): each answer's cell counts asserted equal
    to Tongyou's before timing."""
    coded = pd.DataFrame(
        {
            "street": frame["street"].astype("category").cat.codes.astype("int16"),
            "sex": frame["sex"].astype("int8"),
            "birth": (frame["birth"] - pd.Timestamp("1970-01-01")).dt.days.astype("int32"),
        }
    )
    connection = duckdb.connect()
    connection.register("children", coded)
    polars_frame = pl.from_pandas(coded)
    days = [(edge - pd.Timestamp("1970-01-01")).days for edge in edges]
    # Bands are right-closed intervals between the edges (oldest first), as pd.cut(right=True)
    # makes them: a birth's band is how many inner edges lie before it.
    band_sql = " + ".join(f"(birth > {d})::INT" for d in days[1:-1])
    band_polars = pl.sum_horizontal([(pl.col("birth") > d).cast(pl.Int8) for d in days[1:-1]]).alias("band")
    in_bands = (pl.col("birth") > days[0]) & (pl.col("birth") <= days[-1])
    street = coded["street"].to_numpy().astype(np.intp)
    sex = coded["sex"].to_numpy().astype(np.intp)
    birth = coded["birth"].to_numpy()
    band = np.searchsorted(np.array(days), birth, side="left")  # 0: older, len: younger
    sexes, bands_n, streets_n = int(sex.max()) + 1, len(days) + 1, int(street.max()) + 1
    workloads = {
        "street x sex": (
            "SELECT street, sex, count(*) FROM children GROUP BY ALL",
            lambda: polars_frame.group_by("street", "sex").len().rows(),
            lambda: np.bincount(street * sexes + sex),
            "sex",
        ),
        "street x age band": (
            # (integers computed here, not input: nothing to inject)
            f"SELECT street, {band_sql} AS band, count(*) FROM children "  # noqa: S608
            f"WHERE birth > {days[0]} AND birth <= {days[-1]} GROUP BY ALL",
            lambda: polars_frame.filter(in_bands).group_by("street", band_polars).len().rows(),
            lambda: np.bincount(street * bands_n + band, minlength=streets_n * bands_n),
            "age_band",
        ),
    }
    lines = [
        "  against the strongest peers on integer-coded columns (ratio = peer's time / ours; "
        "> 1 means Tongyou is faster):"
    ]
    for name, (sql, polars_query, floor, column) in workloads.items():
        ours = sorted(n for n in child_pivot(user, "street", column, as_of=as_of).counts.values() if n)
        duck = connection.execute(sql).fetchall()
        assert sorted(n for *_key, n in duck if n) == ours, name
        assert sorted(n for *_key, n in polars_query() if n) == ours, name
        floor_counts = floor()
        if column == "age_band":  # the floor counts the two outer bands too: leave them out
            floor_counts = floor_counts.reshape(-1, bands_n)[:, 1:-1]
        assert sorted(int(n) for n in floor_counts.ravel() if n) == ours, name
        t_duck = best_of(lambda sql=sql: connection.execute(sql).fetchall())
        t_polars = best_of(polars_query)
        t_floor = best_of(floor)
        t_ours = best_of(lambda column=column: child_pivot(user, "street", column, as_of=as_of))

        def cold(column=column):  # the street and age-band columns derived again, as on a new day
            child_columns()._derived.clear()
            child_pivot(user, "street", column, as_of=as_of)

        t_cold = best_of(cold)
        lines.append(
            f"  {name:<20} DuckDB {t_duck * 1e3:6.2f} ms ({t_duck / t_ours:4.2f}x)  "
            f"Polars {t_polars * 1e3:6.2f} ms ({t_polars / t_ours:4.2f}x)  "
            f"floor {t_floor * 1e3:6.2f} ms  Tongyou {t_ours * 1e3:6.2f} ms "
            f"({t_ours / t_floor:4.2f}x the floor); derived columns recomputed {t_cold * 1e3:6.2f} ms "
            f"({t_duck / t_cold:4.2f}x DuckDB's speed)"
        )
    return lines
