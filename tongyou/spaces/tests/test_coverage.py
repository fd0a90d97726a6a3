"""Coverage counted by hand: grid centres, a facility, the radius over the detour factor."""

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tongyou.accounts.roles import Role
from tongyou.core.geo import distance_km
from tongyou.datahub.services.columns import child_columns
from tongyou.regions.models import Region
from tongyou.spaces import coverage
from tongyou.spaces.models import Facility
from tongyou.tests.factories import PNG_BYTES, ChildFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
COUNTED_GRIDS = ["150104001001001", "150104001002001", "150104002001001"]


def kids(grid, count, age):
    birth = TODAY.replace(year=TODAY.year - age) - datetime.timedelta(days=40)
    for _ in range(count):
        ChildFactory(residence_region=grid, birth_date=birth)


def test_kindergarten_coverage_matches_a_hand_count(settings):
    settings.SPACES_DETOUR_FACTOR = 1.0
    near, far = Region.objects.get(code="150104001001001"), Region.objects.get(code="150104002001001")
    kids(near, 3, 4)
    kids(far, 2, 5)
    kids(near, 4, 9)  # primary age: not counted for kindergartens
    lat, lng = float(near.centroid_lat), float(near.centroid_lng)
    Facility.objects.create(
        name="第一幼儿园", kind="kindergarten_public", region=near.parent, latitude=lat + 0.001, longitude=lng
    )
    assert (
        distance_km(lat, lng, lat + 0.001, lng)
        < 0.3
        < distance_km(lat, lng, float(far.centroid_lat), float(far.centroid_lng))
    )
    areas, uncovered = coverage.coverage("kindergarten", TODAY)
    by_code = {a.code: (a.children, a.covered, a.share) for a in areas}
    assert by_code == {"150104001000": (3, 3, 100.0), "150104002000": (2, 0, 0.0)}
    assert areas[0].code == "150104002000"  # the worst street first
    assert uncovered == [far.pk]


def test_the_detour_factor_shrinks_the_reach(settings):
    grid = Region.objects.get(code="150104001001001")
    kids(grid, 2, 4)
    lat, lng = float(grid.centroid_lat), float(grid.centroid_lng)
    Facility.objects.create(
        name="幼儿园", kind="kindergarten_inclusive", region=grid.parent, latitude=lat + 0.0025, longitude=lng
    )
    settings.SPACES_DETOUR_FACTOR = 1.0  # 278 m in a straight line: within 300 m
    assert coverage.coverage("kindergarten", TODAY)[0][0].covered == 2
    settings.SPACES_DETOUR_FACTOR = 1.3  # as walked: about 361 m
    assert coverage.coverage("kindergarten", TODAY)[0][0].covered == 0


def test_the_facility_map_is_public_and_coverage_is_for_planners_in_their_area(client_for):
    grid = Region.objects.get(code="150104001001001")
    Facility.objects.create(
        name="母婴室", kind="mother_baby_room", region=grid.parent, latitude=40.79, longitude=111.65
    )
    public = Client()
    assert public.get("/spaces/").status_code == 200
    assert public.get("/spaces/facilities.geojson").json()["features"][0]["properties"]["name"] == "母婴室"
    assert public.get("/spaces/coverage/").status_code == 302
    kids(grid, 6, 4)
    kids(Region.objects.get(code="150104002001001"), 6, 4)
    street = client_for(Role.STREET_OFFICER, "150104001000")
    page = street.get("/spaces/coverage/?group=kindergarten").content.decode()
    assert 'data-code="150104001000"' in page and 'data-code="150104002000"' not in page
    assert client_for(Role.VENUE_STAFF, "150104001001").get("/spaces/coverage/").status_code == 403


def test_a_failed_mother_baby_room_item_becomes_a_rectification_due(client_for):
    from tongyou.spaces.models import Finding

    room = Facility.objects.create(
        name="万达广场母婴室",
        kind="mother_baby_room",
        region=Region.objects.get(code="150104001001"),
        latitude=40.79,
        longitude=111.65,
    )
    officer = client_for(Role.UNIT_OFFICER)
    all_but_lock = ["space", "changing_table", "seat", "basin", "bin", "socket", "sign", "call"]
    officer.post(f"/spaces/facilities/{room.pk}/", {"passed": all_but_lock})
    failed = Finding.objects.get(passed=False)
    assert failed.item.code == "lock" and failed.rectify_by > TODAY
    page = officer.get("/spaces/rectifications/").content.decode()
    assert "可从内部锁闭的门" in page and "万达广场母婴室" in page
    assert 'id="meets"' in officer.get(f"/spaces/facilities/{room.pk}/").content.decode()
    officer.post("/spaces/rectifications/", {"finding": failed.pk})
    from tongyou.spaces.inspections import meets_standard

    assert meets_standard(room) is True
    other_street = client_for(Role.STREET_OFFICER, "150104002000")
    assert "万达广场母婴室" not in other_street.get("/spaces/rectifications/").content.decode()


def test_play_areas_not_inspected_within_the_interval_are_listed(make_user):
    from tongyou.spaces import inspections

    park = Facility.objects.create(
        name="口袋公园游乐场",
        kind="play_area",
        region=Region.objects.get(code="150104001001"),
        latitude=40.79,
        longitude=111.65,
    )
    officer = make_user(Role.UNIT_OFFICER)
    assert inspections.overdue_monitoring(Facility.objects.all()) == [park]
    inspections.record_inspection(
        park,
        officer,
        {"surface", "equipment", "edges", "sign", "shade"},
        on=TODAY - datetime.timedelta(days=200),
    )
    assert inspections.overdue_monitoring(Facility.objects.all()) == [park]
    inspections.record_inspection(park, officer, {"surface", "equipment", "edges", "sign", "shade"})
    assert inspections.overdue_monitoring(Facility.objects.all()) == []


def test_the_best_sites_cover_the_most_children_one_after_another(settings, client_for):
    settings.SPACES_DETOUR_FACTOR = 1.0
    a, b, c = (Region.objects.get(code=f"15010400{n}001001") for n in (1, 2, 3))
    kids(a, 5, 4)
    kids(b, 3, 4)
    kids(c, 1, 4)
    sites = coverage.best_sites("kindergarten", 2, TODAY)
    assert [(s.code, s.newly_covered) for s in sites] == [(a.code, 5), (b.code, 3)]
    planner = client_for(Role.COORDINATOR)
    csv_text = planner.get("/spaces/coverage/sites/?group=kindergarten&n=3&format=csv").content.decode(
        "utf-8-sig"
    )
    assert csv_text.splitlines()[1].startswith(f"1,{a.code},")
    geo = planner.get("/spaces/coverage/sites/?group=kindergarten&n=3&format=geojson").json()
    assert [f["properties"]["grid"] for f in geo["features"]] == [a.code, b.code, c.code]
    # The office reads aggregates: children newly reached are protected figures, never an exact 1.
    assert all(n == "<5" or 5 <= n <= 10 for n in (f["properties"]["newly_covered"] for f in geo["features"]))
    street = client_for(Role.STREET_OFFICER, "150104002000")  # only sites in its own street
    assert [
        f["properties"]["grid"]
        for f in street.get("/spaces/coverage/sites/?format=geojson").json()["features"]
    ] == [b.code]


def test_the_density_layer_counts_by_grid_hides_small_counts_and_stays_in_the_area(client_for):
    a, b = Region.objects.get(code="150104001001001"), Region.objects.get(code="150104001002001")
    kids(a, 6, 4)
    kids(b, 2, 4)
    kids(Region.objects.get(code="150104002001001"), 7, 4)
    researcher = client_for(Role.RESEARCHER, "150104001000")
    shown = researcher.get("/spaces/coverage/density.geojson?group=kindergarten").json()["features"]
    # Street 1 only; the grid of 2 never shows as 2; the grid of 6 shows near 6, or not at all.
    assert all(5 <= f["properties"]["children"] <= 11 and not f["properties"]["covered"] for f in shown)
    assert len(shown) <= 2
    caseworker = client_for(Role.CASEWORKER, "150104001000")
    counts = sorted(
        f["properties"]["children"]
        for f in caseworker.get("/spaces/coverage/density.geojson").json()["features"]
    )
    assert counts == [2, 6]


def test_the_full_table_covers_every_group_in_one_pass(settings, django_assert_max_num_queries):
    """Ten groups, each with its own ages and radius, counted by hand for two grids."""
    settings.SPACES_DETOUR_FACTOR = 1.0
    near, far = Region.objects.get(code="150104001001001"), Region.objects.get(code="150104002001001")
    kids(near, 2, 1)  # nursery, play, children's home, paediatrics, mother-baby room
    kids(near, 3, 8)  # primary, play, children's home, library, sports, paediatrics
    kids(far, 4, 13)  # middle, children's home, library, sports, paediatrics
    lat, lng = float(near.centroid_lat), float(near.centroid_lng)
    for kind, north in (
        ("primary", 0.004),
        ("middle", 0.004),
        ("pocket_park", 0.001),
        ("mother_baby_room", 0.006),
    ):
        Facility.objects.create(name=kind, kind=kind, region=near.parent, latitude=lat + north, longitude=lng)
    # 445 m: within a primary school's 500 m and a middle school's 1,000 m, not a park's 300 m;
    # 111 m to the park; 667 m to the mother-baby room (500 m).
    child_columns()  # the data hub's in-memory children, read once per process
    with django_assert_max_num_queries(8) as queries:
        table = coverage.coverage_table(TODAY, levels=(Region.Level.STREET,))
    assert not [q for q in queries.captured_queries if '"datahub_child"' in q["sql"]]  # counted in memory
    assert set(table) == set(coverage.GROUPS)

    def street(group, code):
        return next(
            ((a.children, a.covered) for a in table[group][Region.Level.STREET] if a.code == code), None
        )

    assert street("primary", "150104001000") == (3, 3)
    assert street("middle", "150104002000") == (4, 0)
    assert street("play", "150104001000") == (5, 5)
    assert street("mother_baby_room", "150104001000") == (2, 0)
    assert street("nursery", "150104001000") == (2, 0)
    assert street("kindergarten", "150104001000") is None  # nobody aged 3–5
    assert street("childrens_home", "150104002000") == (4, 0)


def test_the_coverage_page_lists_every_facility_type_and_hides_small_counts(client_for):
    grid = Region.objects.get(code="150104001001001")
    kids(grid, 3, 4)
    planner = client_for(Role.COORDINATOR)
    page = planner.get("/spaces/coverage/?group=primary").content.decode()
    assert page.count('data-group="') == len(coverage.GROUPS)
    assert "儿科医疗服务" in page and "直线距离×绕行系数1.3" in page
    researcher = client_for(Role.RESEARCHER)
    summary = researcher.get("/spaces/coverage/").content.decode().split('id="coverage-summary"')[1]
    kindergarten_row = summary.split('data-group="kindergarten"')[1].split("</tr>")[0]
    assert "&lt;5" in kindergarten_row and ">3<" not in kindergarten_row


def test_inspectors_find_the_facilities_of_their_area(client_for, make_user):
    from tongyou.spaces.inspections import record_inspection

    mine = Facility.objects.create(
        name="万达广场母婴室",
        kind="mother_baby_room",
        region=Region.objects.get(code="150104001001"),
        latitude=40.79,
        longitude=111.65,
    )
    Facility.objects.create(
        name="火车站母婴室",
        kind="mother_baby_room",
        region=Region.objects.get(code="150104002001"),
        latitude=40.79,
        longitude=111.65,
    )
    record_inspection(mine, make_user(Role.STREET_OFFICER, "150104001000"), {"space"})
    street = client_for(Role.STREET_OFFICER, "150104001000")
    page = street.get("/spaces/facilities/?kind=mother_baby_room").content.decode()
    assert "万达广场母婴室" in page and "火车站母婴室" not in page
    assert '<span class="badge overdue">8</span>' in page  # nine items, one passed
    assert client_for(Role.RESEARCHER).get("/spaces/facilities/").status_code == 403
    assert Client().get("/spaces/facilities/").status_code == 302


def test_the_public_sees_a_facility_and_its_photos_staff_add_photos_and_see_inspections(
    client_for, make_user
):
    from tongyou.spaces.inspections import record_inspection

    room = Facility.objects.create(
        name="万达广场母婴室",
        kind="mother_baby_room",
        region=Region.objects.get(code="150104001001"),
        latitude=40.79,
        longitude=111.65,
        opening_hours="10:00–22:00",
        accessible=True,
    )
    record_inspection(room, make_user(Role.STREET_OFFICER, "150104001000"), {"space"})
    public = Client()
    page = public.get(f"/spaces/facilities/{room.pk}/").content.decode()
    assert "10:00–22:00" in page and "无障碍" in page and "检查记录" not in page
    assert public.post(f"/spaces/facilities/{room.pk}/", {"passed": ["space"]}).status_code == 403
    street = client_for(Role.STREET_OFFICER, "150104001000")
    png = PNG_BYTES
    photo = io.BytesIO(png)
    photo.name = "room.png"
    street.post(f"/spaces/facilities/{room.pk}/", {"photo": photo, "caption": "入口"})
    stored = room.photos.get()
    assert stored.content_type == "image/png" and stored.caption == "入口"
    assert public.get(f"/spaces/facilities/{room.pk}/photos/{stored.pk}").content == png
    fake = io.BytesIO(b"MZ not an image")
    fake.name = "room.png"
    assert (
        "JPEG" in street.post(f"/spaces/facilities/{room.pk}/", {"photo": fake}, follow=True).content.decode()
    )
    assert room.photos.count() == 1
    other = client_for(Role.STREET_OFFICER, "150104002000")  # another street: may look, not add
    assert other.post(f"/spaces/facilities/{room.pk}/", {"photo": io.BytesIO(png)}).status_code == 403
    assert "检查记录" not in other.get(f"/spaces/facilities/{room.pk}/").content.decode()
    assert "检查记录" in street.get(f"/spaces/facilities/{room.pk}/").content.decode()


def test_no_total_gives_a_hidden_coverage_count_away(settings, client_for):
    """Street 1: 10 children aged 3–5, 7 within reach, 3 not; street 2: 8 children, all within
    reach. Showing 10 and 7 would give the hidden 3 away."""
    settings.SPACES_DETOUR_FACTOR = 1.0
    near1, far1 = Region.objects.get(code="150104001001001"), Region.objects.get(code="150104001005001")
    near2 = Region.objects.get(code="150104002001001")
    kids(near1, 7, 4)
    kids(far1, 3, 4)
    kids(near2, 8, 4)
    for grid in (near1, near2):
        Facility.objects.create(
            name="幼儿园",
            kind="kindergarten_public",
            region=grid.parent,
            latitude=float(grid.centroid_lat),
            longitude=float(grid.centroid_lng),
        )
    page = client_for(Role.RESEARCHER).get("/spaces/coverage/?group=kindergarten").content.decode()
    street1 = page.split('data-code="150104001000">')[1].split("</tr>")[0]
    figures = [cell.split("</td>")[0] for cell in street1.split('<td class="num">')[1:4]]
    # The 3 is never shown; the 10 and 7 are perturbed on their own, so 10 − 7 says nothing.
    assert "3" not in figures and all(f == "&lt;5" or int(f) >= 5 for f in figures)
    assert figures[:2] != ["10", "7"] or figures[2] == "&lt;5"
    caseworker = client_for(Role.CASEWORKER).get("/spaces/coverage/?group=kindergarten").content.decode()
    street1 = caseworker.split('data-code="150104001000">')[1].split("</tr>")[0]
    assert [cell.split("</td>")[0] for cell in street1.split('<td class="num">')[1:4]] == ["10", "7", "3"]


@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    births=st.lists(
        st.tuples(
            st.sampled_from(COUNTED_GRIDS), st.dates(datetime.date(2004, 1, 1), datetime.date(2025, 3, 1))
        ),
        max_size=30,
    ),
    as_of=st.sampled_from(
        [datetime.date(2024, 2, 29), datetime.date(2025, 2, 28), datetime.date(2025, 3, 1), TODAY]
    ),
    signatures=st.booleans(),
)
def test_counting_in_memory_gives_the_database_answer(settings, births, as_of, signatures):
    """Coverage counts each group's ages from the data hub's in-memory columns; the database's
    count is the reference (birthdays on 29 February and the group edges included)."""
    from tongyou.datahub.models import Child

    Child.objects.all().delete()
    grids = {r.code: r for r in Region.objects.filter(code__in=COUNTED_GRIDS)}
    for code, birth in births:
        ChildFactory(residence_region=grids[code], birth_date=birth)
    settings.DATAHUB_STATISTICS_IN_MEMORY = True
    in_memory = coverage.grid_counts_by_group(as_of, signatures=signatures)
    settings.DATAHUB_STATISTICS_IN_MEMORY = False
    in_database = coverage.grid_counts_by_group(as_of, signatures=signatures)
    assert in_memory == in_database
