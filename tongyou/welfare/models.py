"""Allowance applications for orphans and de-facto-unsupported children (plan area 三.1).

The steps and their time limits are in `workflow.py`; every change of state is an
ApplicationEvent and an audit entry."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongyou.privacy.fields import EncryptedTextField


class Category(models.TextChoices):
    """What a child is identified as (认定). The first three carry a monthly allowance; the
    others are registered for protection and services (setting WELFARE_ALLOWANCE_CATEGORIES)."""

    ORPHAN = "orphan", _("Orphan in family-based (dispersed) care")
    ORPHAN_INSTITUTION = "orphan_institution", _("Orphan in institutional care")
    UNSUPPORTED = "unsupported", _("De-facto unsupported child")
    DIFFICULTY_POVERTY = "difficulty_poverty", _("Child in difficulty: family poverty")
    DIFFICULTY_DISABILITY = "difficulty_disability", _("Child in difficulty: own disability")
    DIFFICULTY_GUARDIANSHIP = (
        "difficulty_guardianship",
        _("Child in difficulty: guardianship missing or improper"),
    )
    LEFT_BEHIND = "left_behind", _("Rural left-behind child")
    LOW_INCOME = "low_income", _("Child of a low-income (dibao) family")
    EXTREMELY_POOR = "extremely_poor", _("Child supported as extremely poor (tekun)")


class ParentSituation(models.TextChoices):
    """A parent's situation as the identification rules name it (民发〔2019〕62号 for 事实无人抚养
    儿童; 国发〔2016〕13号 for left-behind children)."""

    ABLE = "able", _("Present and able to care")
    DEAD = "dead", _("Dead (or declared dead)")
    DECLARED_MISSING = "declared_missing", _("Declared missing by a court")
    LOST_CONTACT = "lost_contact", _("Out of contact for six months or more")
    SEVERE_DISABILITY = "severe_disability", _("Severely disabled")
    SERIOUS_ILLNESS = "serious_illness", _("Seriously ill")
    DEPRIVED_OF_LIBERTY = "deprived_of_liberty", _("Imprisoned or in compulsory detox, six months or more")
    GUARDIANSHIP_REVOKED = "guardianship_revoked", _("Guardianship revoked by a court")
    DEPORTED = "deported", _("Deported or expelled")
    AWAY_FOR_WORK = "away_for_work", _("Away for work")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the street or town")
    RETURNED = "returned", _("Returned for more evidence")
    TOWN_APPROVED = "town_approved", _("Reviewed by the street or town")
    IN_PUBLIC_NOTICE = "in_public_notice", _("In public notice")
    APPROVED = "approved", _("Approved by the district")
    ACTIVE = "active", _("Active: paid monthly")
    SUSPENDED = "suspended", _("Suspended: not paid until resumed")
    REJECTED = "rejected", _("Rejected")
    APPEALED = "appealed", _("Appealed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    TERMINATED = "terminated", _("Terminated")


class AllowanceApplication(models.Model):
    jurisdiction_field = "child__residence_region"
    audit_personal = True

    child = models.ForeignKey("datahub.Child", verbose_name=_("child"), on_delete=models.PROTECT)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    applicant_name = EncryptedTextField(_("applicant (guardian or relative)"), max_length=50)
    father_situation = models.CharField(
        _("father's situation"), max_length=24, choices=ParentSituation.choices, blank=True
    )
    mother_situation = models.CharField(
        _("mother's situation"), max_length=24, choices=ParentSituation.choices, blank=True
    )
    bank_name = models.CharField(_("bank"), max_length=60, blank=True)
    account_holder = EncryptedTextField(_("account holder"), max_length=50, blank=True)
    # Banks match a payee by name and resident ID number: the account holder's, encrypted.
    account_holder_id_number = EncryptedTextField(_("account holder's ID number"), blank=True)
    account_number = EncryptedTextField(_("account number"), blank=True)
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

    def __str__(self) -> str:
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

    def __str__(self) -> str:
        return f"{self.action} #{self.pk}"


class EvidenceKind(models.TextChoices):
    HOUSEHOLD_REGISTER = "household_register", _("Household register (户口簿) or birth certificate")
    DEATH_CERTIFICATE = "death_certificate", _("Death certificate or court declaration of death")
    COURT_DECLARATION = "court_declaration", _("Court declaration of disappearance")
    POLICE_REPORT = "police_report", _("Police record of an unsuccessful search")
    DISABILITY_CARD = "disability_card", _("Disability card (残疾人证)")
    DIAGNOSIS = "diagnosis", _("Hospital diagnosis of serious illness")
    DETENTION_DOCUMENT = "detention_document", _("Judgment or detention decision")
    COURT_JUDGMENT = "court_judgment", _("Court judgment revoking guardianship")
    DEPORTATION_DOCUMENT = "deportation_document", _("Deportation or expulsion document")
    WORK_CERTIFICATE = "work_certificate", _("Proof of work away from home")
    LOW_INCOME_CERTIFICATE = "low_income_certificate", _("Dibao or tekun certificate")
    GUARDIANSHIP_AGREEMENT = "guardianship_agreement", _("Signed guardianship agreement")
    OTHER = "other", _("Other")


class Evidence(models.Model):
    """A document attached to an application. The file is encrypted in the database, like every
    other personal field, and reading it is an audited action."""

    jurisdiction_field = "application__child__residence_region"
    audit_personal = True

    application = models.ForeignKey(AllowanceApplication, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind of evidence"), max_length=24, choices=EvidenceKind.choices)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content = EncryptedTextField(_("content (encrypted)"))
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return f"Evidence #{self.pk}"


class AllowanceStandard(models.Model):
    """A monthly amount per category from a date; it applies to payments for months from then on."""

    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
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

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.monthly_amount} ({self.effective_from})"


class DisbursementRun(models.Model):
    """Who is paid what for one month. A month has one run, and a run is paid once."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved for the bank")
        PAID = "paid", _("Paid")

    month = models.DateField(_("month (first day)"), unique=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.DRAFT)
    # Approval checks the list against today's applications and standards and freezes it: the
    # bank file is made only from an approved list, so its references never change afterwards.
    approved_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
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

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class Payment(models.Model):
    """One transfer: the month's allowance, or the re-issue of a payment the bank returned."""

    jurisdiction_field = "application__child__residence_region"

    class State(models.TextChoices):
        SENT = "sent", _("Sent to the bank")
        RETURNED = "returned", _("Returned by the bank")

    run = models.ForeignKey(DisbursementRun, on_delete=models.CASCADE, related_name="payments")
    application = models.ForeignKey(AllowanceApplication, on_delete=models.PROTECT, related_name="payments")
    # The child paid, copied from the application so that the database itself refuses a second
    # allowance for one child in one month, whatever the applications.
    child = models.ForeignKey(
        "datahub.Child", verbose_name=_("child"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=8, decimal_places=2)
    standard = models.ForeignKey(AllowanceStandard, on_delete=models.PROTECT, related_name="+")
    reissue_of = models.OneToOneField(
        "self",
        verbose_name=_("re-issue of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reissue",
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.SENT)
    return_reason = models.CharField(_("reason returned"), max_length=200, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "application"],
                condition=models.Q(reissue_of__isnull=True),
                name="one_payment_per_month",
            ),
            models.UniqueConstraint(
                fields=["run", "child"],
                condition=models.Q(reissue_of__isnull=True),
                name="one_allowance_per_child_per_month",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The reference printed in the bank file and quoted back in the bank's return file."""
        return f"TY{self.run.month:%Y%m}{self.pk:07d}"


class SpotCheck(models.Model):
    """A reproducible random sample of a paid month, stratified by street (抽查): the same seed
    and rate always draw the same payments."""

    run = models.ForeignKey(DisbursementRun, on_delete=models.PROTECT, related_name="spot_checks")
    rate = models.DecimalField(_("sampling rate"), max_digits=4, decimal_places=3)
    seed = models.PositiveBigIntegerField(_("random seed"))
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("drawn by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("drawn"), auto_now_add=True)

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Spot check #{self.pk}"


class SpotCheckItem(models.Model):
    jurisdiction_field = "payment__application__child__residence_region"
    audit_personal = True

    class Finding(models.TextChoices):
        PENDING = "pending", _("Not yet checked")
        CONFIRMED = "confirmed", _("Confirmed: paid, received and used for the child")
        PROBLEM = "problem", _("Problem found")

    spot_check = models.ForeignKey(SpotCheck, on_delete=models.CASCADE, related_name="items")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("regions.Region", verbose_name=_("street or town"), on_delete=models.PROTECT)
    finding = models.CharField(_("finding"), max_length=10, choices=Finding.choices, default=Finding.PENDING)
    note = EncryptedTextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = EncryptedTextField(_("how it was resolved"), blank=True)

    class Meta:
        verbose_name = _("spot-check item")
        verbose_name_plural = _("spot-check items")
        ordering = ["spot_check", "street", "id"]
        constraints = [models.UniqueConstraint(fields=["spot_check", "payment"], name="one_item_per_payment")]

    def __str__(self) -> str:
        return f"Spot-check item #{self.pk}"


class HarmSituation(models.TextChoices):
    """The nine situations that oblige mandated reporters to report (强制报告, 2020 opinions)."""

    INJURY_PRIVATE = "1", _("Abnormal injury to the genitals or private parts")
    UNDER_14_SEXUAL = (
        "2",
        _("A girl under 14 sexually assaulted, pregnant or after an abortion (or suspected)"),
    )
    OVER_14_SEXUAL = (
        "3",
        _("A girl of 14 or over pregnant or after an abortion from sexual assault (or suspected)"),
    )
    VIOLENCE = (
        "4",
        _("Multiple injuries, severe malnutrition or unconsciousness suggesting violence or abuse"),
    )
    ABNORMAL_DEATH = "5", _("Disability or death from abnormal causes")
    ABANDONED = "6", _("Abandoned, or left long-term without care")
    MISSING = "7", _("Unknown origin, missing, trafficked or bought")
    BEGGING = "8", _("Organised into begging")
    OTHER = "9", _("Other serious harm, or imminent unlawful harm")


class HarmReport(models.Model):
    """A report of harm to a child, from the public or from staff; the reporter is protected."""

    jurisdiction_field = "region"
    audit_personal = True

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Assigned")
        ACTING = "acting", _("Being handled")
        CLOSED = "closed", _("Closed")

    class Urgency(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediate danger")
        URGENT = "urgent", _("Urgent")
        NORMAL = "normal", _("Normal")

    class Handler(models.TextChoices):
        POLICE = "police", _("Police")
        CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")

    reference = models.CharField(_("reference"), max_length=16, unique=True)
    situation = models.CharField(_("situation"), max_length=1, choices=HarmSituation.choices)
    description = EncryptedTextField(_("what happened"))
    region = models.ForeignKey("regions.Region", verbose_name=_("where"), on_delete=models.PROTECT)
    place = EncryptedTextField(_("place"), blank=True)
    child_name = EncryptedTextField(_("child's name, if known"), blank=True)
    child = models.ForeignKey(
        "datahub.Child",
        verbose_name=_("registered child"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="harm_reports",
    )
    reporter_name = EncryptedTextField(_("reporter's name"), blank=True)
    reporter_phone = EncryptedTextField(_("reporter's phone"), blank=True)
    from_public = models.BooleanField(_("reported by the public"), default=True)
    received_at = models.DateTimeField(_("received"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RECEIVED)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, blank=True)
    handler = models.CharField(_("handled by"), max_length=14, choices=Handler.choices, blank=True)
    due_at = models.DateTimeField(_("response due"))
    escalated = models.BooleanField(_("escalated for being overdue"), default=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("harm report")
        verbose_name_plural = _("harm reports")
        ordering = ["-escalated", "due_at"]

    def __str__(self) -> str:
        return self.reference


class HarmAction(models.Model):
    report = models.ForeignKey(HarmReport, on_delete=models.CASCADE, related_name="actions")
    actor = models.ForeignKey(
        "accounts.User", verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("step"), max_length=20)
    note = EncryptedTextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["report", "id"]
        verbose_name = _("action on a harm report")
        verbose_name_plural = _("actions on harm reports")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Visit(models.Model):
    """A home visit with its guardianship assessment (监护评估); a high risk refers the child on."""

    jurisdiction_field = "child__residence_region"
    audit_personal = True

    class Risk(models.TextChoices):
        LOW = "low", _("Low: guardianship adequate")
        MEDIUM = "medium", _("Medium: support needed")
        HIGH = "high", _("High: guardianship missing or harmful")

    child = models.ForeignKey(
        "datahub.Child", verbose_name=_("child"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("visited on"))
    visitor = models.ForeignKey(
        "accounts.User", verbose_name=_("visitor"), on_delete=models.PROTECT, related_name="+"
    )
    risk = models.CharField(_("guardianship risk"), max_length=8, choices=Risk.choices)
    notes = EncryptedTextField(_("notes"), blank=True)
    referral = models.ForeignKey(
        HarmReport,
        verbose_name=_("referral"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"Visit #{self.pk}"


class PayeeChange(models.Model):
    """A change of who is paid, or into which account, for an allowance already on file: proposed
    by a caseworker and applied only when a second caseworker approves it (four eyes)."""

    jurisdiction_field = "application__child__residence_region"
    audit_personal = True

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a second caseworker")
        APPLIED = "applied", _("Approved and applied")
        REJECTED = "rejected", _("Rejected")

    application = models.ForeignKey(
        AllowanceApplication, on_delete=models.CASCADE, related_name="payee_changes"
    )
    bank_name = models.CharField(_("bank"), max_length=60, blank=True)
    account_holder = EncryptedTextField(_("account holder"), max_length=50, blank=True)
    account_holder_id_number = EncryptedTextField(_("account holder's ID number"), blank=True)
    account_number = EncryptedTextField(_("account number"), blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("payee change")
        verbose_name_plural = _("payee changes")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(state="pending"),
                name="one_pending_payee_change",
            )
        ]

    def __str__(self) -> str:
        return f"Payee change #{self.pk}"
