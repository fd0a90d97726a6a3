"""The user behind the current request, for audit entries written by model signals."""

from contextvars import ContextVar

_user = ContextVar("tongyou_audit_user", default=None)


def current_user():
    return _user.get()


class AuditUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _user.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _user.reset(token)
