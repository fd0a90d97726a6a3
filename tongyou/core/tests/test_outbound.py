"""Server-side request forgery: nothing Tongyou sends out can be pointed inside the network."""

import http.server
import socket
import threading

import pytest
from django.test import Client

from tongyou.accounts.roles import Role
from tongyou.alerts.models import Delivery, Recipient
from tongyou.alerts.services import delivery, publishing
from tongyou.core import outbound
from tongyou.tests.factories import active_case

INSIDE = [
    "http://127.0.0.1:8000/admin/",
    "http://localhost/",
    "http://[::1]/",
    "http://10.0.0.5/hook",
    "http://192.168.1.1/",
    "http://172.16.0.1/",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://[fd00::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://0.0.0.0/",
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://2130706433/",  # 127.0.0.1 written as one number
    "http://0x7f.1/",
]


@pytest.mark.parametrize("url", INSIDE)
def test_internal_addresses_are_refused(url):
    with pytest.raises(outbound.OutboundRefused):
        outbound.post(url, b"{}", {})


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "gopher://x/", "ftp://example.org/", "http://u:p@8.8.8.8/"]
)
def test_other_schemes_and_credentials_are_refused(url):
    with pytest.raises(outbound.OutboundRefused):
        outbound.check(url)


def test_the_check_is_made_after_dns_resolution(monkeypatch):
    # A public-looking name that resolves inside (or rebinds to an inside address).
    def resolver(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with pytest.raises(outbound.OutboundRefused, match="10.1.2.3"):
        outbound.check("https://partner.example.com/hook")


def test_one_inside_address_among_several_is_enough_to_refuse(monkeypatch):
    def resolver(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with pytest.raises(outbound.OutboundRefused):
        outbound.check("https://partner.example.com/hook")


class Redirector(http.server.BaseHTTPRequestHandler):
    hits = []

    def do_POST(self):  # noqa: N802
        Redirector.hits.append(self.path)
        self.send_response(302)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_redirects_are_not_followed(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # the redirector runs here
    Redirector.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        response = outbound.post(f"http://127.0.0.1:{server.server_address[1]}/hook", b"{}", {})
    finally:
        server.shutdown()
    assert response.status_code == 302 and not response.ok
    assert Redirector.hits == ["/hook"]


@pytest.mark.django_db
def test_the_public_opt_in_refuses_an_internal_webhook():
    response = Client().post(
        "/alerts/opt-in/",
        {
            "name": "合作方",
            "kind": "partner",
            "channel": "webhook",
            "url": "http://169.254.169.254/latest/meta-data/",
            "secret": "s" * 20,
            "latitude": 40.78,
            "longitude": 111.65,
            "consent": "on",
        },
    )
    assert response.status_code == 200
    assert "内部网络" in response.content.decode()
    assert not Recipient.objects.exists()


@pytest.mark.django_db
def test_a_partner_webhook_receives_nothing_until_police_approve_it(client_for, monkeypatch):
    def resolver(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    response = Client().post(
        "/alerts/opt-in/",
        {
            "name": "合作方",
            "kind": "partner",
            "channel": "webhook",
            "url": "https://partner.example.com/hook",
            "secret": "s" * 20,
            "latitude": 40.7768,
            "longitude": 111.6531,
            "consent": "on",
        },
    )
    assert "审核" in response.content.decode()
    recipient = Recipient.objects.get()
    assert recipient.approved_at is None
    assert publishing.recipients_within(40.7768, 111.6531, 10) == []
    # Other roles cannot approve.
    assert (
        client_for(Role.CASEWORKER)
        .post(f"/alerts/partners/{recipient.pk}/decide/", {"decision": "approve"})
        .status_code
        == 403
    )
    police = client_for(Role.POLICE)
    assert "partner.example.com" in police.get("/alerts/partners/").content.decode()
    police.post(f"/alerts/partners/{recipient.pk}/decide/", {"decision": "approve"})
    recipient.refresh_from_db()
    assert recipient.approved_by == police.user
    assert publishing.recipients_within(40.7768, 111.6531, 10) == [recipient]


@pytest.mark.django_db
def test_an_unapproved_webhook_delivery_fails_at_once_without_a_request(new_case_for_outbound):
    recipient, row = new_case_for_outbound
    delivery.send_deliveries()
    row.refresh_from_db()
    assert row.state == Delivery.State.FAILED and "approved" in row.last_error


@pytest.fixture
def new_case_for_outbound(make_user):
    from tongyou.alerts.models import AlertMessage

    police = make_user(Role.POLICE)
    recipient = publishing.register_recipient(
        name="x",
        kind="partner",
        channel="webhook",
        address="http://10.0.0.1/",
        secret="k" * 16,
        latitude=40.7,
        longitude=111.6,
    )
    case = active_case(police)
    message = AlertMessage.objects.create(
        case=case,
        identifier="t-1",
        msg_type="Alert",
        version=1,
        radius_km=10,
        sent="2026-11-30T08:00:00+08:00",
        cap_xml="<alert/>",
    )
    row = Delivery.objects.create(
        message=message,
        recipient=recipient,
        next_attempt_at="2026-11-30T08:00:00+08:00",
        idempotency_key="t-1:1",
    )
    return recipient, row
