"""Opting in to alerts near a place, and out again: volunteers, drivers, grid workers, venues and
partner apps choose a channel and give a position; nobody is registered without saying yes."""

import base64
import json

from cryptography.hazmat.primitives import serialization
from django import forms
from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from py_vapid import Vapid02

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core import outbound
from tongyou.core.ratelimit import ratelimit

from .models import Recipient
from .services import cap, publishing

SALT = "alerts.opt-out"


class OptInForm(forms.Form):
    name = forms.CharField(label=_("Name or organisation"), max_length=100)
    kind = forms.ChoiceField(label=_("I am"), choices=Recipient.Kind.choices)
    channel = forms.ChoiceField(label=_("Send alerts by"), choices=Recipient.Channel.choices)
    phone = forms.RegexField(label=_("Mobile number (SMS)"), regex=r"^1\d{10}$", required=False)
    url = forms.URLField(label=_("Webhook address (partner apps)"), required=False, assume_scheme="https")
    secret = forms.CharField(label=_("Webhook signing secret"), required=False, min_length=16, max_length=100)
    subscription = forms.CharField(widget=forms.HiddenInput, required=False)
    drills = forms.BooleanField(
        label=_("Also send me drills (演练), marked as such; real alerts come either way"), required=False
    )
    latitude = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    consent = forms.BooleanField(
        label=_(
            "I agree to receive missing-child alerts near this place and to Tongyou keeping this place "
            "and contact until I opt out."
        )
    )

    def clean(self):
        cleaned = super().clean()
        channel = cleaned.get("channel")
        if channel == Recipient.Channel.SMS and not cleaned.get("phone"):
            self.add_error("phone", _("Give the mobile number for SMS."))
        if channel == Recipient.Channel.WEBHOOK:
            if not (cleaned.get("url") or "").startswith(("https://", "http://")):
                self.add_error("url", _("Give the webhook's http(s) address."))
            else:
                try:
                    outbound.check(cleaned["url"])
                except outbound.OutboundRefused as exc:
                    self.add_error("url", str(exc))
            if not cleaned.get("secret"):
                self.add_error("secret", _("Give a signing secret of at least 16 characters."))
        if channel == Recipient.Channel.WEB_PUSH:
            try:
                subscription = json.loads(cleaned.get("subscription") or "")
                assert subscription["endpoint"].startswith("https://") or settings.DEBUG
                assert subscription["keys"]["p256dh"] and subscription["keys"]["auth"]
            except (ValueError, KeyError, TypeError, AssertionError):
                self.add_error(
                    None,
                    _("This browser did not give a push subscription; allow notifications and try again."),
                )
        return cleaned

    def address(self):
        data = self.cleaned_data
        return {
            Recipient.Channel.SMS: data.get("phone"),
            Recipient.Channel.WEBHOOK: data.get("url"),
            Recipient.Channel.WEB_PUSH: data.get("subscription"),
        }[data["channel"]]


def vapid_public_key():
    """The application server key a browser subscribes with (base64url, uncompressed point)."""
    if not settings.VAPID_PRIVATE_KEY:
        return ""
    raw = Vapid02.from_string(settings.VAPID_PRIVATE_KEY).public_key.public_bytes(
        encoding=serialization.Encoding.X962, format=serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@ratelimit(key="ip", rate="5/h")
def opt_in(request):
    form = OptInForm(request.POST or None)
    if request.method == "POST" and getattr(request, "limited", False):
        return render(request, "alerts/opt_in.html", {"form": form, "limited": True}, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recipient = publishing.register_recipient(
            name=data["name"],
            kind=data["kind"],
            channel=data["channel"],
            address=form.address(),
            secret=data.get("secret") or "",
            drills=data.get("drills", False),
            latitude=data["latitude"],
            longitude=data["longitude"],
        )
        record(
            AuditEntry.Action.CREATE, request=request, obj=recipient, details={"channel": recipient.channel}
        )
        token = signing.dumps(recipient.pk, salt=SALT)
        return render(
            request,
            "alerts/opted_in.html",
            {"recipient": recipient, "opt_out": cap.public_url(reverse("alerts:opt_out", args=[token]))},
        )
    return render(request, "alerts/opt_in.html", {"form": form, "vapid_key": vapid_public_key()})


def opt_out(request, token):
    try:
        pk = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise Http404 from None
    recipient = Recipient.objects.filter(pk=pk, is_active=True).first()
    if recipient is not None and request.method == "POST":
        recipient.is_active = False
        recipient.save(update_fields=["is_active", "changed_at"])
        record(AuditEntry.Action.UPDATE, request=request, obj=recipient, details={"opted_out": True})
        return render(request, "alerts/opted_out.html")
    if recipient is None:
        return render(request, "alerts/opted_out.html")
    return render(request, "alerts/opt_out.html", {"recipient": recipient})


def service_worker(request):
    """Shows an alert pushed to this browser. Served under /alerts/ so its scope covers the pages."""
    script = """self.addEventListener("push", function (event) {
  var data = event.data ? event.data.json() : {};
  var title = data.msgType === "Cancel" ? "儿童失踪预警已解除" : "儿童失踪预警";
  title = (data.drill ? "【演练】" : "") + title;
  var body = data.headline || data.case || "";
  event.waitUntil(self.registration.showNotification(title, { body: body, data: data }));
});
// The alert app is installable: a worker that answers fetches (from the network, nothing cached:
// an alert must never be shown from a stale copy).
self.addEventListener("fetch", function () {});
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/alerts/";
  event.waitUntil(clients.openWindow(url));
});
"""
    return HttpResponse(script, content_type="text/javascript")
