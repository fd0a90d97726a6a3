"""Rate limits that degrade instead of failing: django-ratelimit counts in the cache, and a cache
outage must not turn a public harm report or an alert opt-in into an error page. On an outage the
request goes through unlimited and the outage is recorded for staff (core/health.py)."""

from __future__ import annotations

import functools
from typing import Any

from django_ratelimit.core import is_ratelimited

from . import health


def ratelimit(*, key: str, rate: str, method: str = "POST") -> Any:
    """Sets `request.limited` (True when over `rate`) and calls the view, as django-ratelimit's
    decorator with block=False does."""

    def decorator(view: Any) -> Any:
        group = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:  # (it marks request.limited)
            request.limited = False
            if request.method == method:
                with health.degraded(health.CACHE):
                    request.limited = is_ratelimited(
                        request, group=group, key=key, rate=rate, method=method, increment=True
                    )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
