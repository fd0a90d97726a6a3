"""System checks for what Tongyou's own settings rely on: the key ring on every start (the
server, the worker, migrate), the proxy set-up with `check --deploy`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def encryption_keys(app_configs: Any, **kwargs: Any) -> list[Error] | list:
    # Children's records cannot be read or written without the key ring: say so at start, not at
    # the first page that decrypts a name. (init_keys, which makes the file, skips the checks.)
    if os.environ.get("TONGYOU_KEYS") or Path(settings.TONGYOU_KEY_FILE).is_file():
        return []
    return [
        Error(
            f"找不到加密密钥文件 {settings.TONGYOU_KEY_FILE}（TONGYOU_KEY_FILE）: no encryption keys.",
            hint="新装：`manage.py init_keys`；恢复：从备份还原密钥文件（docs/deployment.md）。",
            id="tongyou.E001",
        )
    ]


@register(deploy=True)
def trusted_proxies(app_configs: Any, **kwargs: Any) -> list | list[Warning]:
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
