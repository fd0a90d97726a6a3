from __future__ import annotations

from typing import Any

from django.contrib.auth.models import (  # type: ignore[attr-defined]  # private helpers, no stubs
    AbstractUser,
    _user_has_module_perms,
    _user_has_perm,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from .roles import Role


class Unit(models.Model):
    """A unit (单位) the plan names: a bureau, mass organisation, street office…"""

    class Kind(models.TextChoices):
        COORDINATION = "coordination", _("Coordination office")
        GOVERNMENT = "government", _("Government department")
        PARTY = "party", _("Party organ")
        MASS_ORG = "mass_org", _("Mass organisation")
        INSTITUTION = "institution", _("Public institution")
        JUDICIAL = "judicial", _("Court or procuratorate")
        STREET_OFFICE = "street_office", _("Street office or town government")
        # A school or kindergarten with its own accounts: its staff act for its own pupils only
        # (graded intervention); `aliases` holds the names its pupils' enrolments carry.
        SCHOOL = "school", _("School or kindergarten")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    aliases = models.JSONField(_("other names in the plan"), default=list, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region served"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("For street offices and town governments: their street or town."),
    )

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


def grant_of(role: str, jurisdiction_id: Any, unit_id: Any) -> str:
    """What a security administrator approves: this role, in this jurisdiction, for this unit."""
    return f"{role}|{jurisdiction_id or ''}|{unit_id or ''}"


class User(AbstractUser):
    # Blank until the security administrator gives one: an account the system administrator
    # creates can log in and see nothing.
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT)
    jurisdiction = models.ForeignKey(
        "regions.Region",
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("The region subtree this user may see. District-wide roles hold the district."),
    )
    phone = models.CharField(_("work phone"), max_length=20, blank=True)
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervisees",
        help_text=_("Told when this user's steps are overdue."),
    )
    # The grant (role, jurisdiction, unit) a security administrator approved. A role acts only
    # while it matches the account's current grant, so any change to role, jurisdiction or unit,
    # by whatever path, suspends the account's powers until approved again; so does a password
    # set by an administrator (accounts/access.py).
    approved_grant = models.CharField(_("approved grant"), max_length=80, blank=True, editable=False)
    access_approved_by = models.ForeignKey(
        "self",
        verbose_name=_("access approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    access_approved_at = models.DateTimeField(_("access approved"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        # Chinese order: family name first, no space (王协调).
        return f"{self.last_name}{self.first_name}".strip()

    def has_perm(self, perm: str, obj: Model | None = None) -> Any:
        # Django answers True for any active superuser; here the `rules` registry alone decides.
        return self.is_active and _user_has_perm(self, perm, obj)

    def has_module_perms(self, app_label: str) -> Any:
        return self.is_active and _user_has_module_perms(self, app_label)

    @property
    def grant(self) -> str:
        return grant_of(self.role, self.jurisdiction_id, self.unit_id)

    @property
    def access_approved(self) -> bool:
        """Whether the account's role acts: approved by a security administrator, as it is now."""
        return bool(self.role) and self.approved_grant == self.grant

    def clean(self) -> None:
        super().clean()
        if self.role and not self.is_superuser and self.jurisdiction_id is None:
            raise ValidationError({"jurisdiction": _("Every staff account needs a jurisdiction.")})
