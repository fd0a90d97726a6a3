"""Every request Tongyou sends out (partner webhooks, web push, the SMS gateway) goes through
`post()`: against server-side request forgery, the destination is resolved once, every address it
resolves to must be a public one (no loopback, private, link-local, cloud metadata, multicast or
reserved ranges), and the connection goes to exactly the address checked (no second lookup a DNS
rebinding could answer differently). Redirects are never followed: a 3xx is a failure.

OUTBOUND_ALLOWED_NETWORKS lets a deployment reach a named internal service on purpose (the
district's SMS gateway on the intranet, say); nothing else private is reachable."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT = 5.0


class OutboundRefused(RuntimeError):
    """The destination is not one Tongyou may send to; the message says why, in Chinese."""


@dataclass
class Response:
    status_code: int
    reason: str
    text: str
    headers: dict

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300


@lru_cache(maxsize=8)
def _allowed(networks: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(n.strip(), strict=False) for n in networks if n.strip())


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in net for net in _allowed(tuple(settings.OUTBOUND_ALLOWED_NETWORKS))):
        return True
    return ip.is_global and not ip.is_multicast


def resolve(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, address) for `url`, or OutboundRefused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise OutboundRefused(_("Only http and https addresses can be used."))
    if not parts.hostname or parts.username or parts.password:
        raise OutboundRefused(_("The address has no host, or carries a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise OutboundRefused(_("The address has an invalid port.")) from None
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise OutboundRefused(_("The host name could not be resolved.")) from None
    addresses = {str(info[4][0]) for info in infos}
    if not addresses:
        raise OutboundRefused(_("The host name could not be resolved."))
    for address in addresses:
        if not _public(ipaddress.ip_address(address.split("%")[0])):
            raise OutboundRefused(
                _("The address points inside a private network (%(address)s); Tongyou does not send there.")
                % {"address": address}
            )
    return parts.scheme, parts.hostname, port, sorted(addresses)[0]


def host_of(url: str) -> str:
    """The host a URL names, for showing to staff without the rest of it."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def check(url: str) -> None:
    """Raise OutboundRefused unless `url` may be sent to now (forms validate with this too)."""
    resolve(url)


def post(url: str, body: bytes, headers: dict, timeout: float = TIMEOUT) -> Response:
    """POST `body` to `url` through the pinned, checked address; no redirects, no retries."""
    scheme, host, port, address = resolve(url)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = host if port in (80, 443) else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if port in (80, 443) else f"[{host}]:{port}"
    pool: urllib3.HTTPConnectionPool
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            server_hostname=host,
            assert_hostname=host,
            timeout=urllib3.Timeout(total=timeout),
            retries=False,
            maxsize=1,
        )
    else:
        pool = urllib3.HTTPConnectionPool(
            address, port, timeout=urllib3.Timeout(total=timeout), retries=False, maxsize=1
        )
    with pool:
        raw = pool.urlopen(
            "POST",
            target,
            body=body,
            headers={**headers, "Host": host_header},
            redirect=False,
            preload_content=True,
        )
    return Response(
        raw.status, raw.reason or "", raw.data[:2000].decode("utf-8", "replace"), dict(raw.headers)
    )


class GuardedSession:
    """What pywebpush calls as its `requests_session`: `post()` through the guard above."""

    def post(
        self, url: str, data: Any = None, headers: Any = None, timeout: float = TIMEOUT, **_ignored: Any
    ) -> Response:
        return post(url, data or b"", dict(headers or {}), timeout=float(timeout))
