"""A user outside a child's jurisdiction cannot see the child by any route:
list, search, detail URL, API, export or statistic."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tongyou.accounts.roles import Role
from tongyou.core.scoping import scoped
from tongyou.datahub.models import Child
from tongyou.regions.models import Region
from tongyou.tests.factories import export_children, search_page

pytestmark = pytest.mark.django_db

OWN = "150104001001"  # 小召前街第1社区
OTHER_STREET = "150104002000"


def exported_names(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)}


def test_director_sees_own_community_child_everywhere(client_for, two_communities):
    here, _ = two_communities
    c = client_for(Role.CHILD_DIRECTOR, OWN)
    assert here.pk in [row["child"].pk for row in c.get("/datahub/children/").context["rows"]]
    assert c.get(f"/datahub/children/{here.pk}/").status_code == 200
    assert [x["id"] for x in c.get("/api/children").json()] == [here.pk]
    assert c.get(f"/api/children/{here.pk}").status_code == 200
    assert exported_names(export_children(c, full_names=True, reason="入户走访名单")) == {here.name}


def test_director_cannot_list_or_search_a_child_outside_the_community(client_for, two_communities):
    _, there = two_communities
    c = client_for(Role.CHILD_DIRECTOR, OWN)
    listed = [row["child"].pk for row in c.get("/datahub/children/").context["rows"]]
    assert there.pk not in listed
    assert list(search_page(c, q=there.name).context["rows"]) == []
    assert list(search_page(c, q=there.id_number).context["rows"]) == []


def test_director_cannot_open_a_child_outside_the_community_by_url(client_for, two_communities):
    _, there = two_communities
    c = client_for(Role.CHILD_DIRECTOR, OWN)
    assert c.get(f"/datahub/children/{there.pk}/").status_code == 404
    assert c.post(f"/datahub/children/{there.pk}/reveal/", {"field": "id_number"}).status_code == 404


def test_director_cannot_reach_a_child_outside_the_community_through_the_api(client_for, two_communities):
    _, there = two_communities
    c = client_for(Role.CHILD_DIRECTOR, OWN)
    assert there.pk not in [x["id"] for x in c.get("/api/children").json()]
    found = c.post("/api/children/search", {"q": there.id_number}, content_type="application/json")
    assert found.json() == []
    assert c.get(f"/api/children/{there.pk}").status_code == 404


def test_director_export_leaves_out_children_outside_the_community(client_for, two_communities):
    _, there = two_communities
    c = client_for(Role.CHILD_DIRECTOR, OWN)
    exported = export_children(c, full_names=True, reason="核对名单", q=there.name)
    assert there.name not in exported_names(exported)


def test_director_statistics_count_only_the_community(client_for, two_communities):
    c = client_for(Role.CHILD_DIRECTOR, OWN)
    pivot = c.get("/datahub/statistics/", {"rows": "street", "cols": "sex"}).context["pivot"]
    assert pivot.grand_total == 1
    assert OTHER_STREET not in pivot.rows
    api = c.get("/api/statistics/children", {"rows": "community", "cols": "sex"}).json()
    assert {cell["row"] for cell in api["cells"]} == {OWN}


def test_street_officer_sees_own_street_only(client_for, two_communities):
    here, there = two_communities
    c = client_for(Role.STREET_OFFICER, "150104001000")
    assert c.get(f"/datahub/children/{here.pk}/").status_code == 200
    assert c.get(f"/datahub/children/{there.pk}/").status_code == 404


def test_district_caseworker_sees_both(client_for, two_communities):
    c = client_for(Role.CASEWORKER)
    assert {x["id"] for x in c.get("/api/children").json()} == {two_communities[0].pk, two_communities[1].pk}


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.UNIT_OFFICER, Role.COORDINATOR, Role.ADMIN])
def test_roles_without_person_access_see_no_named_child(client_for, two_communities, role):
    here, _ = two_communities
    c = client_for(role)
    assert c.get("/datahub/children/").status_code == 403
    assert c.get(f"/datahub/children/{here.pk}/").status_code == 404
    assert c.get("/api/children").status_code == 403
    assert c.get(f"/api/children/{here.pk}").status_code == 404
    assert export_children(c).status_code == 403


def test_superuser_flag_grants_no_access_to_children(client_for, two_communities):
    here, _ = two_communities
    c = client_for(Role.ADMIN, is_superuser=True, is_staff=True)
    assert c.get(f"/datahub/children/{here.pk}/").status_code == 404
    assert c.get("/datahub/children/").status_code == 403


def test_police_may_read_but_not_export(client_for, two_communities):
    c = client_for(Role.POLICE)
    assert c.get(f"/datahub/children/{two_communities[0].pk}/").status_code == 200
    assert export_children(c).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, two_communities):
    assert client.get("/datahub/children/").status_code == 302
    assert client.get(f"/datahub/children/{two_communities[0].pk}/").status_code == 302
    assert client.get("/api/children").status_code == 401
    assert client.get("/api/statistics/children").status_code == 401


def test_user_without_jurisdiction_sees_nothing(make_user, two_communities):
    user = make_user(Role.CASEWORKER)
    user.jurisdiction = None
    assert not scoped(Child.objects.all(), user).exists()


@pytest.fixture
def spread_children(db, region):
    from tongyou.tests.factories import ChildFactory

    grids = Region.objects.filter(level=Region.Level.GRID).order_by("code")[::37]
    return [ChildFactory(residence_region=g) for g in grids]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_scoped_equals_the_subtree_for_any_jurisdiction(make_user, spread_children, data):
    """For any region as jurisdiction, a person reader sees exactly the children under it."""
    regions = list(Region.objects.exclude(level=Region.Level.GRID).values_list("code", flat=True))
    code = data.draw(st.sampled_from(regions))
    user = make_user(Role.STREET_OFFICER, code)
    seen = set(scoped(Child.objects.all(), user).values_list("pk", flat=True))
    expected = {c.pk for c in spread_children if f"/{code}/" in c.residence_region.path}
    assert seen == expected
