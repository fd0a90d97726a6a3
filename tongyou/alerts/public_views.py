"""What everyone sees: active alerts on a page and a map, each with a sighting form; the CAP feed
and messages for other systems. An ended alert is gone from all of them at once."""

import datetime
import json
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from tongyou.core.ratelimit import ratelimit
from tongyou.core.uploads import upload_limit

from .models import AlertMessage, MissingChildCase
from .services import cap, venues
from .views import read_photo

CAP_TYPE = "application/cap+xml; charset=utf-8"


def active_cases():
    return MissingChildCase.objects.filter(state=MissingChildCase.State.ACTIVE)


@never_cache
def public_list(request):
    cases = list(active_cases())
    points = [
        {
            "ref": c.reference,
            "lat": c.latitude,
            "lng": c.longitude,
            "radius_km": c.radius_km,
            "title": c.headline,
        }
        for c in cases
    ]
    return render(request, "alerts/public_list.html", {"cases": cases, "points": points})


class SightingForm(forms.Form):
    seen_at = forms.DateTimeField(
        label=_("When did you see the child?"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    latitude = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What you saw"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    photo = forms.FileField(label=_("Photo (optional)"), required=False)
    contact = forms.CharField(label=_("Your phone (optional, police only)"), max_length=30, required=False)

    def clean_seen_at(self):
        seen_at = self.cleaned_data["seen_at"]
        if seen_at > timezone.now():
            raise forms.ValidationError(_("That time is in the future."))
        return seen_at

    def clean_photo(self):
        return read_photo(self.cleaned_data.get("photo"))


@upload_limit(3 * 1024 * 1024)
@never_cache  # the child's name and photo: no copy may outlive the alert in a cache
@ratelimit(key="ip", rate="10/h")
def public_detail(request, reference):
    case = get_object_or_404(active_cases(), reference=reference)
    form = SightingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and getattr(request, "limited", False):
        return render(
            request, "alerts/public_detail.html", {"case": case, "form": form, "limited": True}, status=429
        )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo, photo_type = data.pop("photo")
        venues.receive_sighting(case, photo=photo, photo_type=photo_type, **data)
        return render(request, "alerts/sighting_thanks.html", {"case": case})
    return render(
        request,
        "alerts/public_detail.html",
        {
            "case": case,
            "form": form,
            # The name the template and alerts.js read: the circle drawn on the sighting map.
            "circles": [{"lat": case.latitude, "lng": case.longitude, "radius_km": case.radius_km}],
        },
    )


def public_photo(request, reference):
    case = get_object_or_404(active_cases(), reference=reference)
    if not case.photo:
        raise Http404
    response = HttpResponse(bytes(case.photo), content_type=case.photo_type)
    response["Cache-Control"] = "no-store"  # no copy outlives the alert in a cache
    return response


def cap_feed(request):
    """The latest message of every active alert, and the Cancel of every alert ended in the last
    ALERT_RETENTION_DAYS: a poller that missed the push still learns the child was found."""
    latest = {}
    for message in (
        AlertMessage.objects.filter(case__state=MissingChildCase.State.ACTIVE)
        .select_related("case")
        .order_by("sent")
    ):
        latest[message.case_id] = message
    ended_since = timezone.now() - datetime.timedelta(days=settings.ALERT_RETENTION_DAYS)
    for message in AlertMessage.objects.filter(
        msg_type=AlertMessage.Type.CANCEL, case__ended_at__gte=ended_since
    ).select_related("case"):
        latest[message.case_id] = message
    return HttpResponse(
        cap.atom_feed(sorted(latest.values(), key=lambda m: m.sent, reverse=True)),
        content_type="application/atom+xml; charset=utf-8",
    )


def cap_message(request, identifier):
    """A CAP message: an alert's messages while it is active, and its Cancel afterwards (so
    systems that received it can withdraw it); never the details of an ended alert."""
    message = get_object_or_404(AlertMessage.objects.select_related("case"), identifier=identifier)
    if not message.case.is_public and message.msg_type != AlertMessage.Type.CANCEL:
        raise Http404
    return HttpResponse(cap.as_document(message.cap_xml), content_type=CAP_TYPE)


def app(request):
    """The public alert app (installable): the phone computes its own H3 cells and subscribes over
    MQTT on WebSockets; the server never learns where it is."""
    broker = settings.MQTT_WS_URL
    response = render(
        request,
        "alerts/app.html",
        {
            "broker": broker,
            "prefix": settings.MQTT_TOPIC_PREFIX,
            "resolutions": json.dumps(sorted({res for _km, res in settings.ALERT_CELL_RESOLUTIONS})),
        },
    )
    # The page may talk to the broker's WebSocket listener, and to nothing else.
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(broker))
    response._csp_config = {**settings.SECURE_CSP, "connect-src": [CSP.SELF, origin]}
    return response


def app_manifest(request):
    """The web app manifest that makes the alert page installable."""
    manifest = {
        "name": "童友·身边的儿童失踪预警",
        "short_name": "儿童失踪预警",
        "start_url": reverse("alerts:app"),
        "scope": reverse("alerts:public_list"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#e03131",
        "lang": "zh-CN",
        "icons": [
            {"src": static("alerts/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("alerts/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return HttpResponse(json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json")
