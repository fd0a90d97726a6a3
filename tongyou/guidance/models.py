"""家庭教育指导 (the plan's task (五)1): parent schools and guidance points in the communities,
regular family visits (常态化家庭走访) with what was found and followed up, guidance sessions (the
community app's activities of the kind "parent school"), and the effect surveys the plan asks for
("实地走访、问卷调查") — read only as counts of families. A family is a household of the master
index with a registered child."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongyou.datahub.models import Household
from tongyou.privacy.fields import EncryptedTextField
from tongyou.regions.models import Region


class GuidancePoint(models.Model):
    """A parent school (家长学校) or family-education guidance point (家庭教育指导服务站点) serving a
    community: what DE-01 counts."""

    class Kind(models.TextChoices):
        PARENT_SCHOOL = "parent_school", _("Parent school")
        GUIDANCE_POINT = "guidance_point", _("Family-education guidance point")

    class Host(models.TextChoices):
        COMMUNITY = "community", _("Community")
        SCHOOL = "school", _("School")
        KINDERGARTEN = "kindergarten", _("Kindergarten")
        WOMENS_FEDERATION = "womens_federation", _("Women's federation")
        OTHER = "other", _("Other")

    jurisdiction_field = "region"

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    host = models.CharField(_("run by"), max_length=20, choices=Host.choices)
    region = models.ForeignKey(Region, verbose_name=_("community served"), on_delete=models.PROTECT)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("guidance point")
        verbose_name_plural = _("guidance points")
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="guidance_one_point_name")]

    def __str__(self) -> str:
        return self.name


NEEDS = [
    ("parenting", _("Parenting and communication")),
    ("study", _("Study and school")),
    ("health", _("Health and mental health")),
    ("guardianship", _("Guardianship concern (referred to civil affairs)")),
    ("hardship", _("Hardship (referred for assistance)")),
]
NEED_LABELS = dict(NEEDS)


class Visit(models.Model):
    """A family visit: why, what was found, what follows, and whether it was done."""

    class Purpose(models.TextChoices):
        ROUTINE = "routine", _("Routine visit")
        GUIDANCE = "guidance", _("Guidance follow-up")
        CONCERN = "concern", _("A concern reported")

    jurisdiction_field = "household__region"
    audit_personal = True

    household = models.ForeignKey(
        Household, verbose_name=_("family"), on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("visited on"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visitor"), on_delete=models.PROTECT, related_name="+"
    )
    with_volunteer = models.ForeignKey(
        "community.Person",
        verbose_name=_("with volunteer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    needs = models.JSONField(_("needs found"), default=list)
    findings = EncryptedTextField(_("what was found"), blank=True)
    follow_up = EncryptedTextField(_("follow-up"), blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("family visit")
        verbose_name_plural = _("family visits")
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "visited_on", "visitor"], name="guidance_one_visit_record"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.visited_on}"

    def need_labels(self) -> str:
        return "、".join(str(NEED_LABELS[n]) for n in self.needs if n in NEED_LABELS)


class SurveyResponse(models.Model):
    """One family's answers to the year's effect survey: read only as counts of families."""

    class Helpful(models.TextChoices):
        VERY = "very", _("Very helpful")
        SOMEWHAT = "somewhat", _("Somewhat helpful")
        NOT = "not", _("Not helpful")
        NOT_USED = "not_used", _("Have not used the guidance")

    class Confidence(models.TextChoices):
        MORE = "more", _("More confident")
        SAME = "same", _("About the same")
        LESS = "less", _("Less confident")

    jurisdiction_field = "household__region"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    helpful = models.CharField(_("how helpful the guidance was"), max_length=10, choices=Helpful.choices)
    confidence = models.CharField(
        _("confidence in bringing up the children"), max_length=6, choices=Confidence.choices
    )
    wants = models.JSONField(_("topics wanted"), default=list)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = pgettext_lazy("a family's answers", "survey response")
        verbose_name_plural = pgettext_lazy("families' answers", "survey responses")
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="guidance_one_response_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} #{self.household_id}"
