"""儿童防灾减灾 (the plan's task (四)6): risk screening and safety assessment of every orphan and
de-facto-unsupported child, with follow-up of each risk found; children-dense places with their
emergency plans and drills; children's emergency supplies per community against the children who
live there; and disaster-prevention education (the community app's activities, counted)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongyou.datahub.models import Child
from tongyou.privacy.fields import EncryptedTextField
from tongyou.regions.models import Region
from tongyou.spaces.models import Facility, FacilityKind

# The safety assessment's checklist: each item answered "no risk" or "risk found".
CHECKLIST = [
    ("housing", _("Housing is safe (structure, floods, geological hazards)")),
    ("fire_gas_power", _("Fire, gas and electricity are used safely at home")),
    ("carer_in_emergency", _("Someone can care for the child in an emergency")),
    ("emergency_contact", _("The child knows an emergency contact and how to call for help")),
    ("health_needs", _("Medicines and health needs are covered in an emergency")),
    ("evacuation_help", _("The child can evacuate, or help is arranged")),
    ("self_rescue", _("The child knows basic self-rescue for fire and earthquake")),
    ("online_and_public_opinion", _("No sign of online risk or harmful attention")),
]
CHECKLIST_LABELS = dict(CHECKLIST)

# The facility kinds that are children-dense places (schools, kindergartens, nurseries, homes,
# large public places).
DENSE_KINDS = [
    FacilityKind.NURSERY_PUBLIC,
    FacilityKind.NURSERY_COMMUNITY,
    FacilityKind.NURSERY_PRIVATE,
    FacilityKind.KINDERGARTEN_PUBLIC,
    FacilityKind.KINDERGARTEN_INCLUSIVE,
    FacilityKind.KINDERGARTEN_OTHER,
    FacilityKind.PRIMARY,
    FacilityKind.MIDDLE,
    FacilityKind.SPECIAL,
    FacilityKind.TRAINING,
    FacilityKind.CHILDRENS_HOME,
    FacilityKind.PUBLIC_PLACE,
]


class Screening(models.Model):
    """A risk screening and safety assessment of one child (孤儿风险排查和安全评估)."""

    jurisdiction_field = "child__residence_region"
    audit_personal = True

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="+")
    screened_on = models.DateField(_("screened on"))
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("screened by"), on_delete=models.PROTECT, related_name="+"
    )
    risks = models.JSONField(_("risks found"), default=list)  # checklist items answered "risk"
    note = EncryptedTextField(_("note"), blank=True)
    next_due = models.DateField(_("next screening due"))

    class Meta:
        verbose_name = _("risk screening")
        verbose_name_plural = _("risk screenings")
        ordering = ["-screened_on", "-id"]
        constraints = [
            # One screening per child and day: a second click records nothing twice.
            models.UniqueConstraint(fields=["child", "screened_on"], name="readiness_one_screening_a_day")
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.screened_on}"

    def risk_labels(self) -> str:
        return "、".join(str(CHECKLIST_LABELS[r]) for r in self.risks if r in CHECKLIST_LABELS)


class FollowUp(models.Model):
    """What is done about one risk found, by when; done once."""

    jurisdiction_field = "screening__child__residence_region"

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="followups")
    item = models.CharField(_("risk"), max_length=30)
    due = models.DateField(_("to be dealt with by"))
    done_on = models.DateField(_("dealt with on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = EncryptedTextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due", "id"]
        constraints = [models.UniqueConstraint(fields=["screening", "item"], name="readiness_one_followup")]

    def __str__(self) -> str:
        return self.item

    def label(self) -> str:
        return str(CHECKLIST_LABELS.get(self.item, self.item))


class EmergencyPlan(models.Model):
    """A children-dense place's emergency plan (应急预案) and how often it must drill."""

    jurisdiction_field = "facility__region"

    facility = models.OneToOneField(
        Facility, verbose_name=_("place"), on_delete=models.CASCADE, related_name="emergency_plan"
    )
    approved_on = models.DateField(_("plan approved on"))
    responsible = models.CharField(_("person responsible"), max_length=50)
    drill_every_days = models.PositiveSmallIntegerField(_("drill at least every (days)"), default=183)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")

    def __str__(self) -> str:
        return str(self.facility)


class Drill(models.Model):
    class Kind(models.TextChoices):
        EVACUATION = "evacuation", _("Evacuation")
        FIRE = "fire", _("Fire")
        EARTHQUAKE = "earthquake", _("Earthquake")
        FLOOD = "flood", _("Flood or storm")
        OTHER = "other", _("Other")

    jurisdiction_field = "facility__region"

    facility = models.ForeignKey(
        Facility, verbose_name=_("place"), on_delete=models.CASCADE, related_name="drills"
    )
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    participants = models.PositiveIntegerField(_("people taking part"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "held_on", "kind"], name="readiness_one_drill_record")
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.held_on}"


class Supply(models.TextChoices):
    """Children's emergency supplies (救灾储备中的儿童物资), each held against an age group."""

    FORMULA = "formula", _("Infant formula (cans)")
    NAPPIES = "nappies", _("Nappies (packs)")
    CLOTHING = "clothing", _("Child-size clothing (sets)")
    MEDICINE = "medicine", _("Children's medicine kits")
    BLANKETS = "blankets", _("Child-size blankets")


class SupplyNorm(models.Model):
    """How much of an item a community should hold per child of the item's age group."""

    class AgeGroup(models.TextChoices):
        INFANTS = "0-3", _("Children aged 0–3")
        CHILDREN = "0-17", _("Children aged 0–17")

    item = models.CharField(_("item"), max_length=10, choices=Supply.choices, unique=True)
    age_group = models.CharField(_("held for"), max_length=4, choices=AgeGroup.choices)
    per_child = models.DecimalField(_("per child"), max_digits=6, decimal_places=2)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("supply norm")
        verbose_name_plural = _("supply norms")
        ordering = ["item"]

    def __str__(self) -> str:
        return self.get_item_display()


class SupplyStock(models.Model):
    """An item held for a community. Changed only by one conditional UPDATE (never below zero)."""

    jurisdiction_field = "region"

    region = models.ForeignKey(Region, verbose_name=_("community"), on_delete=models.PROTECT)
    item = models.CharField(_("item"), max_length=10, choices=Supply.choices)
    quantity = models.PositiveIntegerField(_("held"), default=0)

    class Meta:
        verbose_name = _("supply stock")
        verbose_name_plural = _("supply stock")
        constraints = [
            models.UniqueConstraint(fields=["region", "item"], name="readiness_one_stock_row"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="readiness_stock_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.get_item_display()}: {self.quantity}"


class SupplyMovement(models.Model):
    """The ledger behind the stock: received (+) or issued (−)."""

    jurisdiction_field = "stock__region"

    stock = models.ForeignKey(SupplyStock, on_delete=models.CASCADE, related_name="movements")
    change = models.IntegerField(_("change"))
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("supply movement")
        verbose_name_plural = _("supply movements")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.stock} {self.change:+d}"
