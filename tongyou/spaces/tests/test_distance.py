"""Walking distance: the k-d tree agrees with haversine, and a loaded street network changes who is
covered (counted by hand along the streets)."""

import datetime

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tongyou.core.geo import haversine_km
from tongyou.regions.models import Region
from tongyou.spaces import coverage
from tongyou.spaces.distance import StraightLine, current_measure
from tongyou.spaces.models import Facility, StreetNetwork
from tongyou.tests.factories import ChildFactory

TODAY = timezone.localdate()
LAT, LNG = 40.80, 111.66
NORTH_222_M = 0.002  # degrees of latitude ≈ 222 m
EAST_253_M = 0.003  # degrees of longitude at 40.8°N ≈ 253 m


@hsettings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(40.7, 40.9), st.floats(111.5, 111.8)), min_size=1, max_size=30),
    st.lists(st.tuples(st.floats(40.7, 40.9), st.floats(111.5, 111.8)), min_size=1, max_size=30),
    st.integers(50, 5000),
    st.sampled_from([1.0, 1.3]),
)
def test_the_kd_tree_finds_exactly_the_points_haversine_finds(facilities, points, radius, detour):
    reached = StraightLine(detour).reached(facilities, points, radius)
    fac = np.array(facilities)
    expected = [
        bool((haversine_km(lat, lng, fac[:, 0], fac[:, 1]) * 1000 * detour <= radius * (1 - 1e-7)).any())
        for lat, lng in points
    ]
    borderline = [
        abs(haversine_km(lat, lng, fac[:, 0], fac[:, 1]) * 1000 * detour - radius).min() < 1e-3
        for lat, lng in points
    ]
    assert [r for r, b in zip(reached, borderline, strict=True) if not b] == [
        e for e, b in zip(expected, borderline, strict=True) if not b
    ]


def test_neighbourhoods_are_the_points_within_reach():
    points = [(LAT, LNG), (LAT + NORTH_222_M, LNG), (LAT + 3 * NORTH_222_M, LNG)]
    hoods = StraightLine(1.0).neighbourhoods(points, 300)
    assert [sorted(h.tolist()) for h in hoods] == [[0, 1], [0, 1], [2]]


def osm_file(tmp_path, nodes, ways, name="streets.osm"):
    """A small OpenStreetMap XML extract: nodes {id: (lat, lng)}, ways [(node ids, highway)]."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="tongyou-tests">']
    lines += [
        f'<node id="{n}" version="1" lat="{lat:.7f}" lon="{lng:.7f}"/>' for n, (lat, lng) in nodes.items()
    ]
    for number, (refs, highway) in enumerate(ways, start=100):
        lines.append(f'<way id="{number}" version="1">')
        lines += [f'<nd ref="{r}"/>' for r in refs]
        lines.append(f'<tag k="highway" v="{highway}"/></way>')
    lines.append("</osm>")
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def river(db):
    """A grid with three 4-year-olds, and a kindergarten 222 m north across a river: on foot, east
    253 m to a bridge, north 222 m, west 253 m back (728 m)."""
    grid = Region.objects.get(code="150104001001001")
    lat, lng = float(grid.centroid_lat), float(grid.centroid_lng)
    birth = TODAY.replace(year=TODAY.year - 4) - datetime.timedelta(days=40)
    for _ in range(3):
        ChildFactory(residence_region=grid, birth_date=birth)
    Facility.objects.create(
        name="河北幼儿园",
        kind="kindergarten_public",
        region=grid.parent,
        latitude=lat + NORTH_222_M,
        longitude=lng,
    )
    nodes = {
        1: (lat, lng),
        2: (lat, lng + EAST_253_M),
        3: (lat + NORTH_222_M, lng + EAST_253_M),
        4: (lat + NORTH_222_M, lng),
    }
    return grid, nodes


def covered_children():
    return sum(a.covered for a in coverage.coverage("kindergarten", TODAY)[0])


def test_along_the_streets_a_kindergarten_across_the_river_is_out_of_reach(river, tmp_path, settings):
    _grid, nodes = river
    assert covered_children() == 3  # 222 m × 1.3 = 289 m in a straight line
    path = osm_file(tmp_path, nodes, [([1, 2, 3, 4], "residential")])
    call_command("load_street_network", str(path), "--name", "玉泉区路网")
    assert current_measure().kind == "network"
    assert covered_children() == 0  # 728 m along the streets
    settings.SPACES_SERVICE_RADII = {"kindergarten": 730}
    assert covered_children() == 3
    settings.SPACES_SERVICE_RADII = {"kindergarten": 720}
    assert covered_children() == 0


def test_a_footbridge_brings_it_back_within_reach_and_motorways_are_not_walked(river, tmp_path):
    _grid, nodes = river
    bridge = osm_file(tmp_path, nodes, [([1, 2, 3, 4], "residential"), ([1, 4], "footway")])
    call_command("load_street_network", str(bridge))
    assert covered_children() == 3
    motorway = osm_file(tmp_path, nodes, [([1, 2, 3, 4], "residential"), ([1, 4], "motorway")], "m.osm")
    call_command("load_street_network", str(motorway))
    assert StreetNetwork.objects.count() == 1  # the new network replaces the old
    assert covered_children() == 0
    call_command("load_street_network", "--clear")
    assert current_measure().kind == "straight"
    assert covered_children() == 3


def test_a_file_without_streets_is_refused_and_the_old_network_stays(river, tmp_path):
    _grid, nodes = river
    call_command("load_street_network", str(osm_file(tmp_path, nodes, [([1, 2, 3, 4], "residential")])))
    empty = osm_file(tmp_path, nodes, [([1, 4], "motorway")], "empty.osm")
    with pytest.raises(CommandError, match="没有可步行的道路"):
        call_command("load_street_network", str(empty))
    garbage = tmp_path / "garbage.osm"
    garbage.write_text("not xml", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_street_network", str(garbage))
    assert StreetNetwork.objects.get().name == "streets.osm"


def test_site_suggestions_follow_the_streets(river, tmp_path):
    """Two uncovered grids 222 m apart across the river: in a straight line one site covers both;
    along the streets (728 m) it covers one."""
    grid, nodes = river
    Facility.objects.all().delete()
    other = Region.objects.filter(level=Region.Level.GRID).exclude(pk=grid.pk).first()
    other.centroid_lat, other.centroid_lng = nodes[4]
    other.save()
    birth = TODAY.replace(year=TODAY.year - 5) - datetime.timedelta(days=40)
    for _ in range(2):
        ChildFactory(residence_region=other, birth_date=birth)
    [site] = coverage.best_sites("kindergarten", 1, TODAY)
    assert site.newly_covered == 5
    call_command("load_street_network", str(osm_file(tmp_path, nodes, [([1, 2, 3, 4], "residential")])))
    first, second = coverage.best_sites("kindergarten", 2, TODAY)
    assert (first.newly_covered, second.newly_covered) == (3, 2)
