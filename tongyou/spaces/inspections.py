"""Standards checklists and inspections: a failed item is a rectification due in
SPACES_RECTIFICATION_WORKING_DAYS (default 20, our choice); facilities that must be monitored
periodically (plan task 四.5: play areas, training institutions and sports venues;
SPACES_INSPECTION_INTERVAL_DAYS, default 180) are overdue when their last inspection is older."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core import uploads
from tongyou.core.errors import Refusal
from tongyou.core.scoping import require
from tongyou.core.workdays import add_working_days

from .models import ChecklistItem, Facility, FacilityPhoto, Finding, Inspection

if TYPE_CHECKING:
    from tongyou.accounts.models import User

CHECKLISTS = Path(__file__).parent / "data" / "checklists.json"
MONITORED_KINDS = ("play_area", "training", "sports")


def load_checklists(path: Path = CHECKLISTS) -> int:
    data = json.loads(Path(path).read_text(encoding="utf-8"))["checklists"]
    count = 0
    for kind, items in data.items():
        for code, text in items:
            ChecklistItem.objects.update_or_create(kind=kind, code=code, defaults={"text": text})
            count += 1
    return count


def rectification_days() -> Any:
    return getattr(settings, "SPACES_RECTIFICATION_WORKING_DAYS", 20)


def inspection_interval() -> Any:
    return getattr(settings, "SPACES_INSPECTION_INTERVAL_DAYS", 180)


@transaction.atomic
def record_inspection(
    facility: Facility, user: User, passed_codes: Any, on: datetime.date | None = None, notes: Any = ""
) -> Any:
    """Record an inspection: every checklist item of the facility's type is found passed if its
    code is in `passed_codes`, failed otherwise (with a rectification deadline)."""
    require(user, "spaces.inspect_facility", facility)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise Refusal(_("An inspection cannot be in the future."))
    items = list(ChecklistItem.objects.filter(kind=facility.kind))
    if not items:
        raise Refusal(_("There is no checklist for this type of facility."))
    inspection = Inspection.objects.create(facility=facility, inspected_on=on, inspector=user, notes=notes)
    due = add_working_days(on, rectification_days())
    Finding.objects.bulk_create(
        Finding(
            inspection=inspection,
            item=item,
            passed=item.code in passed_codes,
            rectify_by=None if item.code in passed_codes else due,
        )
        for item in items
    )
    record(
        AuditEntry.Action.CREATE,
        user=user,
        obj=inspection,
        details={"failed": len(items) - len(set(passed_codes))},
    )
    return inspection


PHOTO_MAX_BYTES = 5 * 1024 * 1024


def add_photo(facility: Facility, user: User, upload: Any, caption: str = "") -> FacilityPhoto:
    """A JPEG or PNG photo of the facility (recognised by content, at most 5 MB), from a file
    object; no more than the limit is read."""
    require(user, "spaces.inspect_facility", facility)
    kind, content = uploads.accept(
        upload,
        uploads.IMAGES,
        PHOTO_MAX_BYTES,
        too_large=_("The photo is larger than 5 MB."),
        wrong_kind=_("Upload a JPEG or PNG photo."),
    )
    photo = FacilityPhoto.objects.create(
        facility=facility, image=content, content_type=kind, caption=caption[:100], uploaded_by=user
    )
    record(AuditEntry.Action.CREATE, user=user, obj=photo, details={"facility": facility.pk})
    return photo


def rectify(finding: Finding, user: User, on: datetime.date | None = None) -> Any:
    require(user, "spaces.inspect_facility", finding.inspection.facility)
    if finding.passed or finding.rectified_on:
        raise Refusal(_("Nothing to rectify."))
    finding.rectified_on = on or timezone.localdate()
    finding.save(update_fields=["rectified_on"])
    return finding


def open_rectifications(findings: Any) -> Any:
    return findings.filter(passed=False, rectified_on__isnull=True).select_related(
        "item", "inspection__facility"
    )


def meets_standard(facility: Facility) -> bool | None:
    """True if the latest inspection found every item (or it was rectified); None if never inspected."""
    latest = facility.inspections.first()
    if latest is None:
        return None
    return not latest.findings.filter(passed=False, rectified_on__isnull=True).exists()


def overdue_monitoring(facilities: Any, today: datetime.date | None = None) -> list:
    """Facilities under periodic monitoring whose last inspection is too old (or missing)."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=inspection_interval())
    monitored = facilities.filter(kind__in=MONITORED_KINDS).annotate(last=Max("inspections__inspected_on"))
    return [f for f in monitored if f.last is None or f.last < cutoff]


def monitored_in_year(facilities: Any, year: int) -> tuple:
    """(inspected in `year`, all) of the facilities under periodic monitoring: GS-08."""
    monitored = facilities.filter(kind__in=MONITORED_KINDS)
    inspected = monitored.filter(
        Exists(Inspection.objects.filter(facility=OuterRef("pk"), inspected_on__year=year))
    )
    return inspected, monitored


def _latest_inspection() -> QuerySet[Inspection, Any]:
    return (
        Inspection.objects.filter(facility=OuterRef("pk")).order_by("-inspected_on", "-id").values("pk")[:1]
    )


def found_in_latest_inspection(facilities: Any, item_code: Any) -> Any:
    """The facilities whose latest inspection found the checklist item `item_code` in place
    (passed, or rectified since): a mother-baby room built in a large public place (GS-02)."""
    in_place = Finding.objects.filter(inspection=OuterRef("latest"), item__code=item_code).filter(
        Q(passed=True) | Q(rectified_on__isnull=False)
    )
    return facilities.annotate(latest=Subquery(_latest_inspection())).filter(Exists(in_place))


def share_meeting_standard(kind: str) -> tuple:
    """(meeting, all) for a facility type, as `meets_standard` decides it for each, in two
    queries: the plan's 100% targets (bus hubs, public places)."""
    facilities = Facility.objects.filter(kind=kind)
    open_item = Finding.objects.filter(inspection=OuterRef("latest"), passed=False, rectified_on__isnull=True)
    meeting = (
        facilities.annotate(latest=Subquery(_latest_inspection()))
        .filter(latest__isnull=False)
        .exclude(Exists(open_item))
    )
    return meeting.count(), facilities.count()
