"""In-app notifications: the one way Tongyou tells a person that something waits for them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to one user. `key` names the event, so telling someone twice about the same
    overdue step (a daily job runs again) adds nothing."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    key = models.CharField(_("event key"), max_length=100)
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="one_notice_per_event")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.key


class HolidayNotice(models.Model):
    """A year's official holiday arrangement (国务院办公厅关于某年部分节假日安排的通知), entered by an
    administrator for a year the installed calendar package does not cover yet. Until a year has
    one, working-day deadlines in it are provisional (core/workdays.py)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    holidays = models.TextField(
        _("days off"),
        help_text=_("One date or range a line: 2027-02-06 or 2027-02-06~2027-02-13."),
    )
    working_weekends = models.TextField(
        _("make-up working days (调休上班)"), blank=True, help_text=_("One date a line: 2027-02-14.")
    )
    source = models.CharField(_("notice (文号)"), max_length=120)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, on_delete=models.SET_NULL
    )
    entered_at = models.DateTimeField(_("entered"), auto_now=True)

    class Meta:
        verbose_name = _("holiday notice")
        verbose_name_plural = _("holiday notices")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} {self.source}"


class ServiceStatus(models.Model):
    """Whether a service Tongyou leans on (the cache, the broker, the background worker) answered
    when last tried. Written by the worker's checks and by any request that met an outage, so
    staff see the outage on every page (core/health.py)."""

    name = models.CharField(_("service"), max_length=40, unique=True)
    ok = models.BooleanField(_("working"), default=True)
    detail = models.CharField(_("last error"), max_length=300, blank=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    checked_at = models.DateTimeField(_("last checked"))

    class Meta:
        verbose_name = _("service status")
        verbose_name_plural = _("service statuses")

    def __str__(self) -> str:
        return self.name
