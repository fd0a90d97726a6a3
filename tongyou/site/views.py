from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongyou.core.registry import registry


def home(request: HttpRequest) -> HttpResponse:
    """Signed in: what waits for you today, from every app's worklist; otherwise the welcome."""
    context: dict[str, Any] = {}
    if request.user.is_authenticated:
        context["jurisdiction"] = request.user.jurisdiction
        context["work"] = registry.work_for(request.user)
    return render(request, "site/home.html", context)
