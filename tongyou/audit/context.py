"""The request (and its user) being served, for audit entries written where no request is at hand:
model signals, and refusals decided deep in the scoping layer."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

_user: ContextVar[Any] = ContextVar("tongyou_audit_user", default=None)
_request: ContextVar[HttpRequest | None] = ContextVar("tongyou_audit_request", default=None)


def current_user() -> Any:
    """The signed-in user being served (a User), AnonymousUser, or None outside a request."""
    return _user.get()


def current_request() -> HttpRequest | None:
    return _request.get()


class AuditUserMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        token = _user.set(getattr(request, "user", None))
        request_token = _request.set(request)
        try:
            response = self.get_response(request)
            if getattr(request, "_pending_refusals", None):
                from .refusals import write_pending

                write_pending(request)
            return response
        finally:
            _request.reset(request_token)
            _user.reset(token)

    def process_exception(self, request: HttpRequest, exception: Any) -> None:
        # A refusal raised anywhere (a view's own check, the admin site) that the scoping layer
        # did not already record (audit/refusals.py).
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from .refusals import record_refusal

        if isinstance(exception, PermissionDenied):
            record_refusal(request, status=403, reason="permission")
        elif isinstance(exception, Http404) and getattr(request.user, "is_authenticated", False):
            record_refusal(request, status=404, reason="not found or not in jurisdiction")
        return None
