"""The child master index. Issue #3 grows it (sources, facts, linkage); the foundation
holds what every app scopes by: the child, the household and the guardians."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongyou.privacy.blind_index import blind_index
from tongyou.privacy.fields import EncryptedTextField

from .codes import Ethnicity, GuardianRelationship, Sex

ID_INDEX_PURPOSE = "resident-id"


class Household(models.Model):
    jurisdiction_field = "region"
    audit_personal = True

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    address = EncryptedTextField(_("address"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo) record"), default=False)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self):
        return f"Household #{self.pk}"


class Child(models.Model):
    jurisdiction_field = "residence_region"
    audit_personal = True

    name = models.CharField(_("name"), max_length=50, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), db_index=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_index = models.CharField(
        _("ID number blind index"), max_length=64, blank=True, db_index=True, editable=False
    )
    ethnicity = models.CharField(
        _("ethnicity"), max_length=2, choices=Ethnicity.choices, default=Ethnicity.HAN
    )
    household_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("household registration region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    residence_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("residence (community or grid)"),
        on_delete=models.PROTECT,
        related_name="children_resident",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    is_synthetic = models.BooleanField(_("synthetic (demo) record"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["residence_region__code", "birth_date", "id"]

    def __str__(self):
        return f"Child #{self.pk}"

    def save(self, *args, **kwargs):
        self.id_number_index = blind_index(self.id_number, ID_INDEX_PURPOSE) if self.id_number else ""
        super().save(*args, **kwargs)


class Guardian(models.Model):
    jurisdiction_field = "child__residence_region"
    audit_personal = True

    child = models.ForeignKey(
        Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="guardians"
    )
    name = models.CharField(_("name"), max_length=50)
    relationship = models.CharField(_("relationship"), max_length=2, choices=GuardianRelationship.choices)
    phone = EncryptedTextField(_("phone"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo) record"), default=False)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self):
        return f"Guardian #{self.pk}"
