from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .errors import Refusal
from .notifications import mark_read
from .requests import AuthenticatedRequest


@login_required
def notifications(request: AuthenticatedRequest) -> HttpResponse:
    """The user's own messages; opening the page marks them read."""
    notices = list(request.user.notifications.all()[:200])
    unread = [n.pk for n in notices if n.read_at is None]
    if request.method == "POST":
        mark_read(request.user)
        return redirect("core:notifications")
    return render(request, "core/notifications.html", {"notices": notices, "unread": set(unread)})


def attempt(
    request: HttpRequest,
    action: Callable[[], Any],
    success: str | Promise | Callable[[Any], str | Promise] | None,
    then: str,
    *args: Any,
    **kwargs: Any,
) -> HttpResponse:
    """The one way a page performs an action: run it; say what happened (`success`, or a
    function of the action's result); if a service refused, show its reason instead; then go to
    `then` (a URL name with its arguments). Nothing is half done: a refusal is raised before
    anything is written, or inside the service's transaction."""
    try:
        result = action()
    except Refusal as refusal:
        messages.error(request, str(refusal))
    else:
        if success is not None:
            messages.success(request, str(success(result) if callable(success) else success))
    return redirect(then, *args, **kwargs)


def posted_date(value: str) -> dt.date | None:
    """A date typed into a form (YYYY-MM-DD), None when left empty; a refusal in Chinese otherwise."""
    try:
        return dt.date.fromisoformat(value.strip()) if value and value.strip() else None
    except ValueError:
        raise Refusal(_("Enter the date as YYYY-MM-DD.")) from None


def posted_int(value: str) -> int:
    """A whole number typed into a form or chosen from a list; a refusal in Chinese otherwise."""
    try:
        return int(value)
    except ValueError:
        raise Refusal(_("Enter a whole number.")) from None


def requested_year(request: HttpRequest, earliest: int = 2000) -> int:
    """The year a page is asked for (?year=), within `earliest` and this year; this year when it
    is missing or not a number (a report page never fails on a mistyped year)."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        return this_year
    return min(max(year, earliest), this_year)


def posted_region(value: str, missing: str | Promise) -> Any:
    """The region chosen in a form (its id), or a refusal saying `missing`."""
    from tongyou.regions.models import Region

    region = Region.objects.filter(pk=posted_int(value or "0")).first()
    if region is None:
        raise Refusal(missing)
    return region
