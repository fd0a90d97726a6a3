"""The ledger (台账) of children in the registers, kept fresh by visits at least every quarter.

A child is in the registers while a category (orphan, de-facto unsupported, in difficulty,
left-behind) holds for them, or an allowance is being paid. A record is overdue when its last
visit is older than LEDGER_REVIEW_DAYS (default 92, a quarter)."""

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.core.scoping import require, scoped
from tongyou.datahub.codes import ChildStatus
from tongyou.datahub.models import Child, StatusPeriod
from tongyou.datahub.services.filters import current

from . import harm
from .models import AllowanceApplication, Status, Visit

REGISTER_CATEGORIES = (
    ChildStatus.ORPHAN,
    ChildStatus.DE_FACTO_UNSUPPORTED,
    ChildStatus.IN_DIFFICULTY,
    ChildStatus.LEFT_BEHIND,
)


def review_days():
    return getattr(settings, "LEDGER_REVIEW_DAYS", 92)


def registered(user, today=None):
    """Children in the registers that the user may see, with their last visit date."""
    today = today or timezone.localdate()
    in_category = Exists(current(StatusPeriod, today, status__in=REGISTER_CATEGORIES))
    paid = Exists(AllowanceApplication.objects.filter(child=OuterRef("pk"), status=Status.ACTIVE))
    return (
        scoped(Child.objects.all(), user)
        .filter(Q(in_category) | Q(paid))
        .annotate(last_visit=Max("visits__visited_on"))
    )


def is_overdue(last_visit, today=None):
    today = today or timezone.localdate()
    return last_visit is None or (today - last_visit).days > review_days()


def overdue_by_area(children, today=None):
    """{(street name, community name): (registered, overdue)} for the dashboard, from the
    children `registered()` gave (with their residence's parents selected)."""
    today = today or timezone.localdate()
    table = {}
    for child in children:
        community = child.residence_region.community
        key = (community.parent.name, community.name)
        total, late = table.get(key, (0, 0))
        table[key] = (total + 1, late + is_overdue(child.last_visit, today))
    return dict(sorted(table.items()))


@transaction.atomic
def record_visit(child, user, visited_on, risk, notes=""):
    """Record a visit; a high guardianship risk files a staff harm report for the area at once."""
    require(user, "welfare.add_visit", child)
    if visited_on > timezone.localdate():
        raise ValueError(_("A visit cannot be in the future."))
    visit = Visit.objects.create(child=child, visited_on=visited_on, visitor=user, risk=risk, notes=notes)
    if risk == Visit.Risk.HIGH:
        region = child.residence_region
        description = _("Referral from a home visit: guardianship assessed as high risk. %(notes)s") % {
            "notes": notes
        }
        visit.referral = harm.receive(
            situation="9",
            description=description,
            region=region.community,
            child_name=child.name,
            child=child,
            from_public=False,
        )
        visit.save()
    return visit
