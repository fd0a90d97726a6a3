"""Behind a reverse proxy: the forwarded address is believed only from a trusted proxy, and rate
limits, lockouts and audit entries all key on the client it names."""

import pytest
from django.test import Client, RequestFactory

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.core.clientip import TrustedProxyMiddleware, client_address
from tongyou.regions.models import Region
from tongyou.welfare.models import HarmReport, HarmSituation

PROXY = "10.0.0.2"


def public_report_data():
    return {
        "situation": HarmSituation.values[0],
        "description": "孩子经常一个人在家，没人照顾，邻居都很担心。",
        "region": Region.objects.filter(level=Region.Level.COMMUNITY).first().pk,
        "place": "某小区",
    }


def settled(meta, settings, proxies=(PROXY,)):
    settings.TRUSTED_PROXIES = list(proxies)
    request = RequestFactory().get("/", **meta)
    TrustedProxyMiddleware(lambda r: r)(request)
    return request.META["REMOTE_ADDR"]


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert settled({"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, settings, ()) == (
        "203.0.113.9"
    )


def test_a_client_cannot_forge_its_address_or_https(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4", HTTP_X_FORWARDED_PROTO="https"
    )
    settings.TRUSTED_PROXIES = [PROXY]
    TrustedProxyMiddleware(lambda r: r)(request)
    assert request.META["REMOTE_ADDR"] == "203.0.113.9"
    assert "HTTP_X_FORWARDED_PROTO" not in request.META and "HTTP_X_FORWARDED_FOR" not in request.META


def test_behind_the_proxy_the_client_is_the_nearest_untrusted_hop(settings):
    # The client put "6.6.6.6" in front itself; the proxy appended what it saw.
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.7"}
    assert settled(meta, settings) == "198.51.100.7"
    # Two proxies in a row (a network of them trusted).
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7, 10.0.0.3"}
    assert settled(meta, settings, ("10.0.0.0/24",)) == "198.51.100.7"
    # Garbage in the chain stops the walk at the last address vouched for.
    assert client_address({"REMOTE_ADDR": "8.8.8.8"}) == "8.8.8.8"
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "<script>, 198.51.100.7"}
    assert settled(meta, settings) == "198.51.100.7"
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "not-an-ip"}
    assert settled(meta, settings) == PROXY


@pytest.mark.django_db
def test_the_district_behind_one_proxy_does_not_share_one_rate_limit(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    data = public_report_data()
    statuses = []
    for n in range(8):  # eight different residents, all through the proxy
        client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}")
        statuses.append(client.post("/report/", data).status_code)
    assert 429 not in statuses and HarmReport.objects.count() == 8
    # One resident sending many is still limited.
    one = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert [one.post("/report/", data).status_code for _ in range(5)][-1] == 429


@pytest.mark.django_db
def test_audit_and_lockout_record_the_client_behind_the_proxy(settings, make_user):
    settings.TRUSTED_PROXIES = [PROXY]
    make_user(Role.CASEWORKER, username="li")
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")
    client.post("/accounts/login/", {"username": "li", "password": "wrong-password-1"})
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).first()
    assert entry.ip_address == "198.51.100.20"
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get(username="li").ip_address == "198.51.100.20"


def test_the_deployment_check_asks_for_trusted_proxies(settings):
    from tongyou.core.checks import trusted_proxies

    settings.SECURE_SSL_REDIRECT, settings.TRUSTED_PROXIES = True, []
    assert [w.id for w in trusted_proxies(None)] == ["tongyou.W001"]
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert trusted_proxies(None) == []
