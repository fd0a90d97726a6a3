"""The plan as data (areas, tasks, sub-items, units), the indicators that measure it with their
targets and values, and the units' progress reports.

A revised plan is a new Plan that supersedes the old one; reports and values keep pointing at
the tasks they were written for, so history survives a revision."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=300, blank=True)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    is_current = models.BooleanField(_("current"), default=True)
    # The seed is the draft for comment (征求意见稿); the office marks the adopted plan final.
    is_final = models.BooleanField(_("adopted (no longer a draft for comment)"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-is_current", "-revision"]

    def __str__(self) -> str:
        return self.title

    @property
    def official_title(self) -> str:
        """The title as a document cites it: "（征求意见稿）" dropped once the plan is adopted."""
        return (
            self.title.replace("（征求意见稿）", "").replace("(征求意见稿)", "")
            if self.is_final
            else self.title
        )


class PlanArea(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="areas")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["plan", "number"]
        unique_together = [("plan", "number")]
        verbose_name = _("plan area")
        verbose_name_plural = _("plan areas")

    def __str__(self) -> str:
        return self.title

    @property
    def chinese_number(self) -> Any:
        return "一二三四五六七八九十"[self.number - 1]


class PlanTask(models.Model):
    area = models.ForeignKey(PlanArea, on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    lead_units_text = models.CharField(_("lead units, as written in the plan"), max_length=300)
    participating_units_text = models.CharField(
        _("participating units, as written in the plan"), max_length=300, blank=True
    )
    lead_units = models.ManyToManyField(
        "accounts.Unit", related_name="led_tasks", verbose_name=_("lead units")
    )
    participating_units = models.ManyToManyField(
        "accounts.Unit", related_name="joined_tasks", blank=True, verbose_name=_("participating units")
    )
    # "全体相关单位", "各相关镇办": the relevant ones, not all — the office chooses them, and they
    # owe a report like the units the plan names.
    chosen_units = models.ManyToManyField(
        "accounts.Unit", related_name="chosen_tasks", blank=True, verbose_name=_("relevant units chosen")
    )

    class Meta:
        ordering = ["area", "number"]
        unique_together = [("area", "number")]
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")

    def __str__(self) -> str:
        return f"({self.area.chinese_number}){self.number} {self.title}"

    @property
    def leaves_a_choice(self) -> bool:
        """The plan says "the relevant units" or "the relevant street offices" for this task."""
        from tongyou.accounts.services import names_a_choice

        return names_a_choice(self.lead_units_text) or names_a_choice(self.participating_units_text)


class PlanSubItem(models.Model):
    """A numbered measure inside a task, as the plan writes it: （1）…（2）…"""

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="sub_items")
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("label"), max_length=8)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["task", "position"]
        unique_together = [("task", "position")]
        verbose_name = _("sub-item")
        verbose_name_plural = _("sub-items")

    def __str__(self) -> str:
        return f"{self.task} {self.label}"


class Indicator(models.Model):
    """An indicator of the catalog: value = numerator / denominator × factor (DHIS2's model);
    computed from the registries when `calculator` names a function, reported by units otherwise."""

    class Frequency(models.TextChoices):
        ANNUAL = "A", _("Annual")
        QUARTERLY = "Q", _("Quarterly")
        MONTHLY = "M", _("Monthly")
        EVENT = "E", _("Continuous")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    numerator = models.CharField(_("numerator"), max_length=300)
    denominator = models.CharField(_("denominator"), max_length=300, blank=True)
    unit = models.CharField(_("unit of measure"), max_length=20)
    factor = models.PositiveIntegerField(_("factor"), default=1)
    disaggregations = models.CharField(_("disaggregations"), max_length=100, blank=True)
    source_units_text = models.CharField(_("source units"), max_length=200)
    source_units = models.ManyToManyField("accounts.Unit", related_name="indicators", blank=True)
    collection = models.CharField(_("how collected"), max_length=40)
    frequency = models.CharField(_("frequency"), max_length=1, choices=Frequency.choices)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices, default="higher")
    calculator = models.CharField(_("computed by"), max_length=40, blank=True)
    # Set when a record the calculator reads changes; the scheduler recomputes and clears it
    # (monitoring/staleness.py), so computed figures never go stale.
    stale_since = models.DateTimeField(_("records changed since computed"), null=True, blank=True)
    # Persons (children, parents, staff) are protected for aggregate-only roles; things
    # (facilities, places, areas, reports, tasks) are shown exactly (core/disclosure.py).
    counts_persons = models.BooleanField(_("counts persons"), default=True)
    tasks = models.ManyToManyField(PlanTask, related_name="indicators", blank=True)
    max_jump = models.DecimalField(
        _("largest plausible change between periods"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("In the indicator's unit; a larger change must be explained."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_computed(self) -> bool:
        return bool(self.calculator)

    @property
    def is_share(self) -> bool:
        return self.factor == 100


class Target(models.Model):
    class Comparator(models.TextChoices):
        AT_LEAST = ">=", "≥"
        AT_MOST = "<=", "≤"

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    comparator = models.CharField(_("comparator"), max_length=2, choices=Comparator.choices, default=">=")
    year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.comparator} {self.value} ({self.year or '—'})"

    def is_met(self, value: Any) -> bool | None:
        if value is None:
            return None
        return value >= self.value if self.comparator == ">=" else value <= self.value


class ReportingRound(models.Model):
    """A reporting period with its deadline: the year (by year end, safeguard 五(四)) or a quarter."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    deadline = models.DateField(_("deadline"))
    remind_days = models.PositiveSmallIntegerField(_("remind this many days before"), default=14)
    # Drafted by the office during the round and carried into the annual report as they are.
    problems = models.TextField(_("problems (存在问题)"), blank=True)
    next_steps = models.TextField(_("next steps (下一步工作)"), blank=True)
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT)

    class Meta:
        ordering = ["-year", "-quarter"]
        unique_together = [("year", "quarter")]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")

    def __str__(self) -> str:
        return self.period

    @property
    def period(self) -> str:
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)


class ProgressReport(models.Model):
    """One unit's report on one task for one round."""

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("On track")
        DELAYED = "delayed", _("Delayed")
        COMPLETED = "completed", _("Completed")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for revision")
        ACCEPTED = "accepted", _("Accepted")

    round = models.ForeignKey(ReportingRound, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey("accounts.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    task = models.ForeignKey(
        PlanTask, verbose_name=_("task"), on_delete=models.PROTECT, related_name="reports"
    )
    progress = models.CharField(_("progress"), max_length=12, choices=Progress.choices, blank=True)
    narrative = models.TextField(_("what was done"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    review_comment = models.TextField(_("coordinator's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.PROTECT
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["round", "task", "unit"]
        unique_together = [("round", "unit", "task")]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.round} {self.unit} {self.task}"


class ReportEvidence(models.Model):
    """A file, photo or link supporting a report. Plan evidence is not personal data; files are
    kept in the database so a backup holds everything."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    caption = models.CharField(_("caption"), max_length=200)
    url = models.URLField(_("link"), blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    content = models.BinaryField(_("content"), blank=True, null=True)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["report", "id"]
        verbose_name = _("report evidence")
        verbose_name_plural = _("report evidence")

    def __str__(self) -> str:
        return self.caption


class ReportEvent(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return f"{self.action} #{self.pk}"


class IndicatorValue(models.Model):
    """A value for a period (2026, 2026Q3) and a region: computed, or reported with approval."""

    jurisdiction_field = "region"

    class Source(models.TextChoices):
        COMPUTED = "computed", _("Computed from the registries")
        REPORTED = "reported", _("Reported by a unit")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft, with its report")
        SUBMITTED = "submitted", _("Waiting for approval")
        RETURNED = "returned", _("Returned for revision")
        ACCEPTED = "accepted", _("Accepted")

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    period = models.CharField(_("period"), max_length=8)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    numerator = models.DecimalField(_("numerator"), max_digits=14, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(
        _("denominator"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT
    )
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="indicator_values"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("as of"), auto_now=True)

    class Meta:
        ordering = ["indicator", "period", "region"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "region", "source"], name="one_value_per_source_and_period"
            )
        ]
        indexes = [models.Index(fields=["period", "state"], name="indicator_value_period")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.region_id}"


class NewsItem(models.Model):
    """An item of the public column (宣传专栏), published by the publicity department."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    task = models.ForeignKey(
        PlanTask, verbose_name=_("task"), null=True, blank=True, on_delete=models.SET_NULL
    )
    author = models.ForeignKey("accounts.User", verbose_name=_("author"), on_delete=models.PROTECT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("news item")
        verbose_name_plural = _("news items")

    def __str__(self) -> str:
        return self.title
