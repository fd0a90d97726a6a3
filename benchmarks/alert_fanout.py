"""End to end on localhost: N MQTT subscribers, each on the topics of its own H3 cell, spread within
300 km of Yuquan; a police officer's alert published through Tongyou's own code (record_case:
the CAP message, the outbox, the send on commit); the time from the request to the last in-circle
subscriber's receipt. Baseline: one MQTT round trip (publish to one topic, receive it) on the same
broker in the same run.

Subscribers are minimal MQTT 3.1.1 clients on raw sockets in one selector loop (10,000 paho
clients would need 10,000 threads), in a child process: thousands of sockets in Tongyou's own
process would push paho's socket past select()'s 1,024 limit. Times are wall-clock, on one
machine. The broker is a private Mosquitto started for the run."""

import datetime
import math
import multiprocessing
import os
import selectors
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import paho.mqtt.client as mqtt
from django.test.utils import override_settings
from django.urls import get_resolver
from django.utils import timezone

from tongyou.alerts.services import geo
from tongyou.core.geo import distance_km

YUQUAN = (40.7768, 111.6531)


def _packet(kind, body):
    length, encoded = len(body), bytearray()
    while True:
        byte, length = length % 128, length // 128
        encoded.append(byte | (0x80 if length else 0))
        if not length:
            return bytes([kind]) + bytes(encoded) + body


def _string(text):
    raw = text.encode()
    return struct.pack("!H", len(raw)) + raw


class Phone:
    def __init__(self, number, lat, lng, port):
        self.lat, self.lng = lat, lng
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setblocking(False)
        self.buffer = b""
        self.received = []  # (perf_counter, topic, payload)
        connect = _string("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 600) + _string(f"phone-{number}")
        # Every case's topic under each of its cells (the runs publish drills: the drill topics).
        topics = b"".join(
            _string(geo.subscription(c, drill=True)) + b"\x00" for c in geo.cells_of(lat, lng).values()
        )
        self.sock.sendall(_packet(0x10, connect) + _packet(0x82, struct.pack("!H", 1) + topics))

    def feed(self, data, now):
        self.buffer += data
        while len(self.buffer) >= 2:
            multiplier, length, i = 1, 0, 1
            while True:
                if i >= len(self.buffer):
                    return
                byte = self.buffer[i]
                length += (byte & 127) * multiplier
                multiplier *= 128
                i += 1
                if not byte & 128:
                    break
            if len(self.buffer) < i + length:
                return
            kind, body = self.buffer[0], self.buffer[i : i + length]
            self.buffer = self.buffer[i + length :]
            if kind >> 4 == 3:  # PUBLISH at QoS 0
                topic_length = struct.unpack("!H", body[:2])[0]
                self.received.append((now, body[2 : 2 + topic_length].decode(), body[2 + topic_length :]))
            elif kind >> 4 == 9:
                self.subscribed = True


def _loop(phones, stop):
    selector = selectors.DefaultSelector()
    for phone in phones:
        selector.register(phone.sock, selectors.EVENT_READ, phone)
    while not stop.is_set():
        for key, _mask in selector.select(timeout=0.05):
            try:
                data = key.fileobj.recv(65536)
            except BlockingIOError:
                continue
            key.data.feed(data, time.time())


def _phones_process(conn, port, coordinates):
    """The child: connect every phone, then answer the parent's questions until told to stop."""
    phones = []
    for number, (lat, lng) in enumerate(coordinates):
        phones.append(Phone(number, lat, lng, port))
        if number % 500 == 499:
            time.sleep(0.05)  # let the broker accept in batches
    stop = threading.Event()
    threading.Thread(target=_loop, args=(phones, stop), daemon=True).start()
    while True:
        question = conn.recv()
        if question == "subscribed":
            conn.send(sum(getattr(p, "subscribed", False) for p in phones))
        elif question == "by_payload":
            # per phone: how many copies of each message identifier it received (raw, before the
            # app's de-duplication)
            import json as _json

            counts = []
            for n, p in enumerate(phones):
                per = {}
                for _t, _topic, payload in p.received:
                    if payload:
                        ident = _json.loads(payload)["identifier"]
                        per[ident] = per.get(ident, 0) + 1
                if per:
                    counts.append((n, per))
            conn.send(counts)
            for p in phones:
                p.received.clear()
        elif question == "receipts":
            # (phone number, first receipt time, topics received) for every phone that got something
            conn.send([(n, p.received[0][0], len(p.received)) for n, p in enumerate(phones) if p.received])
            for p in phones:
                p.received.clear()
        else:
            stop.set()
            conn.send("bye")
            return


def _broker(workdir):
    port = socket.socket()
    port.bind(("127.0.0.1", 0))
    number = port.getsockname()[1]
    port.close()
    config = workdir / "mosquitto.conf"
    config.write_text(f"listener {number} 127.0.0.1\nallow_anonymous true\nmax_connections -1\n")
    process = subprocess.Popen(  # noqa: S603 (a fixed local binary)
        [shutil.which("mosquitto"), "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(50):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", number)) == 0:
                return process, number
        time.sleep(0.1)
    raise RuntimeError("mosquitto did not start")


def _round_trip(port):
    received = threading.Event()
    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    sub.on_message = lambda *args: received.set()
    sub.connect("127.0.0.1", port)
    sub.subscribe("bench/rtt", qos=1)
    sub.loop_start()
    time.sleep(0.3)
    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    pub.connect("127.0.0.1", port)
    pub.loop_start()
    times = []
    for _ in range(20):
        received.clear()
        start = time.perf_counter()
        pub.publish("bench/rtt", b"x", qos=1)
        received.wait(5)
        times.append(time.perf_counter() - start)
    for client in (sub, pub):
        client.loop_stop()
        client.disconnect()
    return float(np.median(times))


def run(best_of, alert_subscribers=10_000, **_):
    from tongyou.accounts.models import User
    from tongyou.accounts.roles import Role
    from tongyou.accounts.services import load_units
    from tongyou.alerts.models import MissingChildCase
    from tongyou.regions.models import Region
    from tongyou.regions.services import load_regions

    if not shutil.which("mosquitto"):
        return ["alert fan-out: skipped (mosquitto is not installed)", ""]
    load_regions()
    load_units()
    police, _created = User.objects.get_or_create(
        username="bench-police",
        defaults={"role": Role.POLICE, "jurisdiction": Region.objects.get(code="150104000000")},
    )
    police.approved_grant = police.grant  # as a security administrator approves a working account
    police.save()
    workdir = Path(tempfile.mkdtemp(prefix="tongyou-mqtt-"))
    broker, port = _broker(workdir)
    rng = np.random.default_rng(9)
    # Uniform over a 300 km disc around Yuquan: about a ninth of them fall in the 100 km circle.
    distance = 300 * np.sqrt(rng.uniform(0, 1, alert_subscribers))
    bearing = rng.uniform(0, 2 * math.pi, alert_subscribers)
    lats = YUQUAN[0] + distance * np.cos(bearing) / 111.0
    lngs = YUQUAN[1] + distance * np.sin(bearing) / (111.0 * math.cos(math.radians(YUQUAN[0])))
    parent, child = multiprocessing.get_context("fork").Pipe()
    worker = multiprocessing.get_context("fork").Process(
        target=_phones_process, args=(child, port, list(zip(lats.tolist(), lngs.tolist(), strict=True)))
    )
    worker.start()
    try:
        deadline = time.monotonic() + 120
        ready = 0
        while time.monotonic() < deadline and ready < alert_subscribers:
            time.sleep(0.5)
            parent.send("subscribed")
            ready = parent.recv()
        rtt = _round_trip(port)
        # A running server or worker has its URLs and modules loaded (run_worker loads them at
        # start); a fresh process pays that once, on its first alert: measured apart.
        started = time.perf_counter()
        get_resolver().url_patterns  # noqa: B018
        warm_up = time.perf_counter() - started
        inside = {n for n in range(alert_subscribers) if distance_km(*YUQUAN, lats[n], lngs[n]) <= 100}
        results = []
        with override_settings(MQTT_URL=f"mqtt://127.0.0.1:{port}"):
            for _attempt in range(3):
                parent.send("receipts")
                parent.recv()  # forget anything earlier
                start = time.time()
                case = _drill_case(police)
                end = time.monotonic() + 15
                got = {}
                while time.monotonic() < end:
                    time.sleep(0.2)
                    parent.send("receipts")
                    for number, first, _count in parent.recv():
                        got.setdefault(number, first)
                    if inside <= set(got):
                        break
                latencies = sorted(got[n] - start for n in inside if n in got)
                outside_raw = sum(1 for n in got if n not in inside)
                results.append(
                    (latencies, len(inside), outside_raw, case.messages.get().publications.count())
                )
                MissingChildCase.objects.filter(pk=case.pk).update(state="found")
            killed = _killed_sender(parent, police, port, inside)
    finally:
        parent.send("stop")
        parent.recv()
        worker.join(10)
        broker.terminate()
        broker.wait(5)
    lines = [
        f"alert fan-out end to end ({alert_subscribers:,} MQTT subscribers, {ready:,} subscribed; "
        f"baseline = one MQTT round trip, {rtt * 1000:.2f} ms):"
    ]
    for latencies, expected, outside_raw, topics in results:
        if not latencies:
            lines.append("  nobody received the alert")
            continue
        p99 = latencies[min(len(latencies) - 1, int(math.ceil(0.99 * len(latencies))) - 1)]
        lines.append(
            f"  {topics} topics; {len(latencies):,}/{expected:,} in-circle phones received; "
            f"p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms "
            f"({p99 / rtt:.0f}× the round trip), last {latencies[-1] * 1000:.0f} ms; "
            f"outside the circle: {outside_raw} phones in edge cells got it, shown by none"
        )
    raw_dupes, phones_with_dupes, missing, resent = killed
    lines.append(
        f"  sender killed mid-send, then the worker's next round: {resent} topic rows sent again; "
        f"raw duplicate copies at the phones {raw_dupes} (on {phones_with_dupes} phones; the app shows a "
        f"message identifier once), in-circle phones that never got it {missing}"
    )
    lines.append(
        f"  one-time loading of URLs and modules in a fresh process (before the runs): {warm_up:.2f} s"
    )
    lines.append(f"  (process limits: {os.sysconf('SC_OPEN_MAX')} open files)")
    lines.append("")
    return lines


def _drill_case(police):
    """A drill recorded (and published) through Tongyou's own code, 5 minutes after last seen."""
    from tongyou.alerts.services import publishing
    from tongyou.regions.models import Region

    return publishing.record_case(
        police,
        child_name="测试",
        sex="1",
        age=6,
        last_seen_at=timezone.now() - datetime.timedelta(minutes=5),
        last_seen_place="基准测试",
        latitude=YUQUAN[0],
        longitude=YUQUAN[1],
        region=Region.objects.get(code="150104001001"),
        is_drill=True,
    )


def _send_and_die(port, message_pk):
    """A worker that starts sending a message's topics and is killed (SIGKILL) by the parent."""
    from django.db import connections

    connections.close_all()
    with override_settings(MQTT_URL=f"mqtt://127.0.0.1:{port}"):
        from tongyou.alerts.models import TopicPublication
        from tongyou.alerts.services import delivery

        delivery.publish_topics(TopicPublication.objects.filter(message_id=message_pk, state="pending"))
    time.sleep(60)  # never reached in the benchmark: the parent kills it first


def _killed_sender(parent, police, port, inside):
    """Duplicates after a worker kill: the alert's rows are written with the broker unreachable,
    a forked sender publishes and is killed a moment later, then the worker's next round (after
    the claim's lease) sends the rest. Returns (raw duplicate copies, phones with any,
    in-circle phones that never got it, rows resent)."""
    import signal

    from tongyou.alerts.models import MissingChildCase, TopicPublication
    from tongyou.alerts.services import delivery

    parent.send("by_payload")
    parent.recv()
    with override_settings(MQTT_URL="mqtt://127.0.0.1:1"):  # nothing there: the rows wait
        case = _drill_case(police)
    message = case.messages.get()
    TopicPublication.objects.filter(message=message).update(next_attempt_at=timezone.now(), attempts=0)
    sender = multiprocessing.get_context("fork").Process(target=_send_and_die, args=(port, message.pk))
    sender.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # killed once its first chunk is marked, mid-way through the rest
        if TopicPublication.objects.filter(message=message, state="done").exists():
            break
        time.sleep(0.005)
    os.kill(sender.pid, signal.SIGKILL)
    sender.join(5)
    from django.db import connections

    connections.close_all()
    done_before = TopicPublication.objects.filter(message=message, state="done").count()
    later = timezone.now() + delivery.LEASE + datetime.timedelta(seconds=1)
    with override_settings(MQTT_URL=f"mqtt://127.0.0.1:{port}"):
        delivery.process(now=later)
    resent = TopicPublication.objects.filter(message=message, state="done").count() - done_before
    time.sleep(2)
    parent.send("by_payload")
    counts = dict(parent.recv())
    raw = sum(max(0, c - 1) for per in counts.values() for c in per.values())
    with_dupes = sum(1 for per in counts.values() if any(c > 1 for c in per.values()))
    missing = sum(1 for n in inside if message.identifier not in counts.get(n, {}))
    MissingChildCase.objects.filter(pk=case.pk).update(state="found")
    return raw, with_dupes, missing, resent
