"""The roles of Tongyou. What each may do is in the apps' `rules.py`; who may see
which region is in `tongyou.core.scoping`. docs/security.md has the matrix."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    COORDINATOR = "coordinator", _("Coordinator, Women and Children Working Committee office")
    UNIT_OFFICER = "unit_officer", _("Unit officer")
    CASEWORKER = "caseworker", _("Civil-affairs caseworker")
    STREET_OFFICER = "street_officer", _("Street or town officer")
    CHILD_DIRECTOR = "child_director", _("Community child director")
    POLICE = "police", _("Police officer")
    RESEARCHER = "researcher", _("Researcher (aggregates only)")
    VENUE_STAFF = "venue_staff", _("Venue staff (Code Adam)")


# Roles that may read a named child's record inside their jurisdiction.
PERSON_READERS = frozenset({Role.CASEWORKER, Role.STREET_OFFICER, Role.CHILD_DIRECTOR, Role.POLICE})
# Roles that may export lists of named children (scoped, audited, watermarked).
PERSON_EXPORTERS = frozenset({Role.CASEWORKER, Role.STREET_OFFICER, Role.CHILD_DIRECTOR})
# Roles that may see aggregate figures (with small cells suppressed unless they are person readers).
AGGREGATE_READERS = frozenset(Role) - {Role.ADMIN, Role.VENUE_STAFF}
