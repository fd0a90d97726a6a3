"""Active alerts for partner systems: the same CAP documents as the feed, as JSON."""

from django.urls import reverse
from ninja import Router, Schema

from .public_views import active_cases
from .services import cap

router = Router(tags=["alerts"])


class ActiveAlert(Schema):
    reference: str
    identifier: str
    msg_type: str
    sent: str
    radius_km: int
    latitude: float
    longitude: float
    cap_url: str
    cap: str


@router.get("/alerts/active", response=list[ActiveAlert], auth=None)
def active_alerts(request):
    """The latest CAP message of every active alert. Public, like the alerts themselves."""
    rows = []
    for case in active_cases().prefetch_related("messages"):
        message = list(case.messages.all())[-1]
        rows.append(
            ActiveAlert(
                reference=case.reference,
                identifier=message.identifier,
                msg_type=message.msg_type,
                sent=cap.cap_time(message.sent),
                radius_km=message.radius_km,
                latitude=case.latitude,
                longitude=case.longitude,
                cap_url=cap.public_url(reverse("alerts:cap_message", args=[message.identifier])),
                cap=message.cap_xml,
            )
        )
    return rows
