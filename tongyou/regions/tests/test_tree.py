import pytest

from tongyou.regions.models import Region

pytestmark = pytest.mark.django_db


def test_the_district_has_its_real_streets_and_town():
    streets = dict(Region.objects.filter(level=Region.Level.STREET).values_list("code", "name"))
    assert streets == {
        "150104001000": "小召前街街道",
        "150104002000": "兴隆巷街道",
        "150104003000": "长和廊街道",
        "150104004000": "石东路街道",
        "150104005000": "大南街街道",
        "150104006000": "鄂尔多斯路街道",
        "150104007000": "西菜园街道",
        "150104008000": "昭君路街道",
        "150104100000": "小黑河镇",
        "150104400000": "裕隆工业园区",
    }


def test_community_and_village_counts_match_the_district_profile():
    communities = Region.objects.filter(level=Region.Level.COMMUNITY)
    assert communities.filter(kind=Region.Kind.COMMUNITY).count() == 83
    assert communities.filter(kind=Region.Kind.VILLAGE).count() == 50


def test_codes_follow_the_statistical_coding_rules():
    for region in Region.objects.exclude(level=Region.Level.GRID):
        region.full_clean()
        assert region.code.startswith("150104") and len(region.code) == 12
    for village in Region.objects.filter(kind=Region.Kind.VILLAGE):
        assert 200 <= int(village.code[9:]) <= 399
    for community in Region.objects.filter(kind=Region.Kind.COMMUNITY):
        assert 1 <= int(community.code[9:]) <= 199


def test_placeholders_and_approximations_are_marked():
    assert not Region.objects.filter(level=Region.Level.COMMUNITY, name_is_official=True).exists()
    assert Region.objects.filter(level=Region.Level.STREET, name_is_official=True).count() == 10
    assert not Region.objects.filter(location_is_approximate=False).exists()
    assert all("（示意）" in n for n in Region.objects.filter(level=3).values_list("name", flat=True))


def test_boundaries_are_closed_polygons_around_the_centroid():
    for region in Region.objects.filter(level__lte=Region.Level.COMMUNITY):
        ring = region.boundary["coordinates"][0]
        assert region.boundary["type"] == "Polygon" and ring[0] == ring[-1]
        lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
        assert min(lats) < region.centroid_lat < max(lats) and min(lngs) < region.centroid_lng < max(lngs)


def test_subtree_is_a_path_prefix():
    street = Region.objects.get(code="150104001000")
    subtree = street.subtree()
    assert subtree.filter(level=Region.Level.COMMUNITY).count() == 10
    assert subtree.filter(level=Region.Level.GRID).count() == 30
    assert street.contains(Region.objects.get(code="150104001001001"))
    assert not street.contains(Region.objects.get(code="150104002001001"))
    assert Region.objects.get(code="150104001001001").ancestor_at(Region.Level.STREET) == street


def test_loading_twice_changes_nothing():
    from tongyou.regions.services import load_regions

    before = Region.objects.count()
    load_regions()
    assert Region.objects.count() == before


def test_boundaries_are_served_as_geojson_without_login(client):
    data = client.get("/regions/boundaries.geojson").json()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 10
    assert all(f["properties"]["approximate"] for f in data["features"])
    communities = client.get("/regions/boundaries.geojson", {"level": 3}).json()["features"]
    assert len(communities) == 133


def test_map_page_uses_the_local_leaflet(client):
    page = client.get("/regions/map/").content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in page and 'data-tiles=""' in page


def write_csv(tmp_path, text):
    path = tmp_path / "official.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_official_list_replaces_placeholder_names(tmp_path):
    from tongyou.regions.services import load_official_communities

    path = write_csv(
        tmp_path, "code,name\n150104001001,大召社区\n150104100200,测试村\n150104001015,新建社区\n"
    )
    updated, created, unlisted = load_official_communities(path)
    assert (updated, created) == (2, 1)
    renamed = Region.objects.get(code="150104001001")
    assert renamed.name == "大召社区" and renamed.name_is_official
    assert Region.objects.get(code="150104001015").children.count() == 3
    assert "150104001002" in unlisted and "150104001001" not in unlisted


def test_a_bad_official_list_names_every_fault_and_changes_nothing(tmp_path):
    from tongyou.regions.services import OfficialListError, load_official_communities

    path = write_csv(
        tmp_path,
        "code,name\n150104001001,大召社区\n15010400100,短码\n150105001001,外区\n150104009001,无街道\n"
        "150104001001,重复\n150104001002,\n",
    )
    with pytest.raises(OfficialListError) as info:
        load_official_communities(path)
    faults = {(e.line, e.message) for e in info.value.errors}
    assert [line for line, _ in sorted(faults)] == [3, 4, 5, 6, 7]
    assert any("12" in m for _, m in faults) and any("150104009000" in m for _, m in faults)
    assert Region.objects.get(code="150104001001").name_is_official is False


@pytest.mark.django_db
def test_a_point_is_located_in_the_community_whose_boundary_holds_it(client):
    from tongyou.regions.services import locate

    community = Region.objects.filter(level=Region.Level.COMMUNITY, boundary__isnull=False).first()
    lat, lng = float(community.centroid_lat), float(community.centroid_lng)
    assert locate(lat, lng) == community
    answer = client.get("/regions/locate.json", {"lat": lat, "lng": lng}).json()
    assert answer["found"] and answer["id"] == community.pk
    # Far outside every boundary: the nearest community still answers.
    assert locate(lat + 0.5, lng) is not None
    assert client.get("/regions/locate.json", {"lat": "x", "lng": "1"}).status_code == 400
    assert client.get("/regions/locate.json", {"lat": "95", "lng": "1"}).status_code == 400
