from __future__ import annotations

import base64
import time
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record


class LoginForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            # The spray guard (lockout.py) says why; otherwise Django's "wrong name or password".
            refused = getattr(self.request, "login_refused", None)
            if refused:
                raise forms.ValidationError(refused, code="address_paused") from None
            raise


class PasswordChangeView(auth_views.PasswordChangeView):
    """The owner changes their own password (asked for the current one); other sessions of the
    account end, this one stays (Django's session hash)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("site:home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(
            self.request, _("Your password is changed; other sessions of your account have ended.")
        )
        return response


class LogoutView(auth_views.LogoutView):
    """Logging out also tells the browser to drop what it kept of the session (ASVS V8.2.3)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm


class TokenForm(forms.Form):
    token = forms.CharField(label=gettext_lazy("Six-digit code"), max_length=6, min_length=6)


def _safe_next(request: HttpRequest, default: str = "site:home") -> Any:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


SETUP_KEY = "otp_setup_key"
SETUP_FAILURES = "otp_setup_failures"


@login_required
def otp_setup(request: HttpRequest) -> Any:
    """Enrol an authenticator app: show a new secret, confirm it with a first code. Opening the page
    creates nothing: the proposed secret waits in the session, and the device exists only once a
    code from it was confirmed."""
    key = request.session.get(SETUP_KEY)
    if key is None or request.session.get(SETUP_FAILURES, 0) >= 5:
        key = request.session[SETUP_KEY] = default_key()  # five wrong codes: start over, new key
        request.session[SETUP_FAILURES] = 0
    device = TOTPDevice(user=request.user, name="default", key=key, confirmed=True)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
        totp.time = time.time()
        token = form.cleaned_data["token"]
        if token.isdigit() and totp.verify(int(token), tolerance=device.tolerance):
            device.last_t = totp.t()
            device.save()
            del request.session[SETUP_KEY]
            otp_login(request, device)
            record(
                AuditEntry.Action.CREATE,
                request=request,
                obj=device,
                details={"second_factor": "enrolled", "user": request.user.pk},
            )
            messages.success(request, _("Two-step verification is on."))
            return redirect("site:home")
        request.session[SETUP_FAILURES] = request.session.get(SETUP_FAILURES, 0) + 1
        form.add_error("token", _("That code is not valid. Check the time on your phone and try again."))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request, "accounts/otp_setup.html", {"form": form, "secret": secret, "uri": device.config_url}
    )


@login_required
def otp_verify(request: HttpRequest) -> Any:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.devices_for_user(request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_safe_next(request))
        form.add_error("token", _("That code is not valid."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request, "")})
