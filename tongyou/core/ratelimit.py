"""Rate limits that degrade instead of failing: django-ratelimit counts in the cache, and a cache
outage must not turn a public harm report or an alert opt-in into an error page. On an outage the
request goes through unlimited and the outage is recorded for staff (core/health.py)."""

from __future__ import annotations

import functools
from typing import Any

from django_ratelimit import ALL
from django_ratelimit.core import get_usage, is_ratelimited

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


def failures_over(request: Any, group: str, rate: str, *, count_this: bool = False) -> bool:
    """Whether the address has used up its failures (`rate`, e.g. "30/h") at `group`: with
    `count_this`, the present failure is counted first. For pages a whole classroom uses from one
    address: only wrong guesses count, so forty children entering their codes are never blocked
    while a guesser is."""
    limited = False
    with health.degraded(health.CACHE):
        usage = get_usage(request, group=group, key="ip", rate=rate, method=ALL, increment=count_this)
        if usage is not None:  # None: the cache failed open
            limited = usage["should_limit"] if count_this else usage["count"] >= usage["limit"]
    return limited
