"""Child-friendly spaces (plan areas 一.2 and 四): the facility registry and its designations.

Facilities are public information (where the nearest kindergarten or mother-baby room is); what
is private is where children live, which coverage uses only as counts per grid."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FacilityKind(models.TextChoices):
    NURSERY_PUBLIC = "nursery_public", _("Nursery (public)")
    NURSERY_COMMUNITY = "nursery_community", _("Nursery (community)")
    NURSERY_PRIVATE = "nursery_private", _("Nursery (private)")
    KINDERGARTEN_PUBLIC = "kindergarten_public", _("Kindergarten (public)")
    KINDERGARTEN_INCLUSIVE = "kindergarten_inclusive", _("Kindergarten (inclusive private)")
    KINDERGARTEN_OTHER = "kindergarten_other", _("Kindergarten (other)")
    PRIMARY = "primary", _("Primary school")
    MIDDLE = "middle", _("Middle school")
    SPECIAL = "special", _("Special-education school")
    LIBRARY = "library", _("Library")
    CHILDRENS_LIBRARY = "childrens_library", _("Children's library")
    PARK = "park", _("Park")
    POCKET_PARK = "pocket_park", _("Pocket park")
    PLAY_AREA = "play_area", _("Play area")
    SPORTS = "sports", _("Sports venue")
    PRACTICE_BASE = "practice_base", _("Practice or out-of-school education base")
    TRAINING = "training", _("Out-of-school training institution")
    CHILDRENS_HOME = "childrens_home", _("Children's home (儿童之家)")
    MOTHER_BABY_ROOM = "mother_baby_room", _("Mother-baby room")
    FAMILY_TOILET = "family_toilet", _("Third (family) toilet")
    PAEDIATRIC_CLINIC = "paediatric_clinic", _("Paediatric clinic")
    PAEDIATRIC_HOSPITAL = "paediatric_hospital", _("Paediatric hospital")
    MCH_INSTITUTION = "mch_institution", _("Maternal and child health institution")
    BUS_HUB = "bus_hub", _("Bus hub")
    PUBLIC_PLACE = "public_place", _("Large public place (≥10,000 m² or 10,000 visitors a day)")


class Facility(models.Model):
    jurisdiction_field = "region"

    class Ownership(models.TextChoices):
        PUBLIC = "public", _("Public")
        COMMUNITY = "community", _("Community")
        INCLUSIVE = "inclusive", _("Inclusive private")
        PRIVATE = "private", _("Private")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=24, choices=FacilityKind.choices, db_index=True)
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("community"), on_delete=models.PROTECT)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    location_is_approximate = models.BooleanField(_("location is approximate"), default=False)
    capacity = models.PositiveIntegerField(_("capacity (places)"), null=True, blank=True)
    enrolment = models.PositiveIntegerField(_("enrolled"), null=True, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    accessible = models.BooleanField(_("barrier-free access"), default=False)
    owner = models.ForeignKey(
        "accounts.Unit", verbose_name=_("responsible unit"), null=True, blank=True, on_delete=models.PROTECT
    )
    is_synthetic = models.BooleanField(_("synthetic (demo) record"), default=False)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name


class Designation(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", _("Child-friendly school")
        STREET = "street", _("Child-friendly street")
        COMMUNITY = "community", _("Child-friendly community")
        PARK = "park", _("Child-friendly park")
        LIBRARY = "library", _("Child-friendly library")
        HOSPITAL = "hospital", _("Child-friendly hospital")

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="designations")
    kind = models.CharField(_("designation"), max_length=10, choices=Kind.choices)
    designated_on = models.DateField(_("designated on"))
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        ordering = ["-designated_on"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")

    def __str__(self) -> str:
        return f"{self.facility} {self.get_kind_display()}"


class FacilityPhoto(models.Model):
    """A photo of a facility (public, like the facility): its entrance, its mother-baby room…
    Never of children."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="photos")
    image = models.BinaryField(_("photo"))
    content_type = models.CharField(_("content type"), max_length=20)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey("accounts.User", verbose_name=_("uploaded by"), on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("facility photo")
        verbose_name_plural = _("facility photos")

    def __str__(self) -> str:
        return self.caption or f"{self.facility} #{self.pk}"


class ChecklistItem(models.Model):
    """A required item of a facility type's standard (a mother-baby room's changing table…)."""

    kind = models.CharField(_("facility type"), max_length=24, choices=FacilityKind.choices)
    code = models.SlugField(_("code"), max_length=30)
    text = models.CharField(_("requirement"), max_length=200)

    class Meta:
        ordering = ["kind", "id"]
        unique_together = [("kind", "code")]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.text


class Inspection(models.Model):
    jurisdiction_field = "facility__region"

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="inspections")
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.ForeignKey("accounts.User", verbose_name=_("inspector"), on_delete=models.PROTECT)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return f"{self.facility} {self.inspected_on}"


class Finding(models.Model):
    """One checklist item as found; a failed item is a rectification with a deadline."""

    jurisdiction_field = "inspection__facility__region"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT)
    passed = models.BooleanField(_("meets the requirement"))
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)

    class Meta:
        ordering = ["inspection", "item"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"{self.item} {'✓' if self.passed else '✗'}"


class Population(models.Model):
    """The resident population of a street or the district in a year, as the statistics bureau
    publishes it: the denominator of nursery places per 1,000 population (PS-01)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("street, town or district"), on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveIntegerField(_("resident population"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["region", "-year"]
        unique_together = [("region", "year")]
        verbose_name = _("population")
        verbose_name_plural = _("populations")

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class StreetNetwork(models.Model):
    """A walkable street network loaded by the user (an OpenStreetMap extract): when one is
    loaded, coverage measures distances along it instead of straight line × detour factor."""

    name = models.CharField(_("name"), max_length=200)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.CharField(_("loaded by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = _("street network")
        verbose_name_plural = _("street networks")

    def __str__(self) -> str:
        return self.name


class StreetNode(models.Model):
    """A junction or bend of the network, identified by its OpenStreetMap node id."""

    network = models.ForeignKey(StreetNetwork, on_delete=models.CASCADE, related_name="nodes")
    osm_id = models.BigIntegerField(_("OpenStreetMap node id"))
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        unique_together = [("network", "osm_id")]
        verbose_name = _("street node")
        verbose_name_plural = _("street nodes")

    def __str__(self) -> str:
        return str(self.osm_id)


class StreetSegment(models.Model):
    """A walkable stretch between two nodes (by OpenStreetMap node id), both ways."""

    network = models.ForeignKey(StreetNetwork, on_delete=models.CASCADE, related_name="segments")
    start_osm_id = models.BigIntegerField(_("from node"))
    end_osm_id = models.BigIntegerField(_("to node"))
    length_m = models.FloatField(_("length (m)"))

    class Meta:
        verbose_name = _("street segment")
        verbose_name_plural = _("street segments")

    def __str__(self) -> str:
        return f"{self.start_osm_id}–{self.end_osm_id}"
