"""The talent pool the plan's (一)4 asks for — out-of-school Young Pioneer counsellors (校外辅导员),
volunteers and social organisations — and the activities they run with children, which 萌阅's
reading sessions and council training share.

People's personal data are encrypted and found by blind index, like children's. The background
check the Minors Protection Law requires is recorded only as a fact (when, by whom, pass or fail,
when next due), never the record itself; nobody without a valid one works with children."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongyou.datahub.models import Child
from tongyou.privacy.fields import EncryptedTextField
from tongyou.regions.models import Region

PERSON_ID_PURPOSE = "talent-id"  # blind index purpose: a person is found by ID number, exactly


class Organisation(models.Model):
    """A social organisation (社会组织) working with children, by its unified social credit code."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("status of a person or organisation", "Active")
        SUSPENDED = "suspended", _("Suspended")
        DEREGISTERED = "deregistered", _("Deregistered")

    jurisdiction_field = "region"

    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    registered_with = models.CharField(_("registration authority"), max_length=100)
    domains = models.CharField(_("service domains"), max_length=200, blank=True)
    contact_name = EncryptedTextField(_("contact person"), blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    region = models.ForeignKey(Region, verbose_name=_("area"), on_delete=models.PROTECT)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name = _("social organisation")
        verbose_name_plural = _("social organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A counsellor or a volunteer. Name, ID number and phone are encrypted; the ID number's blind
    index finds a person exactly (one record per person and kind)."""

    class Kind(models.TextChoices):
        COUNSELLOR = "counsellor", _("Out-of-school counsellor")
        VOLUNTEER = "volunteer", _("Volunteer")

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        TRAINED = "trained", _("Trained")
        ACTIVE = "active", pgettext_lazy("status of a person or organisation", "Active")
        SUSPENDED = "suspended", _("Suspended")
        EXITED = "exited", _("Exited")

    class Source(models.TextChoices):
        PARTY_MEMBER = "party", _("Party or league member")
        MODEL_WORKER = "model_worker", _("Model or advanced worker")
        FIVE_ELDERS = "five_elders", _("五老 (veteran cadres, soldiers, experts, teachers, models)")
        PARENT = "parent", _("Qualified parent")
        PROFESSIONAL = "professional", _("Professional")
        OTHER = "other", _("Other")

    jurisdiction_field = "region"

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = EncryptedTextField(pgettext_lazy("of a person", "name"))
    id_number = EncryptedTextField(_("ID number"))
    id_number_index = models.CharField(_("ID number blind index"), max_length=64, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    birth_date = models.DateField(_("birth date"))
    region = models.ForeignKey(Region, verbose_name=_("area"), on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL
    )
    source = models.CharField(_("source"), max_length=14, choices=Source.choices, blank=True)
    skills = models.CharField(_("skills and availability"), max_length=200, blank=True)
    guardian_consent_on = models.DateField(
        _("guardian's consent (volunteers under 18)"), null=True, blank=True
    )
    training_certificate = models.CharField(_("training certificate number"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CANDIDATE)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("counsellor or volunteer")
        verbose_name_plural = _("counsellors and volunteers")
        constraints = [
            models.UniqueConstraint(fields=["kind", "id_number_index"], name="community_one_person_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"  # no name: it lands in logs and the admin

    def age_on(self, day: dt.date) -> int:
        return (
            day.year
            - self.birth_date.year
            - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))
        )


class Appointment(models.Model):
    """A counsellor's appointment: by a 少工委 or a school, with a letter, for a term; a renewal is
    a new appointment."""

    jurisdiction_field = "person__region"

    person = models.ForeignKey(
        Person, verbose_name=_("counsellor"), on_delete=models.CASCADE, related_name="appointments"
    )
    appointed_by = models.CharField(_("appointed by (少工委 or school)"), max_length=100)
    letter_number = models.CharField(_("letter number"), max_length=40)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    schools = models.CharField(_("assigned schools"), max_length=200, blank=True)
    renews = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewal",
    )

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-term_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_start__lt=models.F("term_end")), name="community_term_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter_number} ({self.term_start}–{self.term_end})"


class BackgroundCheck(models.Model):
    """That a check was made (未成年人保护法 Art. 62): when, by which unit, pass or fail, next due.
    Never what it found."""

    class Result(models.TextChoices):
        PASSED = "passed", _("No record found")
        FAILED = "failed", _("Record found: may not work with children")

    jurisdiction_field = "person__region"

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="checks"
    )
    checked_on = models.DateField(_("checked on"))
    queried_by = models.CharField(_("querying unit"), max_length=100)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    next_due = models.DateField(_("next check due"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("background check")
        verbose_name_plural = _("background checks")
        ordering = ["-checked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} {self.checked_on} {self.get_result_display()}"


class Activity(models.Model):
    """An activity with children: a reading session, a council training, a volunteer service."""

    class Kind(models.TextChoices):
        READING = "reading", _("Parent–child reading session")
        COUNCIL_TRAINING = "council_training", _("Children's council training")
        COUNSELLOR_CLASS = "counsellor_class", _("Counsellor's class or activity")
        VOLUNTEER_SERVICE = "volunteer_service", _("Volunteer service")
        # Counted by the readiness and family-education services (plan tasks (四)6 and (五)1).
        DISASTER_EDUCATION = "disaster_education", _("Disaster-prevention education")
        PARENT_SCHOOL = "parent_school", _("Parent school or family-education guidance session")
        OTHER = "other", _("Other")

    jurisdiction_field = "region"

    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name=_("area"), on_delete=models.PROTECT)
    place = models.CharField(_("place"), max_length=100)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places for children"))
    age_min = models.PositiveSmallIntegerField(_("youngest age"), default=0)
    age_max = models.PositiveSmallIntegerField(_("oldest age"), default=17)
    suits_minors = models.BooleanField(_("volunteers aged 14–17 may help"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="community_activity_order"
            ),
            models.CheckConstraint(
                condition=Q(age_min__lte=models.F("age_max")), name="community_activity_ages"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Assignment(models.Model):
    """A counsellor or volunteer working at an activity (only with a valid background check)."""

    jurisdiction_field = "activity__region"

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="staff"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="assignments"
    )
    task = models.CharField(_("task"), max_length=100, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="community_assigned_once")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.activity}"


class SignUp(models.Model):
    """A child signed up for an activity (with the family members coming), and whether they came."""

    jurisdiction_field = "activity__region"

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="signups"
    )
    child = models.ForeignKey(
        Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="activity_signups"
    )
    family_members = models.PositiveSmallIntegerField(_("family members coming"), default=0)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [models.UniqueConstraint(fields=["activity", "child"], name="community_signed_up_once")]

    def __str__(self) -> str:
        return f"{self.activity} #{self.child_id}"


class ServiceHours(models.Model):
    """Hours a volunteer or counsellor served at an activity: recorded and confirmed by the
    organiser before they count (谁组织谁记录、谁记录谁证明)."""

    jurisdiction_field = "activity__region"

    assignment = models.OneToOneField(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="hours"
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="+"
    )
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("service hours")
        verbose_name_plural = _("service hours")

    def __str__(self) -> str:
        return f"{self.assignment}: {self.hours} h"


class ActivityFeedback(models.Model):
    """Children's anonymous feedback on an activity: how many chose each of five faces (entered
    from the cards children drop in a box; nothing links a face to a child)."""

    jurisdiction_field = "activity__region"

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="feedback"
    )
    face = models.PositiveSmallIntegerField(_("face (1 sad – 5 very happy)"))
    count = models.PositiveIntegerField(_("children"))

    class Meta:
        verbose_name = _("children's feedback")
        verbose_name_plural = _("children's feedback")
        constraints = [
            models.UniqueConstraint(fields=["activity", "face"], name="community_one_count_per_face"),
            models.CheckConstraint(condition=Q(face__gte=1, face__lte=5), name="community_face_range"),
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.face} × {self.count}"


class SchoolRating(models.Model):
    """A school's rating of a counsellor or volunteer for a year (1–5)."""

    jurisdiction_field = "person__region"

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="ratings"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    school = models.CharField(_("school"), max_length=100)
    score = models.PositiveSmallIntegerField(_("score (1–5)"))
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("school's rating")
        verbose_name_plural = _("schools' ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year", "school"], name="community_one_rating_per_school"
            ),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="community_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year} {self.school}: {self.score}"
