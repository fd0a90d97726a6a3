"""Jurisdiction scoping cost: scoped() (region subtree subquery by path prefix, then the indexed
foreign key) against walking the region tree in Python and filtering by the collected ids, and
against a path-prefix match through the join (the first design, kept here as a second baseline)."""

from tongyou.accounts.models import User
from tongyou.accounts.roles import Role
from tongyou.core.scoping import scoped
from tongyou.datahub.models import Child
from tongyou.regions.models import Region

from .common import ensure_district


def subtree_ids(region):
    ids, frontier = [region.pk], [region.pk]
    while frontier:
        frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def run(best_of, children, **_):
    ensure_district(children)
    lines = [f"jurisdiction scoping ({Child.objects.count()} children), baselines: tree walk, join prefix:"]
    for code in ("150104001001", "150104001000", "150104000000"):
        region = Region.objects.get(code=code)
        user = User(username="bench", role=Role.STREET_OFFICER, jurisdiction=region)
        user.approved_grant = user.grant  # a role acts only once its grant is approved (accounts/access.py)
        scoped_count = scoped(Child.objects.all(), user).count()
        baseline_count = Child.objects.filter(residence_region_id__in=subtree_ids(region)).count()
        assert scoped_count == baseline_count
        t_scoped = best_of(lambda u=user: scoped(Child.objects.all(), u).count())
        t_base = best_of(
            lambda r=region: Child.objects.filter(residence_region_id__in=subtree_ids(r)).count()
        )
        t_join = best_of(
            lambda r=region: Child.objects.filter(residence_region__path__startswith=r.path).count()
        )
        lines.append(
            f"  {region.code} {scoped_count:>7} children  tree walk {t_base * 1e3:6.2f} ms  "
            f"join prefix {t_join * 1e3:6.2f} ms  scoped {t_scoped * 1e3:6.2f} ms  "
            f"({t_base / t_scoped:4.2f}x faster than the tree walk, {t_join / t_scoped:4.2f}x than the join)"
        )
    lines.append("")
    return lines
