"""The plan as data: areas, tasks, and the units that lead and join each task.

Issue #6 adds progress reports and indicators; the foundation loads the plan
itself, with each task's unit lists kept exactly as the plan writes them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self):
        return self.title


class PlanArea(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="areas")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["plan", "number"]
        unique_together = [("plan", "number")]
        verbose_name = _("plan area")
        verbose_name_plural = _("plan areas")

    def __str__(self):
        return self.title

    @property
    def chinese_number(self):
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

    class Meta:
        ordering = ["area", "number"]
        unique_together = [("area", "number")]
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")

    def __str__(self):
        return f"({self.area.chinese_number}){self.number} {self.title}"
