from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from tongyou.core import health
from tongyou.core.notifications import unread_count
from tongyou.core.registry import registry


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu a user sees, grouped: only what their role may open (each app registers its own)."""
    user = request.user
    menu = []
    for group, items in registry.menu_for(user):
        links = [(item.label, reverse(item.url_name)) for item in items]
        entries = [{"label": label, "url": url, "current": url == request.path} for label, url in links]
        menu.append(
            {
                "key": group.key,
                "label": group.label,
                "items": entries,
                "current": any(e["current"] for e in entries),
            }
        )
    unread = unread_count(user) if user.is_authenticated else 0
    # Staff see what is down on every page (core/health.py); the public never does.
    outages = health.problems() if user.is_authenticated and bool(getattr(user, "role", "")) else []
    return {"menu": menu, "unread_notifications": unread, "service_problems": outages}
