"""Fail safe where children are at stake: with the cache or the broker down, reports are taken,
alert pages answer, imports run, and staff see what is down."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tongyou.accounts.roles import Role
from tongyou.core import health
from tongyou.core.models import ServiceStatus
from tongyou.core.tests.test_client_address import public_report_data
from tongyou.welfare.models import HarmReport

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every Redis call fails at once with a connection error.
REDIS_DOWN = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = REDIS_DOWN
    yield
    # the setting's change signal drops the connection handlers on the way back


def test_the_public_harm_report_is_taken_with_the_cache_down(redis_down):
    with pytest.raises(Exception):  # noqa: B017 (whatever the client raises: the cache is truly down)
        cache.get("x")
    response = Client().post("/report/", public_report_data())
    assert response.status_code == 200
    assert HarmReport.objects.count() == 1
    assert not ServiceStatus.objects.get(name="cache").ok


def test_alert_pages_and_opt_in_answer_with_the_cache_down(redis_down):
    public = Client()
    assert public.get("/alerts/").status_code == 200
    assert public.get("/alerts/opt-in/").status_code == 200
    assert public.post("/alerts/opt-in/", {"name": "x"}).status_code == 200  # the form's own errors


def test_staff_see_the_outage_on_every_page_and_the_public_does_not(redis_down, client_for):
    Client().post("/report/", public_report_data())
    staff = client_for(Role.CASEWORKER)
    page = staff.get("/").content.decode()
    assert 'id="outages"' in page and "缓存" in page
    assert 'id="outages"' not in Client().get("/").content.decode()


def test_the_outage_notice_clears_when_the_service_is_back():
    health.report_failure(health.CACHE, "down")
    assert [p["name"] for p in health.problems()] == ["cache"]
    assert health.check_cache()  # the test cache (local memory) answers
    assert health.problems() == []


def test_a_silent_worker_is_shown(client_for):
    health.heartbeat()
    assert health.problems() == []
    later = timezone.now() + datetime.timedelta(minutes=10)
    assert [p["name"] for p in health.problems(now=later)] == ["worker"]


def test_the_broker_check_reports_a_broker_that_is_not_there(settings):
    settings.MQTT_URL = "mqtt://127.0.0.1:1"
    assert not health.check_broker(timeout=0.5)
    assert [p["name"] for p in health.problems()] == ["broker"]


def test_an_import_check_survives_the_cache_going_down(redis_down, client_for):
    from tongyou.datahub.models import ImportBatch
    from tongyou.datahub.services.imports.pipeline import progress_of

    batch = ImportBatch(pk=1, status=ImportBatch.Status.CHECKING)
    assert progress_of(batch) == (0, 0)
