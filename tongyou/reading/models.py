"""萌阅: a free reading pack for every registered child aged 0–6, at ages the district sets.

Nobody signs up: entitlements come from the child master index (entitlements.py), the community
where the child lives now serves them, and what counts is packs delivered against the children
registered (coverage.py) — the figure no reading programme without a master index can compute."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongyou.datahub.models import Child
from tongyou.regions.models import Region
from tongyou.spaces.models import Facility

MAX_AGE_MONTHS = 84  # the plan's 0–6: up to the seventh birthday


class Variant(models.TextChoices):
    STANDARD = "standard", _("Standard pack")
    VISUAL = "visual", _("For visually impaired children (large print, tactile, audio)")
    HEARING = "hearing", _("For hearing-impaired children (sign-language videos)")
    BILINGUAL = "bilingual", _("Mongolian–Chinese bilingual pack")


class Milestone(models.Model):
    """A pack given at an age: the district office sets the ages and what the pack holds."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    age_from_months = models.PositiveSmallIntegerField(_("from age (months)"))
    age_to_months = models.PositiveSmallIntegerField(_("until age (months, exclusive)"))
    contents = models.TextField(_("contents of the pack"), blank=True)
    active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)

    class Meta:
        verbose_name = _("reading pack milestone")
        verbose_name_plural = _("reading pack milestones")
        ordering = ["age_from_months"]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_from_months__lt=F("age_to_months")) & Q(age_to_months__lte=MAX_AGE_MONTHS),
                name="reading_milestone_window",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PickupPoint(models.Model):
    """Where packs are held and handed over."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("Community")
        LIBRARY = "library", _("Library")
        CLINIC = "clinic", _("Maternal and child health clinic")
        KINDERGARTEN = "kindergarten", _("Kindergarten")

    jurisdiction_field = "region"

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name=_("area served"), on_delete=models.PROTECT)
    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), null=True, blank=True, on_delete=models.SET_NULL
    )
    active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)

    class Meta:
        verbose_name = _("pick-up point")
        verbose_name_plural = _("pick-up points")
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    """Packs of one milestone and variant held at a point. Changed only by a conditional UPDATE
    (deliveries.py): two people handing over the last pack cannot both succeed."""

    jurisdiction_field = "point__region"

    point = models.ForeignKey(PickupPoint, verbose_name=_("pick-up point"), on_delete=models.CASCADE)
    milestone = models.ForeignKey(Milestone, verbose_name=_("milestone"), on_delete=models.PROTECT)
    variant = models.CharField(_("variant"), max_length=10, choices=Variant.choices, default=Variant.STANDARD)
    quantity = models.PositiveIntegerField(_("packs in stock"), default=0)

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        constraints = [
            models.UniqueConstraint(fields=["point", "milestone", "variant"], name="reading_one_stock_row"),
        ]

    def __str__(self) -> str:
        return f"{self.point} · {self.milestone} · {self.get_variant_display()}: {self.quantity}"


class StockReceipt(models.Model):
    """Packs received at a point (the ledger behind the stock figure)."""

    jurisdiction_field = "point__region"

    point = models.ForeignKey(PickupPoint, verbose_name=_("pick-up point"), on_delete=models.CASCADE)
    milestone = models.ForeignKey(Milestone, verbose_name=_("milestone"), on_delete=models.PROTECT)
    variant = models.CharField(_("variant"), max_length=10, choices=Variant.choices)
    quantity = models.PositiveIntegerField(_("packs"))
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("stock receipt")
        verbose_name_plural = _("stock receipts")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.point} · {self.milestone} +{self.quantity} ({self.received_on})"


class Entitlement(models.Model):
    """A registered child's right to one milestone's pack. Created when the child is of age (by
    the daily job); served by whichever community the child lives in now."""

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        DELIVERED = "delivered", _("Delivered")
        LAPSED = "lapsed", _("Not delivered before the age passed")
        CLOSED = "closed", _("Closed: the child left the district")

    jurisdiction_field = "child__residence_region"

    child = models.ForeignKey(
        Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="reading_entitlements"
    )
    milestone = models.ForeignKey(Milestone, verbose_name=_("milestone"), on_delete=models.PROTECT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DUE)
    created_on = models.DateField(_("entitled from"))

    class Meta:
        verbose_name = _("reading pack entitlement")
        verbose_name_plural = _("reading pack entitlements")
        constraints = [
            models.UniqueConstraint(fields=["child", "milestone"], name="reading_one_entitlement"),
        ]
        indexes = [models.Index(fields=["milestone", "status"], name="reading_ent_status_idx")]

    def __str__(self) -> str:
        return f"{self.milestone} #{self.child_id}"  # no name: it lands in logs and the admin


class Delivery(models.Model):
    """A pack handed over: at most one per entitlement (a constraint), with the guardian's
    confirmation."""

    class Channel(models.TextChoices):
        PICKUP = "pickup", _("Collected at the pick-up point")
        HEALTH_CHECK = "health_check", _("At the child-health check")
        KINDERGARTEN = "kindergarten", _("Through the kindergarten")
        HOME_VISIT = "home_visit", _("Home visit")
        COURIER = "courier", _("Courier")

    jurisdiction_field = "entitlement__child__residence_region"

    entitlement = models.OneToOneField(
        Entitlement, verbose_name=_("entitlement"), on_delete=models.CASCADE, related_name="delivery"
    )
    point = models.ForeignKey(PickupPoint, verbose_name=_("pick-up point"), on_delete=models.PROTECT)
    variant = models.CharField(_("variant"), max_length=10, choices=Variant.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    given_on = models.DateField(_("given on"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("given by"), on_delete=models.PROTECT, related_name="+"
    )
    guardian_confirmed = models.BooleanField(_("the guardian confirmed receipt"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("reading pack delivery")
        verbose_name_plural = _("reading pack deliveries")

    def __str__(self) -> str:
        return f"{self.entitlement} ({self.given_on})"


class Attempt(models.Model):
    """A pack that could not be delivered, and why (for the community child director's visits)."""

    class Reason(models.TextChoices):
        UNREACHABLE = "unreachable", _("Family could not be reached")
        DECLINED = "declined", _("Family declined")
        AWAY = "away", _("Child living elsewhere for now")
        NO_STOCK = "no_stock", _("No pack in stock")
        OTHER = "other", _("Other")

    jurisdiction_field = "entitlement__child__residence_region"

    entitlement = models.ForeignKey(
        Entitlement, verbose_name=_("entitlement"), on_delete=models.CASCADE, related_name="attempts"
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("undelivered pack")
        verbose_name_plural = _("undelivered packs")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.entitlement}: {self.get_reason_display()}"


class ParentSurvey(models.Model):
    """A short survey of the family: when the pack is handed over, and three months later. Reported
    only in aggregate (coverage.survey_summary), through disclosure control."""

    class Wave(models.TextChoices):
        AT_DELIVERY = "delivery", _("At delivery")
        THREE_MONTHS = "three_months", _("Three months later")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Every day")
        WEEKLY = "weekly", _("Several times a week")
        MONTHLY = "monthly", _("A few times a month")
        RARELY = "rarely", _("Rarely or never")

    class Books(models.TextChoices):
        NONE = "0", _("None")
        FEW = "1-10", _("1–10")
        SOME = "11-50", _("11–50")
        MANY = "51+", _("More than 50")

    jurisdiction_field = "delivery__entitlement__child__residence_region"

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="surveys"
    )
    wave = models.CharField(_("when"), max_length=12, choices=Wave.choices)
    shared_reading = models.CharField(_("reading together"), max_length=8, choices=Frequency.choices)
    books_at_home = models.CharField(_("children's books at home"), max_length=6, choices=Books.choices)
    library_member = models.BooleanField(_("has a library card"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("parent survey")
        verbose_name_plural = _("parent surveys")
        constraints = [
            models.UniqueConstraint(fields=["delivery", "wave"], name="reading_one_survey_per_wave")
        ]

    def __str__(self) -> str:
        return f"{self.delivery} {self.wave}"


class Loan(models.Model):
    """A pack lent from a community library (Shenzhen's 阅芽 libraries lend for two weeks): one
    open loan per copy (a constraint)."""

    jurisdiction_field = "point__region"

    point = models.ForeignKey(
        PickupPoint, verbose_name=_("library"), on_delete=models.PROTECT, related_name="loans"
    )
    copy = models.CharField(_("pack copy"), max_length=40)
    child = models.ForeignKey(
        Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="reading_loans"
    )
    loaned_on = models.DateField(_("lent on"))
    due_on = models.DateField(_("due back"))
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("pack loan")
        verbose_name_plural = _("pack loans")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "copy"],
                condition=Q(returned_on__isnull=True),
                name="reading_one_open_loan_per_copy",
            )
        ]

    def __str__(self) -> str:
        return f"{self.point} {self.copy}"


class Departure(models.Model):
    """A child who left the district: their packs are closed and no new ones are due while the
    departure is open. Recorded by the community child director or the street (the master index
    itself keeps no departures yet); closed with the date the child came back, kept as history."""

    jurisdiction_field = "child__residence_region"

    child = models.ForeignKey(
        Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="reading_departures"
    )
    left_on = models.DateField(_("left the district on"))
    returned_on = models.DateField(_("came back on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("departure from the district")
        verbose_name_plural = _("departures from the district")
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(returned_on__isnull=True), name="reading_one_open_departure"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.child_id} {self.left_on}"


def away() -> Exists:
    """For a Child queryset: has the child left the district (an open departure)?"""
    return Exists(Departure.objects.filter(child=OuterRef("pk"), returned_on__isnull=True))
