"""The roles of Tongyou. What each may do is in the apps' `rules.py`; who may see
which region is in `tongyou.core.scoping`. docs/security.md has the matrix."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # The three administrators of 等保 2.0 (三员分立): none of them reads children's records, and
    # none can do another's part (docs/security.md, "Separation of duties").
    ADMIN = "admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")
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
ADMINISTRATORS = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# The administrators who work in the admin site (the audit administrator reads the audit log page).
ADMIN_SITE_ROLES = frozenset({Role.ADMIN, Role.SECURITY_ADMIN})
# Roles that may see aggregate figures (protected by core/disclosure.py unless they read records).
AGGREGATE_READERS = frozenset(Role) - ADMINISTRATORS - {Role.VENUE_STAFF}
