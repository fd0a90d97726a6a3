"""Shared fixtures: the real region tree, units and plan are loaded once per test database;
people come from factories in each test."""

import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from tongyou.core.registry import registry
from tongyou.core.workdays import notices_changed
from tongyou.privacy.keys import reset_keyring_cache
from tongyou.regions.models import Region

from .tests.factories import ChildFactory, UserFactory


def load_reference_data():
    """What a real install loads (`manage.py load_reference`): every app's reference data."""
    for loader in registry.ordered(registry.reference):
        loader.run()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def concurrent_db(request, transactional_db, django_db_blocker):
    """Committed data that other threads' connections can see, for tests of two actors at
    once. Meaningful on PostgreSQL (CI's second leg); SQLite serialises every writer, so there
    the test is skipped. The flush after each such test removes the reference data: load it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (DATABASE_URL)")
    load_reference_data()


@pytest.fixture(autouse=True)
def _fresh_keyring():
    reset_keyring_cache()
    notices_changed()  # a holiday notice of a rolled-back test must not linger
    cache.clear()  # rate-limit and refusal counts keyed by ids a rolled-back test may reuse
    yield
    reset_keyring_cache()
    notices_changed()


@pytest.fixture(autouse=True)
def _own_mqtt_topics(settings):
    """Topics of this test's own: the broker keeps active alerts retained, and a test must not hear
    the alerts an earlier test (or another run on the machine's broker) left active."""
    run = uuid.uuid4().hex[:10]
    settings.MQTT_TOPIC_PREFIX = f"tongyou-test-{run}/alerts/cell"
    settings.MQTT_DRILL_TOPIC_PREFIX = f"tongyou-test-{run}/drills/cell"


@pytest.fixture(autouse=True)
def _own_audit_anchors(settings, tmp_path):
    """An anchor file of this test's own: a worker round in one test signs a chain head that the
    test's rollback then removes, and a later test's verification must not hold it to that."""
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "audit-anchors.jsonl")


@pytest.fixture
def region():
    """Look a region up by code: region('150104001001')."""
    return lambda code: Region.objects.get(code=code)


@pytest.fixture
def make_user(db, region):
    def make(role, jurisdiction="150104000000", **kwargs):
        return UserFactory(role=role, jurisdiction=region(jurisdiction), **kwargs)

    return make


@pytest.fixture
def client_for(make_user):
    """A logged-in test client for a new user of `role` with `jurisdiction`."""

    def make(role, jurisdiction="150104000000", **kwargs):
        user = make_user(role, jurisdiction, **kwargs)
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return make


@pytest.fixture
def two_communities(db, region):
    """One child in community 150104001001 (小召前街) and one in 150104002001 (兴隆巷)."""
    here = ChildFactory(residence_region=region("150104001001001"), name="王小明")
    there = ChildFactory(residence_region=region("150104002001001"), name="李小红")
    return here, there
