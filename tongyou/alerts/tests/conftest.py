"""A real MQTT subscriber, a local webhook receiver, and a private Mosquitto for outage tests."""

import datetime
import http.server
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid

import paho.mqtt.client as mqtt
import pytest
from django.utils import timezone

from tongyou.accounts.roles import Role
from tongyou.alerts.services import geo, publishing
from tongyou.core.geo import distance_km
from tongyou.regions.models import Region

YUQUAN = (40.7768, 111.6531)  # near the district government
BAOTOU = (40.6570, 109.8400)  # about 150 km west: outside 100 km, inside 200 km


class Subscriber:
    """An app on a phone: subscribes to its own cells and keeps what arrives, dropping alerts whose
    circle does not contain it (as the app does by its own position)."""

    def __init__(self, lat, lng, port=1883):
        self.lat, self.lng, self.port = lat, lng, port
        self.raw, self.shown = [], []
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"test-{uuid.uuid4().hex[:8]}")
        self.client.on_message = self._on_message
        self.client.on_connect = self._on_connect
        self.client.reconnect_delay_set(min_delay=1, max_delay=1)
        self.connected = threading.Event()

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        for cell in geo.cells_of(self.lat, self.lng).values():
            client.subscribe(geo.subscription(cell), qos=1)
        self.connected.set()

    def _on_message(self, client, userdata, message):
        if not message.payload:
            return  # a cleared retained message: nothing to show
        body = json.loads(message.payload)
        self.raw.append(body)
        c = body["circle"]
        if distance_km(c["lat"], c["lng"], self.lat, self.lng) <= c["radius_km"]:
            self.shown.append(body)

    def start(self):
        self.client.connect("127.0.0.1", self.port)
        self.client.loop_start()
        assert self.connected.wait(5)
        time.sleep(0.2)  # the SUBACKs
        return self

    def wait_for(self, count, timeout=5.0):
        end = time.monotonic() + timeout
        while len(self.raw) < count and time.monotonic() < end:
            time.sleep(0.05)
        time.sleep(0.2)
        return self.raw

    def stop(self):
        self.client.loop_stop()
        self.client.disconnect()


@pytest.fixture
def subscriber():
    started = []

    def make(lat, lng, port=1883):
        s = Subscriber(lat, lng, port).start()
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()


class Hook(http.server.BaseHTTPRequestHandler):
    received = []
    fail = False

    def do_POST(self):  # noqa: N802 (the http.server API)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Hook.fail:
            self.send_response(503)
            self.end_headers()
            return
        Hook.received.append((dict(self.headers), body))
        self.send_response(201)  # Created: what a push service (RFC 8030) answers; fine for webhooks too
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook(settings):
    # The receiver is on this machine: let the outbound guard reach loopback for this test only.
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    Hook.received, Hook.fail = [], False
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", Hook
    server.shutdown()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    def __init__(self, port, workdir, ws_port=None):
        self.port, self.workdir, self.process, self.ws_port = port, workdir, None, ws_port

    def start(self):
        config = self.workdir / "mosquitto.conf"
        text = f"listener {self.port} 127.0.0.1\nallow_anonymous true\n"
        if self.ws_port:  # the public alert app talks MQTT over WebSockets
            text += f"listener {self.ws_port} 127.0.0.1\nprotocol websockets\n"
        config.write_text(text)
        self.process = subprocess.Popen(  # noqa: S603 (a fixed local binary)
            [shutil.which("mosquitto"), "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("mosquitto did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(5)


@pytest.fixture
def private_broker(tmp_path, settings):
    if not shutil.which("mosquitto"):
        pytest.skip("mosquitto is not installed")
    broker = Broker(free_port(), tmp_path)
    broker.start()
    settings.MQTT_URL = f"mqtt://127.0.0.1:{broker.port}"
    yield broker
    if broker.process.poll() is None:
        broker.stop()


@pytest.fixture
def police(make_user):
    return make_user(Role.POLICE)


@pytest.fixture
def new_case(police):
    def make(minutes_ago=10, **extra):
        fields = {
            "child_name": "王小明",
            "sex": "1",
            "age": 6,
            "description": "身高约1.1米，短发",
            "clothing": "红色上衣，蓝色裤子",
            "last_seen_at": timezone.now() - datetime.timedelta(minutes=minutes_ago),
            "last_seen_place": "大召寺广场",
            "latitude": YUQUAN[0],
            "longitude": YUQUAN[1],
            "region": Region.objects.get(code="150104001001"),
            **extra,
        }
        return publishing.record_case(police, **fields)

    return make


def broker_reachable(port=1883):
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(autouse=True)
def _needs_the_broker(request):
    """Tests that talk to the machine's Mosquitto: CI starts it (.ci/run) and they must run there;
    on a developer machine without a broker they are skipped, saying why."""
    if "subscriber" in request.fixturenames and not broker_reachable():
        if os.environ.get("CI"):
            pytest.fail("No MQTT broker at 127.0.0.1:1883")
        pytest.skip("no MQTT broker at 127.0.0.1:1883 (install and start mosquitto)")
