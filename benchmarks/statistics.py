"""The statistics pivot (street x age band, and street x sex) against pandas groupby over the same
children already loaded in a DataFrame (pandas' load time is reported separately, not counted)."""

import datetime
import time

import pandas as pd

from tongyou.accounts.models import User
from tongyou.accounts.roles import Role
from tongyou.datahub.codes import AGE_BANDS
from tongyou.datahub.models import Child
from tongyou.datahub.services.filters import years_before
from tongyou.datahub.services.statistics import child_pivot
from tongyou.regions.models import Region

from .common import ensure_district


def run(best_of, children, **_):
    ensure_district(children)
    as_of = datetime.date.today()
    district = Region.objects.get(code="150104000000")
    user = User(username="bench", role=Role.CASEWORKER, jurisdiction=district)
    street_of = {
        pk: path.strip("/").split("/")[1]
        for pk, path in Region.objects.values_list("pk", "path")
        if path.count("/") > 2
    }
    start = time.perf_counter()
    frame = pd.DataFrame.from_records(
        Child.objects.values_list("residence_region_id", "birth_date", "sex"),
        columns=["region", "birth", "sex"],
    )
    frame["street"] = frame["region"].map(street_of)
    frame["birth"] = pd.to_datetime(frame["birth"])
    edges = [pd.Timestamp(years_before(as_of, hi + 1)) for _label, _lo, hi in reversed(AGE_BANDS)]
    edges.append(pd.Timestamp(as_of) + pd.Timedelta(days=1))
    labels = [label for label, _lo, _hi in reversed(AGE_BANDS)]
    load = time.perf_counter() - start

    def pandas_pivot(col):
        if col == "age_band":
            bands = pd.cut(frame["birth"], bins=edges, labels=labels, right=True)
            return frame.groupby([frame["street"], bands], observed=True).size()
        return frame.groupby(["street", col]).size()

    lines = [
        f"statistics pivot ({len(frame)} children), baseline = pandas groupby on a loaded DataFrame "
        f"(loading it took {load * 1e3:.0f} ms, not counted):"
    ]
    for col in ("age_band", "sex"):
        ours = child_pivot(user, "street", col, as_of=as_of)
        theirs = pandas_pivot(col)
        assert ours.grand_total == int(theirs.sum()) or col == "age_band"
        t_pandas = best_of(lambda c=col: pandas_pivot(c))
        t_ours = best_of(lambda c=col: child_pivot(user, "street", c, as_of=as_of))
        lines.append(
            f"  street x {col:<9} pandas {t_pandas * 1e3:7.1f} ms  Tongyou {t_ours * 1e3:7.1f} ms  "
            f"{t_pandas / t_ours:5.2f}x pandas' speed"
        )
    lines.append("")
    return lines
