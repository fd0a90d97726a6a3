"""The public alert app in a real browser: it computes its own H3 cells from the position the
browser gives (set by the test), subscribes over MQTT on WebSockets to a real Mosquitto, shows an
alert already active (retained) and one published while it is open, drops it on cancel, and a
phone far away sees nothing. The server is never told the position."""

import datetime
import os
import shutil

import pytest
from django.utils import timezone

from tongyou.accounts.roles import Role
from tongyou.alerts.services import publishing
from tongyou.conftest import load_reference_data
from tongyou.regions.models import Region
from tongyou.tests.factories import UserFactory

from .conftest import BAOTOU, YUQUAN, Broker, free_port

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("TONGYOU_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def ws_broker(tmp_path, settings):
    if not shutil.which("mosquitto"):
        pytest.fail("mosquitto is needed for the alert app's browser test")
    broker = Broker(free_port(), tmp_path, ws_port=free_port())
    broker.start()
    settings.MQTT_URL = f"mqtt://127.0.0.1:{broker.port}"
    settings.MQTT_WS_URL = f"ws://127.0.0.1:{broker.ws_port}/"
    yield broker
    broker.stop()


@pytest.fixture
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        yield browser
        browser.close()


def record(police, minutes_ago=5, **extra):
    fields = {
        "child_name": "王小明",
        "sex": "1",
        "age": 6,
        "description": "短发",
        "clothing": "红色上衣",
        "last_seen_at": timezone.now() - datetime.timedelta(minutes=minutes_ago),
        "last_seen_place": "大召寺广场",
        "latitude": YUQUAN[0],
        "longitude": YUQUAN[1],
        "region": Region.objects.get(code="150104001001"),
        **extra,
    }
    return publishing.record_case(police, **fields)


def phone(chromium, base, where):
    context = chromium.new_context(
        locale="zh-CN", geolocation={"latitude": where[0], "longitude": where[1]}, permissions=["geolocation"]
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/alerts/app/")
    page.wait_for_selector("#alert-app[data-connected='true']", timeout=15000)
    return page, errors


def test_the_app_hears_alerts_near_it_and_nothing_far_away(
    live_server, transactional_db, ws_broker, chromium
):
    load_reference_data()
    police = UserFactory(role=Role.POLICE, jurisdiction=Region.objects.get(code="150104000000"))
    first = record(police, child_name="小红", sex="2", age=5)  # active before any phone listens

    near, errors = phone(chromium, live_server.url, YUQUAN)
    near.wait_for_selector(f"li.app-alert[data-case='{first.reference}']", timeout=10000)
    assert "小红，女孩，5岁" in near.inner_text("#app-alerts")
    cells = near.get_attribute("#alert-app", "data-cells").split(",")
    assert len(cells) == 3  # resolutions 4, 5 and 6, computed in the browser

    far, far_errors = phone(chromium, live_server.url, BAOTOU)

    second = record(police, child_name="李小刚", age=8)  # published while the phones are open
    near.wait_for_selector(f"li.app-alert[data-case='{second.reference}']", timeout=10000)
    assert near.locator("li.app-alert").count() == 2

    publishing.end(first, police, "found")
    near.wait_for_selector(f"li.app-alert[data-case='{first.reference}']", state="detached", timeout=10000)
    assert near.locator("li.app-alert").count() == 1
    # Baotou is 150 km away: outside the 100 km circle. Its cells may hear, its position decides.
    far.wait_for_timeout(1000)
    assert far.locator("li.app-alert").count() == 0
    assert errors == [] and far_errors == []
    # The position never reached the server: no request carried it.
    assert str(round(YUQUAN[0], 4)) not in near.url
