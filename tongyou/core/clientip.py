"""The client's address, the one thing rate limits, lockouts and audit entries key on.

Behind a reverse proxy every request comes from the proxy. The address the proxy saw is in
X-Forwarded-For, but anyone can send that header, so it is read only when the request arrives from
a proxy listed in TRUSTED_PROXIES (addresses or networks). The middleware runs first and rewrites
REMOTE_ADDR once; everything after it (django-axes, the rate limiter, the audit log) reads
REMOTE_ADDR and so agrees on who the client is."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(meta: Any) -> str | None:
    """The client's address for a request's META: the peer, or, when the peer is a trusted proxy,
    the nearest untrusted address in its X-Forwarded-For chain (read right to left, because each
    proxy appends what it saw; the left end is whatever the client claimed)."""
    peer = meta.get("REMOTE_ADDR") or None
    if peer is None or not is_trusted_proxy(peer):
        return peer
    chain = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    candidate = peer
    for hop in reversed(chain):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # a forged or mangled entry: stop at the last address we can vouch for
        candidate = hop
        if not is_trusted_proxy(hop):
            break
    return candidate


class TrustedProxyMiddleware:
    """First in MIDDLEWARE: sets REMOTE_ADDR to the client's address, and drops forwarding headers
    that did not come from a trusted proxy (so a client cannot claim HTTPS or another address)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        meta = request.META
        peer = meta.get("REMOTE_ADDR")
        if peer and is_trusted_proxy(peer):
            meta["TONGYOU_PROXY_ADDR"] = peer
            meta["REMOTE_ADDR"] = client_address(meta)
        else:
            for header in FORWARDED_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)


def request_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR as the middleware settled it (django-axes' AXES_CLIENT_IP_CALLABLE)."""
    return request.META.get("REMOTE_ADDR") or None
