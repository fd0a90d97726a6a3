"""Missing-child alerts (plan task 五.4–5): cases, their CAP messages, the two delivery outboxes
(MQTT topics per H3 cell; registered recipients per channel), sightings, Code Adam at venues,
and the public camera registry.

A case is public while it is active, and only then: its photo and description leave every
public page and feed when it ends, and are wiped after ALERT_RETENTION_DAYS."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongyou.privacy.fields import EncryptedTextField


class MissingChildCase(models.Model):
    jurisdiction_field = "region"

    class State(models.TextChoices):
        AWAITING = "awaiting", _("Waiting for a second officer's confirmation")
        ACTIVE = "active", _("Active")
        FOUND = "found", _("Found")
        FALSE_ALARM = "false_alarm", _("False alarm")

    class Sex(models.TextChoices):
        MALE = "1", _("Boy")
        FEMALE = "2", _("Girl")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    # Blank when not known (a Code Adam may not know the name): said as unknown, never guessed.
    child_name = EncryptedTextField(_("child's name"), max_length=50, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    description = models.TextField(_("appearance"), blank=True)
    clothing = models.TextField(_("clothing"), blank=True)
    suspect = models.TextField(_("suspect"), blank=True)
    vehicle = models.CharField(_("vehicle"), max_length=200, blank=True)
    photo = models.BinaryField(_("photo"), null=True, blank=True)
    photo_type = models.CharField(max_length=20, blank=True)
    last_seen_at = models.DateTimeField(_("last seen at"))
    last_seen_place = models.CharField(_("last seen place"), max_length=200)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    region = models.ForeignKey("regions.Region", verbose_name=_("area"), on_delete=models.PROTECT)
    is_drill = models.BooleanField(_("drill (CAP status Exercise)"), default=False)
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    radius_km = models.PositiveIntegerField(_("current radius (km)"), default=0)
    reported_by = models.ForeignKey(
        "accounts.User", verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_note = models.CharField(_("how it ended"), max_length=200, blank=True)
    purged_at = models.DateTimeField(_("public data purged"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("missing-child case")
        verbose_name_plural = _("missing-child cases")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_public(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def child_summary(self) -> Any:
        """'小红，女孩，5岁' (unknown parts said to be unknown), as every channel says it."""
        from .services import wording

        return wording.child(self)

    @property
    def headline(self) -> Any:
        from .services import wording

        return wording.headline(self)


class AlertMessage(models.Model):
    """One CAP message of a case: the Alert, each Update (a wider radius, new details), the Cancel."""

    class Type(models.TextChoices):
        # The values are CAP 1.2's msgType; the labels are what staff read.
        ALERT = "Alert", _("Alert (first message)")
        UPDATE = "Update", _("Update")
        CANCEL = "Cancel", _("Cancel (ended)")

    case = models.ForeignKey(MissingChildCase, on_delete=models.CASCADE, related_name="messages")
    version = models.PositiveSmallIntegerField(_("version"))
    msg_type = models.CharField(_("message type"), max_length=6, choices=Type.choices)
    identifier = models.CharField(_("CAP identifier"), max_length=120, unique=True)
    sent = models.DateTimeField(_("sent"))
    radius_km = models.PositiveIntegerField(_("radius (km)"))
    cap_xml = models.TextField(_("CAP message"))

    class Meta:
        ordering = ["case", "version"]
        unique_together = [("case", "version")]
        verbose_name = _("alert message")
        verbose_name_plural = _("alert messages")

    def __str__(self) -> str:
        return self.identifier


class Recipient(models.Model):
    """Someone who opted in to receive alerts near a place they gave: a volunteer, a driver, a grid
    worker, a venue, a partner app. Located by H3 cells so a circle finds them without a scan."""

    class Kind(models.TextChoices):
        VOLUNTEER = "volunteer", _("Volunteer")
        DRIVER = "driver", _("Taxi or ride-hailing driver")
        GRID_WORKER = "grid_worker", _("Grid worker")
        VENUE = "venue", _("Venue")
        PARTNER = "partner", _("Partner app")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS gateway")
        WEBHOOK = "webhook", _("Signed webhook")
        WEB_PUSH = "web_push", _("Web push")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = EncryptedTextField(_("phone, webhook URL or push subscription (JSON)"))
    secret = EncryptedTextField(_("signing secret"), blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    cell4 = models.CharField(max_length=16, db_index=True)
    cell5 = models.CharField(max_length=16, db_index=True)
    cell6 = models.CharField(max_length=16, db_index=True)
    is_active = models.BooleanField(_("receiving"), default=True)
    # Drills go only to recipients who said they take part in them, and to the drill topics.
    drills = models.BooleanField(_("takes part in drills (演练)"), default=False)
    # A partner's webhook receives nothing until a police officer approved it (its address was
    # typed by whoever opted in: unapproved, it would let anyone make the worker post anywhere).
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    opted_in_at = models.DateTimeField(_("opted in"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("registered recipient")
        verbose_name_plural = _("registered recipients")

    def __str__(self) -> str:
        return self.name


class Outbox(models.Model):
    """Work that must reach something outside: retried until it does, never done twice."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DONE = "done", _("Delivered")
        FAILED = "failed", _("Given up")

    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        abstract = True


class TopicPublication(Outbox):
    """A CAP message's payload to one MQTT topic (one H3 cell)."""

    message = models.ForeignKey(AlertMessage, on_delete=models.CASCADE, related_name="publications")
    topic = models.CharField(_("topic"), max_length=80)
    # Only clears the case's retained message on this topic (a cell the circle no longer uses at
    # this resolution), so a phone subscribing there later does not hear an old version.
    clear_only = models.BooleanField(_("clears the retained message only"), default=False)

    class Meta:
        unique_together = [("message", "topic")]
        verbose_name = _("topic publication")
        verbose_name_plural = _("topic publications")

    def __str__(self) -> str:
        return self.topic


class Delivery(Outbox):
    """A CAP message to one registered recipient. The key (message identifier, recipient) is
    unique: nobody gets the same alert version twice, and the receiver can deduplicate on it."""

    message = models.ForeignKey(AlertMessage, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="deliveries")
    idempotency_key = models.CharField(_("idempotency key"), max_length=160, unique=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return self.idempotency_key


class Sighting(models.Model):
    jurisdiction_field = "case__region"

    class Credibility(models.TextChoices):
        UNREVIEWED = "unreviewed", _("Not yet reviewed")
        CREDIBLE = "credible", _("Credible")
        NOT_CREDIBLE = "not_credible", _("Not credible")

    case = models.ForeignKey(MissingChildCase, on_delete=models.CASCADE, related_name="sightings")
    seen_at = models.DateTimeField(_("seen at"))
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = EncryptedTextField(_("what was seen"))
    photo = models.BinaryField(_("photo"), null=True, blank=True)
    photo_type = models.CharField(max_length=20, blank=True)
    contact = EncryptedTextField(_("contact (optional)"), blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    credibility = models.CharField(
        _("credibility"), max_length=12, choices=Credibility.choices, default=Credibility.UNREVIEWED
    )
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("sighting")
        verbose_name_plural = _("sightings")

    def __str__(self) -> str:
        return f"Sighting #{self.pk}"


class Venue(models.Model):
    jurisdiction_field = "region"

    class Kind(models.TextChoices):
        MALL = "mall", _("Shopping mall")
        PARK = "park", _("Park")
        HOSPITAL = "hospital", _("Hospital")
        STATION = "station", _("Station")
        OTHER = "other", _("Other public venue")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("community"), on_delete=models.PROTECT)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    exits = models.JSONField(_("exits"), default=list, help_text=_("The exits staff must watch, by name."))
    staff = models.ManyToManyField(
        "accounts.User", verbose_name=_("staff"), related_name="venues", blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self) -> str:
        return self.name


class CodeAdam(models.Model):
    jurisdiction_field = "venue__region"

    class State(models.TextChoices):
        SEARCHING = "searching", _("Searching")
        FOUND = "found", _("Found on site")
        ESCALATED = "escalated", _("Escalated to the police")

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="code_adams")
    description = models.TextField(_("child's description and clothing"))
    clothing = models.TextField(_("clothing"), blank=True)
    child_name = EncryptedTextField(_("child's name"), max_length=50, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=MissingChildCase.Sex.choices, blank=True)
    triggered_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SEARCHING)
    exits_checked = models.JSONField(_("exits checked"), default=dict)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    case = models.OneToOneField(
        MissingChildCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="code_adam"
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("Code Adam")
        verbose_name_plural = _("Code Adams")

    def __str__(self) -> str:
        return f"Code Adam #{self.pk}"


class Camera(models.Model):
    """A public video resource (plan task 五.4): who to ask for footage, where."""

    jurisdiction_field = "region"

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey("regions.Region", verbose_name=_("area"), on_delete=models.PROTECT)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    owner = models.ForeignKey("accounts.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT)
    contact = models.CharField(_("contact"), max_length=100)
    retention_days = models.PositiveSmallIntegerField(_("footage kept for (days)"), default=30)

    class Meta:
        ordering = ["name"]
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")

    def __str__(self) -> str:
        return self.name
