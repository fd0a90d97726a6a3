"""分级干预: graded case management for minors' misbehaviour under the Law on the Prevention of
Juvenile Delinquency (预防未成年人犯罪法, 2020 revision): 不良行为 (art. 28) and 严重不良行为
(art. 38), the measures of the school (art. 31), the family (art. 29), the police (arts. 30, 41)
and the procuratorate, referrals to psychological counselling (the 12355 line) and legal
education, reviews on a schedule, and closure.

Among the most sensitive records a district holds: only the police and the procuratorate read
them, and a school its own pupils' (rules.py); every read is audited; a closed case is sealed
(art. 59 and the Criminal Procedure Law's art. 286 on minors' records): no list shows it, no unit
sees it, and the police and procuratorate open it only by a lawful query that states its basis
and is logged (SealedQuery)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongyou.datahub.models import Child
from tongyou.privacy.fields import EncryptedTextField


class Grade(models.TextChoices):
    MINOR = "minor", _("Misbehaviour (不良行为, art. 28)")
    SERIOUS = "serious", _("Serious misbehaviour (严重不良行为, art. 38)")


# The law's own lists (arts. 28 and 38), by grade.
BEHAVIOURS = {
    Grade.MINOR: [
        ("smoking_drinking", _("Smoking or drinking")),
        ("truancy", _("Repeated truancy")),
        ("running_away", _("Staying out at night or running away from home")),
        ("internet", _("Internet addiction")),
        ("bad_company", _("Keeping company with people of bad habits, or a gang")),
        ("unsuitable_places", _("Entering places unsuitable for minors")),
        ("gambling_superstition", _("Gambling, superstition or cult activities")),
        ("harmful_content", _("Obscene, violent, terrorist or extremist content")),
        ("other_minor", _("Other misbehaviour harmful to the minor's growth")),
    ],
    Grade.SERIOUS: [
        ("affray", _("Group fights, stopping or harassing others, taking by force")),
        ("weapons", _("Carrying guns, ammunition or controlled knives")),
        ("assault", _("Beating, insulting, threatening or injuring others")),
        ("theft", _("Theft, looting, snatching or wilful damage")),
        ("obscene_spread", _("Spreading obscene materials")),
        ("prostitution", _("Prostitution, soliciting or obscene performances")),
        ("drugs", _("Taking or supplying drugs")),
        ("heavy_gambling", _("Gambling for large stakes")),
        ("other_serious", _("Other acts seriously harming society")),
    ],
}
BEHAVIOUR_LABELS = {code: label for items in BEHAVIOURS.values() for code, label in items}


class Actor(models.TextChoices):
    SCHOOL = "school", _("School")
    FAMILY = "family", _("Family")
    POLICE = "police", _("Police")
    PROCURATORATE = "procuratorate", _("Procuratorate")


# The measures each actor takes under the law.
MEASURES = {
    Actor.SCHOOL: [  # art. 31
        ("admonition", _("Admonition (训导)")),
        ("conduct_rules", _("Required to keep particular rules of conduct")),
        ("special_education", _("Required to attend particular topical education")),
        ("school_service", _("Required to take part in service at school")),
        ("counselling_intervention", _("Psychological counselling and behavioural intervention")),
        ("other_school", _("Other suitable school measures")),
    ],
    Actor.FAMILY: [  # arts. 16, 29
        ("stopped_supervised", _("Stopped it and stepped up supervision")),
        ("guidance_accepted", _("Took family-education guidance")),
        ("other_family", _("Other family measures")),
    ],
    Actor.POLICE: [  # arts. 30, 41
        ("stopped_urged", _("Stopped it and urged the guardian to fulfil guardianship")),
        ("reprimand", _("Reprimand (训诫)")),
        ("apology_compensation", _("Ordered to apologise and compensate")),
        ("written_repentance", _("Ordered to sign a statement of repentance")),
        ("report_regularly", _("Ordered to report activities regularly")),
        ("conduct_order", _("Ordered to keep rules, avoid persons or places")),
        ("correction", _("Ordered to take counselling and behavioural correction")),
        ("community_service", _("Ordered to take part in community service")),
        ("social_observation", _("Ordered to accept social observation (社会观护)")),
        ("other_police", _("Other corrective education measures")),
    ],
    Actor.PROCURATORATE: [
        ("guardianship_order", _("Order urging guardianship (督促监护令)")),
        ("legal_education", _("Legal education")),
        ("procuratorial_suggestion", _("Procuratorial suggestion")),
        ("other_procuratorate", _("Other procuratorial measures")),
    ],
}
MEASURE_LABELS = {code: label for items in MEASURES.values() for code, label in items}


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("a case", "Open")
        CLOSED = "closed", _("Closed and sealed")

    class Closure(models.TextChoices):
        CORRECTED = "corrected", _("Behaviour corrected")
        SPECIAL_EDUCATION = "special_education", _("Transferred to special education")
        ADULT = "adult", _("Turned 18")
        MOVED = "moved", _("Moved out of the district")
        OTHER = "other", _("Other")

    jurisdiction_field = "child__residence_region"
    audit_personal = True

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "school"},
    )
    grade = models.CharField(_("grade"), max_length=8, choices=Grade.choices)
    behaviours = models.JSONField(_("behaviours"), default=list)
    summary = EncryptedTextField(_("what happened"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField(_("opened on"))
    next_review = models.DateField(_("next review due"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure = models.CharField(_("closure"), max_length=20, choices=Closure.choices, blank=True)
    # Set at closure, never unset: a sealed case is out of every list and every unit's sight.
    sealed = models.BooleanField(_("sealed"), default=False)

    class Meta:
        verbose_name = _("intervention case")
        verbose_name_plural = _("intervention cases")
        ordering = ["next_review", "id"]
        indexes = [models.Index(fields=["sealed", "status", "next_review"], name="intervention_due_idx")]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def behaviour_labels(self) -> str:
        return "、".join(str(BEHAVIOUR_LABELS[b]) for b in self.behaviours if b in BEHAVIOUR_LABELS)


class Measure(models.Model):
    jurisdiction_field = "case__child__residence_region"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    actor = models.CharField(_("taken by"), max_length=14, choices=Actor.choices)
    kind = models.CharField(_("measure"), max_length=30)
    taken_on = models.DateField(_("taken on"))
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["taken_on", "id"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return self.kind

    def label(self) -> str:
        return str(MEASURE_LABELS.get(self.kind, self.kind))


class Referral(models.Model):
    class To(models.TextChoices):
        COUNSELLING_12355 = "12355", _("Psychological counselling (12355 youth service line)")
        LEGAL_EDUCATION = "legal_education", _("Legal education")
        SOCIAL_WORK = "social_work", _("Social work service")
        SPECIAL_EDUCATION = "special_education", _("Assessment for special education")

    class Outcome(models.TextChoices):
        REFERRED = "referred", _("Referred")
        ACCEPTED = "accepted", _("Accepted")
        COMPLETED = "completed", pgettext_lazy("a referral", "Completed")
        DECLINED = "declined", _("Declined")

    jurisdiction_field = "case__child__residence_region"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    to = models.CharField(_("referred to"), max_length=20, choices=To.choices)
    referred_on = models.DateField(_("referred on"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.REFERRED)
    updated_on = models.DateField(_("updated on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["referred_on", "id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return self.to


class Review(models.Model):
    class Finding(models.TextChoices):
        IMPROVING = "improving", _("Improving")
        UNCHANGED = "unchanged", _("Unchanged")
        WORSE = "worse", _("Worse")

    jurisdiction_field = "case__child__residence_region"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    finding = models.CharField(pgettext_lazy("a review", "finding"), max_length=10, choices=Finding.choices)
    grade_before = models.CharField(_("grade before"), max_length=8, choices=Grade.choices)
    grade_after = models.CharField(_("grade after"), max_length=8, choices=Grade.choices)
    note = EncryptedTextField(_("note"), blank=True)
    next_review = models.DateField(_("next review due"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["reviewed_on", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.reviewed_on}"


class SealedQuery(models.Model):
    """A lawful query of a sealed case (art. 59: by judicial organs for a case they handle, or as
    state rules provide): who, when, on what basis. Kept with the case; the audit log has it too."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="queries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(_("legal basis"), max_length=300)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("query of a sealed case")
        verbose_name_plural = _("queries of sealed cases")

    def __str__(self) -> str:
        return f"#{self.case_id} {self.at:%Y-%m-%d}"
