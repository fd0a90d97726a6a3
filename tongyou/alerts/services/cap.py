"""CAP 1.2 messages (OASIS Common Alerting Protocol) and the Atom feed of active alerts.

Alert, Update and Cancel carry a circle area `lat,lon radius_km` (WGS 84); an Update or Cancel
lists every earlier message of the case in `references` as `sender,identifier,sent`."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from . import wording

if TYPE_CHECKING:
    from tongyou.alerts.models import MissingChildCase

NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM = "http://www.w3.org/2005/Atom"
# Each document declares its one namespace as the default on its root (xmlns=…), and children
# are unprefixed: no global prefix registry is touched.


def cap_time(moment: Any) -> str:
    """xs:dateTime with an explicit offset and no fraction, as CAP requires."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _add(parent: Element, tag: str, text: str) -> Element:
    element = ET.SubElement(parent, tag)
    element.text = str(text)
    return element


def public_url(path: str) -> Any:
    return settings.PUBLIC_URL.rstrip("/") + path


def build(
    case: MissingChildCase, msg_type: str, identifier: Any, sent: Any, radius_km: float, earlier: Any
) -> str:
    """The CAP document of one message. `earlier`: the case's previous AlertMessages."""
    alert = ET.Element("alert", xmlns=NS)
    _add(alert, "identifier", identifier)
    _add(alert, "sender", settings.ALERT_SENDER)
    _add(alert, "sent", cap_time(sent))
    _add(alert, "status", "Exercise" if case.is_drill else "Actual")
    _add(alert, "msgType", msg_type)
    _add(alert, "scope", "Public")
    if earlier:
        _add(
            alert,
            "references",
            " ".join(f"{settings.ALERT_SENDER},{m.identifier},{cap_time(m.sent)}" for m in earlier),
        )
    info = ET.SubElement(alert, "info")
    _add(info, "language", "zh-CN")
    _add(info, "category", "Rescue")
    _add(info, "event", "儿童失踪")
    if msg_type == "Cancel":
        _add(info, "urgency", "Past")
        _add(info, "severity", "Minor")
        _add(info, "certainty", "Observed")
        _add(info, "senderName", "玉泉区儿童安全平台")
        outcome = "已找到" if case.state == "found" else "预警解除"
        _add(info, "headline", wording.cancel_headline(case, outcome))
        _add(info, "description", "该预警已结束，请删除您转发的信息。感谢您的关注与帮助。")
    else:
        _add(info, "urgency", "Immediate")
        _add(info, "severity", "Severe")
        _add(info, "certainty", "Likely")
        # Every Alert and Update says until when it holds; the worker re-issues an active alert
        # before then (publishing.refresh_due), so a receiver never drops a child still missing.
        _add(info, "expires", cap_time(sent + datetime.timedelta(hours=settings.ALERT_CAP_EXPIRES_HOURS)))
        _add(info, "senderName", "玉泉区儿童安全平台")
        _add(info, "headline", wording.headline(case))
        details = [
            wording.DRILL_NOTE if case.is_drill else "",
            f"最后出现：{timezone.localtime(case.last_seen_at):%Y-%m-%d %H:%M}，{case.last_seen_place}。",
            f"体貌：{case.description}" if case.description else "",
            f"衣着：{case.clothing}" if case.clothing else "",
            f"可疑人员：{case.suspect}" if case.suspect else "",
            f"车辆：{case.vehicle}" if case.vehicle else "",
        ]
        _add(info, "description", "\n".join(d for d in details if d))
        _add(info, "instruction", "如发现线索，请立即拨打110，或在页面上提交线索。请勿自行采取行动。")
        _add(info, "web", public_url(reverse("alerts:public_detail", args=[case.reference])))
        _add(info, "contact", "110")
        if case.photo:
            resource = ET.SubElement(info, "resource")
            _add(resource, "resourceDesc", "儿童照片")
            _add(resource, "mimeType", case.photo_type or "image/jpeg")
            _add(resource, "uri", public_url(reverse("alerts:public_photo", args=[case.reference])))
    area = ET.SubElement(info, "area")
    _add(area, "areaDesc", f"{case.last_seen_place}周边{radius_km}公里")
    _add(area, "circle", f"{case.latitude:.5f},{case.longitude:.5f} {radius_km}")
    return ET.tostring(alert, encoding="unicode", xml_declaration=False)


def as_document(cap_xml: Any) -> Any:
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + cap_xml


def atom_feed(messages: Any, now: datetime.datetime | None = None) -> str:
    """An Atom feed whose entries link to the latest CAP message of each active case."""
    feed = ET.Element("feed", xmlns=ATOM)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: Any) -> ET.Element:
        element = ET.SubElement(parent, tag, attrs)
        if text is not None:
            element.text = text
        return element

    add(feed, "id", public_url(reverse("alerts:cap_feed")))
    add(feed, "title", "玉泉区儿童失踪预警（CAP 1.2）")
    add(feed, "updated", cap_time(now or timezone.now()))
    add(feed, "link", rel="self", href=public_url(reverse("alerts:cap_feed")))
    author = add(feed, "author")
    add(author, "name", settings.ALERT_SENDER)
    for message in messages:
        entry = add(feed, "entry")
        add(entry, "id", f"urn:cap:{message.identifier}")
        add(entry, "title", f"{message.case.reference} {message.msg_type}")
        add(entry, "updated", cap_time(message.sent))
        add(
            entry,
            "link",
            rel="alternate",
            type="application/cap+xml",
            href=public_url(reverse("alerts:cap_message", args=[message.identifier])),
        )
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(feed, encoding="unicode")
