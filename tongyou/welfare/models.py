"""Allowance applications for orphans and de-facto-unsupported children (plan area 三.1).

The steps and their time limits are in `workflow.py`; every change of state is an
ApplicationEvent and an audit entry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    ORPHAN = "orphan", _("Orphan (dispersed)")
    UNSUPPORTED = "unsupported", _("De-facto unsupported child")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the street or town")
    RETURNED = "returned", _("Returned for more evidence")
    TOWN_APPROVED = "town_approved", _("Reviewed by the street or town")
    IN_PUBLIC_NOTICE = "in_public_notice", _("In public notice")
    APPROVED = "approved", _("Approved by the district")
    ACTIVE = "active", _("Active: paid monthly")
    REJECTED = "rejected", _("Rejected")
    APPEALED = "appealed", _("Appealed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    TERMINATED = "terminated", _("Terminated")


class AllowanceApplication(models.Model):
    jurisdiction_field = "child__residence_region"
    audit_personal = True

    child = models.ForeignKey("datahub.Child", verbose_name=_("child"), on_delete=models.PROTECT)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    applicant_name = models.CharField(_("applicant (guardian or relative)"), max_length=50)
    filed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    step_due = models.DateField(_("current step due"), null=True, blank=True)
    payment_start = models.DateField(_("paid from"), null=True, blank=True)
    payment_end = models.DateField(_("paid until (exclusive)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("allowance application")
        verbose_name_plural = _("allowance applications")
        ordering = ["-id"]

    def __str__(self):
        return f"Application #{self.pk}"


class ApplicationEvent(models.Model):
    application = models.ForeignKey(AllowanceApplication, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices)
    actor = models.ForeignKey(
        "accounts.User", verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    on = models.DateField(_("on"))
    at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["application", "id"]

    def __str__(self):
        return f"{self.action} #{self.pk}"


class AllowanceStandard(models.Model):
    """A monthly amount per category from a date; it applies to payments for months from then on."""

    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    monthly_amount = models.DecimalField(_("monthly amount (yuan)"), max_digits=8, decimal_places=2)
    effective_from = models.DateField(_("effective from"))
    basis = models.CharField(_("basis (document)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("allowance standard")
        verbose_name_plural = _("allowance standards")
        ordering = ["category", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "effective_from"], name="one_standard_per_category_and_day"
            )
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.monthly_amount} ({self.effective_from})"


class DisbursementRun(models.Model):
    """Who is paid what for one month. A month has one run, and a run is paid once."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PAID = "paid", _("Paid")

    month = models.DateField(_("month (first day)"), unique=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("prepared by"), on_delete=models.PROTECT, related_name="+"
    )
    paid_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("paid by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("disbursement run")
        verbose_name_plural = _("disbursement runs")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class Payment(models.Model):
    jurisdiction_field = "application__child__residence_region"

    run = models.ForeignKey(DisbursementRun, on_delete=models.CASCADE, related_name="payments")
    application = models.ForeignKey(AllowanceApplication, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=8, decimal_places=2)
    standard = models.ForeignKey(AllowanceStandard, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.UniqueConstraint(fields=["run", "application"], name="one_payment_per_month")]

    def __str__(self):
        return f"Payment #{self.pk}"
