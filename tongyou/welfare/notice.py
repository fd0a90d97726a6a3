"""公示: the public notice of orphans approved for the basic living allowance, for its notice
period and no longer. Names are masked as local practice publishes them (张*三), with the
community and the category; nothing else of the child or the family. De-facto-unsupported
children are never published (民发〔2019〕62号 leaves them out to protect them): their
applications skip the notice, and this list admits orphans' categories only."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tongyou.privacy.masking import mask_name

from .models import AllowanceApplication, Category, Status

PUBLISHED_CATEGORIES = (Category.ORPHAN, Category.ORPHAN_INSTITUTION)


def on_notice(today: dt.date | None = None) -> list:
    """The rows of today's notice: orphans whose notice period runs, masked."""
    today = today or timezone.localdate()
    applications = (
        AllowanceApplication.objects.filter(
            status=Status.IN_PUBLIC_NOTICE,
            category__in=PUBLISHED_CATEGORIES,
            step_due__gte=today,
        )
        .select_related("child__residence_region__parent__parent")
        .order_by("child__residence_region__path", "pk")
    )
    rows = []
    for application in applications:
        region = application.child.residence_region
        community = region.community
        street = community.parent
        started = application.events.filter(to_status=Status.IN_PUBLIC_NOTICE).order_by("-id").first()
        rows.append(
            {
                "name": mask_name(application.child.name),
                "street": street.name if street else "",
                "community": community.name,
                "category": application.get_category_display(),
                "from": started.on if started else None,
                "until": application.step_due,
            }
        )
    return rows
