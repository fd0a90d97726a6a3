"""Schemathesis reads the API's OpenAPI schema and throws generated requests (valid and invalid:
absurd numbers, long strings, odd characters, missing and extra fields) at every operation, as a
caseworker, a researcher and a signed-out caller. None may answer with a server error."""

import json
from urllib.parse import urlencode, urlsplit

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings

from tongyou.accounts.roles import Role
from tongyou.urls import api

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())


@pytest.fixture
def callers(client_for, two_communities):
    return {
        "caseworker": client_for(Role.CASEWORKER),
        "researcher": client_for(Role.RESEARCHER),
        "signed out": Client(),
    }


def send(client, case):
    request = case.as_transport_kwargs(base_url="http://testserver")
    target = urlsplit(request["url"])
    query = urlencode(request.get("params") or {}, doseq=True)
    body, content_type = b"", "application/octet-stream"
    if "json" in request:
        body, content_type = json.dumps(request["json"]).encode(), "application/json"
    elif request.get("data") is not None:
        body = request["data"] if isinstance(request["data"], bytes) else str(request["data"]).encode()
    return client.generic(request["method"], target.path, body, content_type, QUERY_STRING=query)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
@pytest.mark.django_db
def test_no_generated_request_makes_the_api_fail(case, callers):
    for who, client in callers.items():
        response = send(client, case)
        assert response.status_code < 500, (
            f"{who}: {case.method} {case.formatted_path} → {response.status_code}"
        )
