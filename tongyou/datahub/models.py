"""The child master index. Issue #3 grows it (sources, facts, linkage); the foundation
holds what every app scopes by: the child, the household and the guardians."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongyou.privacy.blind_index import blind_index
from tongyou.privacy.fields import EncryptedTextField
from tongyou.privacy.names import name_index, pinyin_index

from .codes import (
    ChildStatus,
    DisabilityGrade,
    DisabilityType,
    Ethnicity,
    GuardianRelationship,
    InstitutionKind,
    InsuranceScheme,
    Ownership,
    Sex,
)

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

    def __str__(self) -> str:
        return f"Household #{self.pk}"


class Child(models.Model):
    jurisdiction_field = "residence_region"
    audit_personal = True

    # Names are encrypted like ID numbers (under PIPL all of a minor's personal information is
    # sensitive); blind indexes find a name exactly or by its pinyin.
    name = EncryptedTextField(_("name"), max_length=50)
    name_index = models.CharField(
        _("name blind index"), max_length=64, blank=True, db_index=True, editable=False
    )
    name_pinyin_index = models.CharField(
        _("name pinyin blind index"), max_length=64, blank=True, db_index=True, editable=False
    )
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
        db_index=False,  # child_stats_idx leads with it; a second index only slows imports
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
        indexes = [
            # Covers the statistics group-by, so counting never reads the wide rows
            # (1.4 s to 0.4 s for a million children; docs/performance.md).
            models.Index(
                fields=["residence_region", "birth_date", "sex", "ethnicity"], name="child_stats_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Child #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.id_number_index = blind_index(self.id_number, ID_INDEX_PURPOSE) if self.id_number else ""
        self.name_index, self.name_pinyin_index = name_index(self.name), pinyin_index(self.name)
        super().save(*args, **kwargs)


class Guardian(models.Model):
    jurisdiction_field = "child__residence_region"
    audit_personal = True

    child = models.ForeignKey(
        Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="guardians"
    )
    name = EncryptedTextField(_("name"), max_length=50)
    relationship = models.CharField(_("relationship"), max_length=2, choices=GuardianRelationship.choices)
    phone = EncryptedTextField(_("phone"), blank=True)
    batch = models.ForeignKey(
        "ImportBatch",
        verbose_name=_("import batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_synthetic = models.BooleanField(_("synthetic (demo) record"), default=False)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self) -> str:
        return f"Guardian #{self.pk}"


class Source(models.Model):
    """A departmental data source: what a unit sends and in which template."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey("accounts.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One uploaded file: previewed, then committed whole or not at all."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        PREVIEWED = "previewed", _("Previewed")
        RUNNING = "running", _("Importing")
        COMMITTED = "committed", _("Committed")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="batches"
    )
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("file fingerprint"), max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    children_matched = models.PositiveIntegerField(_("children matched"), default=0)
    children_created = models.PositiveIntegerField(_("children created"), default=0)
    reviews_created = models.PositiveIntegerField(_("records sent for linkage review"), default=0)
    facts_updated = models.PositiveIntegerField(_("records updated"), default=0)
    # Warnings the uploader must confirm before the commit (an ID number Excel may have rounded).
    confirm_count = models.PositiveIntegerField(_("rows to confirm"), default=0)
    # The sheets read, with their header rows and row counts, and those not read and why.
    sheets = models.JSONField(_("sheets"), default=list, blank=True)
    # Renewed while a check or commit runs; the worker finds those a restart interrupted.
    heartbeat = models.DateTimeField(_("last sign of progress"), null=True, blank=True)
    # The problem report holds personal data: encrypted. The checked rows wait in StagedRows.
    report = EncryptedTextField(_("problem report (encrypted JSON)"), blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-id"]
        constraints = [
            # A file is imported once per source, even if two batches of it race to commit.
            models.UniqueConstraint(
                fields=["source", "sha256"],
                condition=models.Q(status="committed"),
                name="datahub_file_committed_once",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.filename}"


class CountsVersion(models.Model):
    """A token that changes with every change to children or their facts: the in-memory
    statistics columns (services/columns.py) compare it to know when to read the data again.
    Random rather than counted, so that a rolled-back change cannot bring back a number that
    another state of the data has since used."""

    value = models.CharField(_("version"), max_length=32, default="")

    class Meta:
        verbose_name = _("counts version")
        verbose_name_plural = _("counts version")

    def __str__(self) -> str:
        return str(self.value)


class StagedRows(models.Model):
    """A chunk of a previewed file's checked rows, waiting for the commit (encrypted JSON): the
    commit writes what the preview checked, without reading the file again. Deleted once
    committed, or when the preview finds a fault."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="staged")
    sequence = models.PositiveIntegerField(_("sequence"))
    rows = EncryptedTextField(_("checked rows (encrypted JSON)"))

    class Meta:
        ordering = ["batch", "sequence"]
        unique_together = [("batch", "sequence")]
        verbose_name = _("staged rows")
        verbose_name_plural = _("staged rows")

    def __str__(self) -> str:
        return f"{self.batch} {self.sequence}"


class Fact(models.Model):
    """A time-bounded fact about a child, with its provenance: unit, batch and row."""

    jurisdiction_field = "child__residence_region"
    audit_personal = True

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.CASCADE)
    unit = models.ForeignKey("accounts.Unit", verbose_name=_("reporting unit"), on_delete=models.PROTECT)
    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("import batch"), null=True, blank=True, on_delete=models.PROTECT
    )
    row_number = models.PositiveIntegerField(_("row in the file"), null=True, blank=True)
    sheet = models.CharField(_("sheet in the file"), max_length=31, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["child", "valid_from"]

    def is_current(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Enrolment(Fact):
    institution = models.CharField(_("institution"), max_length=100)
    institution_kind = models.CharField(
        _("kind of institution"), max_length=12, choices=InstitutionKind.choices
    )
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices)
    grade = models.CharField(_("grade or class"), max_length=20, blank=True)

    class Meta(Fact.Meta):
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"Enrolment #{self.pk}"


class InsuranceEnrolment(Fact):
    scheme = models.CharField(_("scheme"), max_length=10, choices=InsuranceScheme.choices)

    class Meta(Fact.Meta):
        verbose_name = _("medical insurance enrolment")
        verbose_name_plural = _("medical insurance enrolments")

    def __str__(self) -> str:
        return f"Insurance #{self.pk}"


class Disability(Fact):
    disability_type = models.CharField(_("type (GB/T 26341)"), max_length=1, choices=DisabilityType.choices)
    grade = models.CharField(_("grade"), max_length=1, choices=DisabilityGrade.choices)

    class Meta(Fact.Meta):
        verbose_name = _("disability")
        verbose_name_plural = _("disabilities")

    def __str__(self) -> str:
        return f"Disability #{self.pk}"


class StatusPeriod(Fact):
    status = models.CharField(_("status"), max_length=16, choices=ChildStatus.choices)

    class Meta(Fact.Meta):
        verbose_name = _("status period")
        verbose_name_plural = _("status periods")

    def __str__(self) -> str:
        return f"Status #{self.pk}"


class LinkReview(models.Model):
    """A record without an ID number that may be a child already in the index: an authorised
    user merges it into that child or keeps it apart; either can be undone."""

    jurisdiction_field = "region"
    audit_personal = True

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        MERGED = "merged", _("Merged")
        KEPT_APART = "kept_apart", _("Kept apart")

    batch = models.ForeignKey(ImportBatch, verbose_name=_("import batch"), on_delete=models.PROTECT)
    row_number = models.PositiveIntegerField(_("row in the file"))
    sheet = models.CharField(_("sheet in the file"), max_length=31, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("residence"), on_delete=models.PROTECT)
    record = EncryptedTextField(_("incoming record (encrypted JSON)"))
    candidate = models.ForeignKey(
        Child, verbose_name=_("possible match"), on_delete=models.CASCADE, related_name="link_reviews"
    )
    match_probability = models.FloatField(_("match probability"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_child = models.ForeignKey(
        Child,
        verbose_name=_("child created"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_guardian = models.ForeignKey(
        Guardian,
        verbose_name=_("guardian added"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("record awaiting linkage review")
        verbose_name_plural = _("records awaiting linkage review")
        ordering = ["status", "-match_probability"]

    def __str__(self) -> str:
        return f"Review #{self.pk}"


class Vaccination(Fact):
    """A dose given; valid_from is the day it was given."""

    vaccine = models.CharField(_("vaccine"), max_length=60)
    dose = models.CharField(_("dose"), max_length=10, blank=True)

    class Meta(Fact.Meta):
        verbose_name = _("vaccination")
        verbose_name_plural = _("vaccinations")

    def __str__(self) -> str:
        return f"Vaccination #{self.pk}"
