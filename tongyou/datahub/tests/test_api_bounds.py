"""The API answers absurd paging and identifiers with 400, never a server error."""

import pytest

from tongyou.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        "offset=-1",
        "limit=-5",
        "limit=0",
        "offset=99999999999999999999999",
        "limit=100000000000000000000",
        "offset=abc",
        "q=" + "x" * 500,
    ],
)
def test_bad_paging_is_a_400(client_for, query):
    client = client_for(Role.CASEWORKER)
    response = client.get(f"/api/children?{query}")
    assert response.status_code == 400, response.content
    assert "请求" in response.json()["detail"]


@pytest.mark.parametrize("child_id", ["0", "-1", "99999999999999999999999"])
def test_absurd_identifiers_are_a_400(client_for, child_id):
    response = client_for(Role.CASEWORKER).get(f"/api/children/{child_id}")
    assert response.status_code in (400, 404)


def test_sane_paging_still_works(client_for, two_communities):
    response = client_for(Role.CASEWORKER).get("/api/children?offset=1&limit=1")
    assert response.status_code == 200 and len(response.json()) == 1
