"""The region tree read once, for computations that roll counts up from grids to the district."""

from collections.abc import Mapping

from .models import Region


class RegionTree:
    """Region ids by code and the codes above each region, read once."""

    def __init__(self) -> None:
        self.paths: dict[int, str] = dict(Region.objects.values_list("pk", "path"))
        self.by_code: dict[str, int] = dict(Region.objects.values_list("code", "pk"))
        self.district: int = Region.objects.get(level=Region.Level.DISTRICT).pk

    def areas_of(self, region_id: int) -> list[int]:
        """The district, street and community a grid or region lies in (as far as it goes)."""
        return [self.by_code[code] for code in self.paths[region_id].strip("/").split("/")[:3]]

    def roll_up[N: (int, float)](self, counts: Mapping[int, N]) -> dict[int, N]:
        """{grid or region id: n} → {district, street and community id: total}."""
        totals: dict[int, N] = {}
        for region_id, n in counts.items():
            for region in self.areas_of(region_id):
                totals[region] = totals.get(region, 0) + n
        return dict(totals)


def community_path(path: str) -> str:
    """The path of the community a region path lies in (its first three levels)."""
    return "/" + "/".join(path.strip("/").split("/")[:3]) + "/"


def areas_having(region_ids: set[int], level: int) -> dict[int, int]:
    """For each area of `level` (streets or communities): 1 if one of `region_ids` lies in it,
    else 0."""
    paths = list(Region.objects.filter(pk__in=region_ids).values_list("path", flat=True))
    return {
        pk: int(any(p.startswith(path) for p in paths))
        for pk, path in Region.objects.filter(level=level).values_list("pk", "path")
    }


def share_of_areas(tree: RegionTree, having: dict[int, int]) -> tuple[dict[int, int], dict[int, int]]:
    return tree.roll_up(having), tree.roll_up(dict.fromkeys(having, 1))


def areas_within(path: str | None) -> list[Region]:
    """The district, streets and communities at or below `path` (a user's jurisdiction), in tree
    order: the areas a form offers."""
    return list(
        Region.objects.filter(
            path__startswith=path or "-",
            level__in=(Region.Level.DISTRICT, Region.Level.STREET, Region.Level.COMMUNITY),
        ).order_by("path")
    )
