"""残疾儿童康复救助 (国发〔2018〕20号; the plan's task (三)2): the special register of disabled
children, assistance applications reviewed by the disability federation, designated
rehabilitation institutions, and the monthly service each assisted child receives, settled
against the district's standard.

The register is kept from the master index's disability facts (register.py) and from health's
screening referrals; nothing here re-keys a child: every record points at the master index."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongyou.datahub.models import Child
from tongyou.privacy.fields import EncryptedTextField
from tongyou.regions.models import Region

PRIORITY_AGE = 10  # the plan: 0–10 first (国发〔2018〕20号 itself: 0–6)


class Category(models.TextChoices):
    """The six kinds the scheme names (国发〔2018〕20号 二(二)); "other" holds a disability fact the
    federation has still to assess (mental or multiple disability under GB/T 26341)."""

    VISUAL = "visual", _("Visual disability")
    HEARING = "hearing", _("Hearing disability")
    SPEECH = "speech", _("Speech disability")
    PHYSICAL = "physical", _("Physical disability")
    INTELLECTUAL = "intellectual", _("Intellectual disability")
    AUTISM = "autism", _("Autism")
    OTHER = "other", _("Other (to be assessed)")


class AidKind(models.TextChoices):
    """What the scheme pays for."""

    TRAINING = "training", _("Rehabilitation training")
    DEVICE = "device", _("Assistive device")
    SURGERY = "surgery", _("Surgery")


class Institution(models.Model):
    """A designated rehabilitation institution (定点康复机构): what it serves, and how many children
    it can take at once."""

    class Status(models.TextChoices):
        DESIGNATED = "designated", _("Designated")
        SUSPENDED = "suspended", _("Designation suspended")
        REVOKED = "revoked", _("Designation revoked")

    jurisdiction_field = "region"

    name = models.CharField(_("name"), max_length=100, unique=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("where it is"), on_delete=models.PROTECT)
    categories = models.JSONField(_("disabilities served"), default=list)
    aid_kinds = models.JSONField(_("aid given"), default=list)
    capacity = models.PositiveIntegerField(_("children served at once"))
    designated_until = models.DateField(_("designated until"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DESIGNATED)

    class Meta:
        verbose_name = _("designated rehabilitation institution")
        verbose_name_plural = _("designated rehabilitation institutions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def category_labels(self) -> str:
        return "、".join(str(Category(c).label) for c in self.categories if c in Category.values)

    def aid_labels(self) -> str:
        return "、".join(str(AidKind(a).label) for a in self.aid_kinds if a in AidKind.values)


class Registration(models.Model):
    """A disabled child on the special register (残疾儿童特别登记), once per kind of disability."""

    class Source(models.TextChoices):
        DISABILITY = "disability", _("Disability certificate (master index)")
        SCREENING = "screening", _("Screening referral from health")

    jurisdiction_field = "child__residence_region"
    audit_personal = True

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.CASCADE)
    category = models.CharField(_("kind of disability"), max_length=12, choices=Category.choices)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    registered_on = models.DateField(_("registered on"))
    # The denominator of RP-05: children assessed as needing rehabilitation. A referral or a
    # certificate is taken to need it until the federation records otherwise.
    needs_rehabilitation = models.BooleanField(_("needs rehabilitation"), default=True)
    screened_on = models.DateField(_("screened on"), null=True, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("screening finding"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("special registration")
        verbose_name_plural = _("special registrations")
        ordering = ["child__residence_region__code", "child__birth_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["child", "category"], name="rehab_one_registration_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} #{self.pk}"


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting the disability federation's review")
    RETURNED = "returned", _("Returned for more information")
    APPROVED = "approved", _("Assisted (in service)")
    REJECTED = "rejected", pgettext_lazy("an application", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("an application", "Withdrawn")
    CLOSED = "closed", _("Assistance ended")


LIVE = (Status.SUBMITTED, Status.RETURNED, Status.APPROVED)
ASSISTED = (Status.APPROVED, Status.CLOSED)


class Application(models.Model):
    """A guardian's application for assistance, filed through the community and reviewed by the
    district disability federation, which chooses the designated institution."""

    jurisdiction_field = "child__residence_region"
    audit_personal = True

    registration = models.ForeignKey(
        Registration, verbose_name=_("special registration"), on_delete=models.PROTECT
    )
    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="+")
    aid_kind = models.CharField(_("aid asked for"), max_length=10, choices=AidKind.choices)
    guardian_name = EncryptedTextField(_("guardian applying"), max_length=50)
    guardian_phone = EncryptedTextField(_("guardian's phone"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("designated institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_on = models.DateField(_("filed on"))
    step_due = models.DateField(_("review due by"), null=True, blank=True)
    approved_on = models.DateField(_("assistance from"), null=True, blank=True)
    closed_on = models.DateField(_("assistance ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("rehabilitation assistance application")
        verbose_name_plural = _("rehabilitation assistance applications")
        ordering = ["-filed_on", "-id"]
        constraints = [
            # One live application per child and kind of aid: two clicks file one.
            models.UniqueConstraint(
                fields=["child", "aid_kind"],
                condition=Q(status__in=["submitted", "returned", "approved"]),
                name="rehab_one_live_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_aid_kind_display()} #{self.pk}"


class ApplicationEvent(models.Model):
    """An application's history: who did what, when, and why."""

    jurisdiction_field = "application__child__residence_region"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("reason or note"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self) -> str:
        return f"{self.action} #{self.application_id}"


class Standard(models.Model):
    """The district's assistance standard: at most so much a year per child and kind of aid."""

    year = models.PositiveSmallIntegerField(_("year"))
    aid_kind = models.CharField(_("aid"), max_length=10, choices=AidKind.choices)
    annual_amount = models.DecimalField(_("at most a year per child (yuan)"), max_digits=9, decimal_places=2)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("assistance standard")
        verbose_name_plural = _("assistance standards")
        ordering = ["-year", "aid_kind"]
        constraints = [models.UniqueConstraint(fields=["year", "aid_kind"], name="rehab_one_standard")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_aid_kind_display()}: {self.annual_amount}"


class ServiceMonth(models.Model):
    """A month of service at the institution, as it bills it, and what the district settles:
    never more than the standard leaves for the child that year, and once."""

    jurisdiction_field = "application__child__residence_region"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="months")
    month = models.DateField(_("month"))  # its first day
    sessions = models.PositiveSmallIntegerField(_("sessions given"))
    billed = models.DecimalField(_("billed (yuan)"), max_digits=9, decimal_places=2)
    settled = models.DecimalField(_("settled (yuan)"), max_digits=9, decimal_places=2, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("settled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("month of service")
        verbose_name_plural = _("months of service")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["application", "month"], name="rehab_one_record_per_month"),
            models.CheckConstraint(condition=Q(billed__gte=0), name="rehab_billed_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} #{self.application_id}"
