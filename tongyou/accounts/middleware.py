"""Second factor for administrators and coordinators (django-otp, TOTP).

Once such a user has a confirmed TOTP device, every page but the verification
page itself waits for a valid code. With TONGYOU_REQUIRE_OTP on (the production
default) a user in those roles without a device is sent to enrol first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/")


class RequireOTPMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "role", None) in settings.OTP_ROLES
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()  # type: ignore[attr-defined]  # (django-otp adds it)
        ):
            if user_has_device(user):
                return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
            if settings.TONGYOU_REQUIRE_OTP:
                return redirect("accounts:otp_setup")
        return self.get_response(request)
