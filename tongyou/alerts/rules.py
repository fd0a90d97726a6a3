from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules

from tongyou.accounts.roles import Role
from tongyou.core.predicates import has_role, in_jurisdiction, is_admin

if TYPE_CHECKING:
    from tongyou.accounts.models import User

# Only the police record, publish, update and end alerts (团圆: no approval chain).
police = has_role(Role.POLICE)
rules.add_perm("alerts.publish_missingchildcase", police & in_jurisdiction)
rules.add_perm("alerts.view_missingchildcase", police & in_jurisdiction)
rules.add_perm("alerts.view_sighting", police & in_jurisdiction)
rules.add_perm("alerts.view_camera", (police & in_jurisdiction) | is_admin)


@rules.predicate
def works_at(user: User, obj: Any = None) -> bool:
    """Staff of the venue (or of the venue of a Code Adam)."""
    if not user.is_authenticated:
        return False
    if obj is None:
        return user.venues.exists()
    venue = getattr(obj, "venue", obj)
    return venue.staff.filter(pk=user.pk).exists()


# Venue staff trigger and run Code Adam at their own venue; police of the area may follow it.
rules.add_perm("alerts.trigger_codeadam", has_role(Role.VENUE_STAFF) & works_at)
rules.add_perm("alerts.view_codeadam", (has_role(Role.VENUE_STAFF) & works_at) | (police & in_jurisdiction))

# Venues and cameras are set up by the system administrator in the admin site. Registered
# recipients (contacts) are not theirs to read: partner webhooks are approved by police below.
rules.add_perm("alerts", is_admin)
rules.add_perm("alerts.view_venue", is_admin)
for model in ("venue", "camera"):
    for action in ("add", "change", "delete"):
        rules.add_perm(f"alerts.{action}_{model}", is_admin)

# Partner webhooks: a police officer approves each before the worker posts anything to it.
rules.add_perm("alerts.approve_recipient", police)
