"""Placeholder boundaries are shapes that tile their parent: a point on the map lies in exactly
one street, one community and one grid, and each region's centre lies in its own shape."""

import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tongyou.regions import shapes
from tongyou.regions.models import Region
from tongyou.regions.services import locate

pytestmark = pytest.mark.django_db
PLANE = shapes.Plane(40.754, 111.674)


def shape_of(region):
    return shapes.from_geojson(region.boundary)


def assert_tiles(parent, cells):
    """The cells cover the parent and overlap nowhere (beyond rounding to 10 cm)."""
    union = shapely.union_all(cells)
    assert abs(union.area - parent.area) <= parent.area * 1e-4
    assert abs(sum(c.area for c in cells) - union.area) <= parent.area * 1e-4
    assert all(c.is_valid and not c.is_empty for c in cells)


@pytest.mark.parametrize("level", [Region.Level.STREET, Region.Level.COMMUNITY])
def test_each_region_is_divided_among_its_children_without_overlap(level):
    for parent in Region.objects.filter(level=level - 1):
        children = [shape_of(c) for c in parent.children.all()]
        if children:
            assert_tiles(shape_of(parent), children)


def test_grids_divide_their_community_without_overlap():
    for community in Region.objects.filter(level=Region.Level.COMMUNITY)[:40]:
        assert_tiles(shape_of(community), [shape_of(g) for g in community.children.all()])


def test_a_point_at_each_communitys_centre_is_located_in_that_community():
    communities = Region.objects.filter(level=Region.Level.COMMUNITY)
    for community in communities:
        assert locate(*community.centre) == community


def test_street_shapes_hold_the_street_seats_they_are_drawn_around():
    for street in Region.objects.filter(level=Region.Level.STREET):
        lat, lng = street.centre
        assert shape_of(street).contains(shapely.Point(lng, lat)), street.name


def test_an_official_community_added_to_a_street_gets_its_own_share(tmp_path):
    from tongyou.regions.services import load_official_communities

    path = tmp_path / "official.csv"
    path.write_text("code,name\n150104001011,新建社区\n", encoding="utf-8")
    load_official_communities(path)
    street = Region.objects.get(code="150104001000")
    communities = list(street.children.all())
    assert len(communities) == 11
    assert_tiles(shape_of(street), [shape_of(c) for c in communities])
    added = Region.objects.get(code="150104001011")
    assert added.children.count() == 3 and locate(*added.centre) == added


convex_parents = st.lists(
    st.tuples(st.floats(111.55, 111.80), st.floats(40.65, 40.85)), min_size=3, max_size=12
).map(lambda points: shapely.MultiPoint(points).convex_hull)


@settings(max_examples=60, deadline=None)
@given(parent=convex_parents, count=st.integers(1, 30))
def test_any_convex_area_is_cut_into_as_many_cells_as_asked(parent, count):
    assume(isinstance(parent, shapely.Polygon) and parent.area > 1e-6)  # a line has no area
    cells = shapes.tessellate(parent, shapes.spread(parent, count, PLANE), PLANE)
    assert len(cells) == count
    assert_tiles(parent, cells)
