"""Deployment checks (`manage.py check --deploy`) for what Tongyou's own settings rely on."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def trusted_proxies(app_configs, **kwargs):
    # Without trusted proxies the forwarding headers are dropped (core/clientip.py): behind a
    # proxy, every client would share the proxy's address and HTTPS would not be seen.
    if getattr(settings, "SECURE_SSL_REDIRECT", False) and not settings.TRUSTED_PROXIES:
        return [
            Warning(
                "TONGYOU_TRUSTED_PROXIES is empty: behind a reverse proxy, X-Forwarded-For and "
                "X-Forwarded-Proto are ignored, so rate limits, lockouts and the audit log see the "
                "proxy's address and the HTTPS redirect loops.",
                hint="Set TONGYOU_TRUSTED_PROXIES to the proxy's address or network (docs/security.md).",
                id="tongyou.W001",
            )
        ]
    return []
