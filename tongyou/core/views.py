from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise

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
