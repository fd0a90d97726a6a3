"""Children's participation (plan task (一)3): processes that run through the plan's four stages,
the children who take part in them (verified against the master index, with a guardian's
consent), and the proposals they file, from the need a child states to the answer the child is
given and what was done about it.

The shape follows Decidim (a process with phases, per-phase switches; proposals answered, the
answer published separately; results with dated updates), with two changes a children's
platform needs: a child's words are moderated *before* anyone else sees them, and children never
sign up: a school or community issues each child a participation code."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongyou.datahub.codes import GuardianRelationship
from tongyou.privacy.fields import EncryptedTextField


class Stage(models.TextChoices):
    """The plan's four key stages of children's participation, in order."""

    NEEDS = "needs", _("Needs expressed")
    PROPOSALS = "proposals", _("Proposals drawn up")
    DECISION = "decision", _("Decisions published")
    FEEDBACK = "feedback", _("Evaluation and feedback")


STAGE_ORDER = [Stage.NEEDS, Stage.PROPOSALS, Stage.DECISION, Stage.FEEDBACK]


class Process(models.Model):
    """A participation process: a council's year, a playground redesign, a school-route survey."""

    jurisdiction_field = "region"

    class Kind(models.TextChoices):
        COUNCIL_YEAR = "council_year", _("A children's council's year")
        PUBLIC_SPACE = "public_space", _("A public space built or redesigned")
        PLANNING = "planning", _("A planning question")
        SCHOOL_ROUTE = "school_route", _("School routes")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=80)
    summary = models.TextField(_("what it is about, for children"), max_length=2000)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("district, street or community"), on_delete=models.PROTECT
    )
    facility = models.ForeignKey(
        "spaces.Facility",
        verbose_name=_("the place it concerns"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participation_processes",
    )
    age_min = models.PositiveSmallIntegerField(_("youngest age that may take part"), default=7)
    age_max = models.PositiveSmallIntegerField(_("oldest age that may take part"), default=15)
    reply_days = models.PositiveSmallIntegerField(
        _("working days a unit has to answer a proposal"), default=15
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo) record"), default=False)

    class Meta:
        verbose_name = _("participation process")
        verbose_name_plural = _("participation processes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(age_min__lte=models.F("age_max")), name="process_age_window")
        ]

    def __str__(self) -> str:
        return self.title

    def active_phase(self) -> Phase | None:
        if self.status != self.Status.OPEN:
            return None
        return self.phases.filter(is_active=True).first()

    def accepts_age(self, birth_date: dt.date, on: dt.date) -> bool:
        age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
        return self.age_min <= age <= self.age_max


class Phase(models.Model):
    """One of the four stages of a process, with its dates and what may be done while it is
    active (Decidim's step settings). One phase of a process is active at a time."""

    jurisdiction_field = "process__region"

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="phases"
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    is_active = models.BooleanField(_("active now"), default=False)
    submitting = models.BooleanField(_("children may file needs and proposals"), default=False)
    supporting = models.BooleanField(_("children may support proposals"), default=False)
    answering = models.BooleanField(_("units may answer proposals"), default=False)
    publishing = models.BooleanField(_("answers and results may be published"), default=False)
    surveying = models.BooleanField(_("children may answer surveys"), default=False)
    commenting = models.BooleanField(_("children may comment on proposals"), default=False)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["process", "starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["process", "stage"], name="one_phase_per_stage"),
            models.UniqueConstraint(fields=["process"], condition=Q(is_active=True), name="one_active_phase"),
            models.CheckConstraint(condition=Q(starts_on__lte=models.F("ends_on")), name="phase_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.process} · {self.get_stage_display()}"


# What each stage allows unless the organiser changes it: children speak in the first two,
# units answer from the second, answers and results go public in the last two.
DEFAULT_SWITCHES = {
    Stage.NEEDS: {"submitting": True, "supporting": True, "commenting": True, "surveying": True},
    Stage.PROPOSALS: {"submitting": True, "supporting": True, "commenting": True, "answering": True},
    Stage.DECISION: {"answering": True, "publishing": True},
    Stage.FEEDBACK: {"publishing": True, "surveying": True},
}


class Consent(models.Model):
    """A guardian's written consent for a child to take part, recorded by the staff member who saw
    the form. The latest consent of a child that is not withdrawn is the one that holds."""

    jurisdiction_field = "child__residence_region"
    audit_personal = True

    child = models.ForeignKey(
        "datahub.Child",
        verbose_name=_("child"),
        on_delete=models.CASCADE,
        related_name="participation_consents",
    )
    guardian_name = EncryptedTextField(_("guardian who consented"), max_length=50)
    relationship = models.CharField(
        _("relationship to the child"), max_length=2, choices=GuardianRelationship.choices
    )
    given_on = models.DateField(_("signed on"))
    takes_part = models.BooleanField(_("the child may take part"), default=True)
    words_public = models.BooleanField(
        _("the child's words may be published with a given name and grade"), default=False
    )
    photos = models.BooleanField(_("photos showing the child may be published"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("guardian's consent")
        verbose_name_plural = _("guardians' consents")
        ordering = ["child", "-given_on", "-id"]

    def __str__(self) -> str:
        return f"Consent #{self.pk}"


class Participant(models.Model):
    """A child taking part in one process, through a participation code the school or community
    issued. The code itself is shown once and stored only as a keyed hash."""

    jurisdiction_field = "child__residence_region"
    audit_personal = True

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="participants"
    )
    child = models.ForeignKey(
        "datahub.Child", verbose_name=_("child"), on_delete=models.PROTECT, related_name="participations"
    )
    code_index = models.CharField(_("code (keyed hash)"), max_length=64, unique=True, editable=False)
    display_name = models.CharField(
        _("given name shown with the child's words"),
        max_length=10,
        help_text=_("A given name only, e.g. 小雨."),
    )
    grade = models.CharField(_("grade"), max_length=10, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["process", "id"]
        constraints = [models.UniqueConstraint(fields=["process", "child"], name="one_code_per_child")]

    def __str__(self) -> str:
        return f"Participant #{self.pk}"


class Proposal(models.Model):
    """A need or a proposal, from a child (through a code), a council or a class."""

    jurisdiction_field = "region"
    audit_personal = True

    class Author(models.TextChoices):
        CHILD = "child", _("A child")
        COUNCIL = "council", _("A children's council")
        CLASS = "class", _("A class")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        REJECTED = "rejected", _("Not passed by moderation")
        APPROVED = "approved", _("Visible, waiting to be assigned")
        ASSIGNED = "assigned", _("With the responsible unit")
        ANSWERED = "answered", _("Answered, answer not yet published")
        PUBLISHED = "published", _("Answer published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Answer(models.TextChoices):
        ACCEPTED = "accepted", pgettext_lazy("answer to a child's proposal", "Accepted")
        PARTLY = "partly", _("Partly accepted")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.PROTECT, related_name="proposals"
    )
    stage = models.CharField(_("filed during"), max_length=10, choices=Stage.choices)
    author = models.CharField(_("filed by"), max_length=8, choices=Author.choices, default=Author.CHILD)
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("child"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    group_name = models.CharField(_("council or class"), max_length=40, blank=True)
    session = models.ForeignKey(
        "CouncilSession",
        verbose_name=_("council session it came from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    # A child's words are personal information of a minor: encrypted like a name.
    title = EncryptedTextField(_("in a few words"), max_length=40)
    problem = EncryptedTextField(_("the problem"), max_length=1000)
    reason = EncryptedTextField(_("why it matters"), max_length=1000, blank=True)
    idea = EncryptedTextField(_("an idea that could work"), max_length=1000, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    facility = models.ForeignKey(
        "spaces.Facility",
        verbose_name=_("facility"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children_proposals",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    moderation_note = models.CharField(_("moderation reason"), max_length=300, blank=True)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    reply_due = models.DateField(_("answer due"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=12, choices=Answer.choices, blank=True)
    answer_text = models.TextField(_("the answer, written for a child"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    published_at = models.DateTimeField(_("answer published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed"), auto_now_add=True)
    is_synthetic = models.BooleanField(_("synthetic (demo) record"), default=False)

    class Meta:
        verbose_name = _("children's proposal")
        verbose_name_plural = _("children's proposals")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Proposal #{self.pk}"

    @property
    def reference(self) -> str:
        return f"JY{self.created_at:%Y}{self.pk:05d}" if self.created_at else ""

    def answered_on_time(self) -> bool | None:
        if self.reply_due is None or self.answered_at is None:
            return None
        return self.answered_at.date() <= self.reply_due


class ProposalPhoto(models.Model):
    """A photo a child attached to a proposal (the broken swing, the dark lane). Re-encoded on
    upload (no EXIF position), encrypted at rest, seen by staff with the proposal, and shown to the
    public only where the guardian agreed to photos."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="photos")
    content_type = models.CharField(_("content type"), max_length=20)
    content = EncryptedTextField(_("photo (encrypted)"))

    class Meta:
        verbose_name = _("proposal photo")
        verbose_name_plural = _("proposal photos")
        ordering = ["proposal", "id"]

    def __str__(self) -> str:
        return f"Photo #{self.pk}"


class ProposalEvent(models.Model):
    """A proposal's history: every step, who took it (none: the child), and the note."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal event")
        verbose_name_plural = _("proposal events")
        ordering = ["proposal", "id"]

    def __str__(self) -> str:
        return f"{self.action} #{self.pk}"


class Comment(models.Model):
    """A child's comment on another child's proposal: moderated before anyone else sees it, like
    the proposal itself."""

    jurisdiction_field = "proposal__region"
    audit_personal = True

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Visible")
        REJECTED = "rejected", _("Not passed by moderation")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="comments")
    text = EncryptedTextField(_("comment"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderation_note = models.CharField(_("moderation reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["proposal", "created_at", "id"]

    def __str__(self) -> str:
        return f"Comment #{self.pk}"


class Support(models.Model):
    """A child's support for a proposal of the same process: one per child and proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="supports")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["proposal", "participant"], name="one_support_each")]

    def __str__(self) -> str:
        return f"Support #{self.pk}"


class Result(models.Model):
    """What is being done about accepted proposals ("you said, we did"), with dated updates."""

    jurisdiction_field = "process__region"

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_WAY = "under_way", _("Under way")
        DONE = "done", _("Done")
        STOPPED = "stopped", _("Not carried out")

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.PROTECT, related_name="results"
    )
    proposals = models.ManyToManyField(
        Proposal, verbose_name=_("proposals it answers"), related_name="results"
    )
    title = models.CharField(_("what is done"), max_length=80)
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    updated_on = models.DateField(_("last updated"))

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["process", "id"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="result_progress")]

    def __str__(self) -> str:
        return self.title


class ResultUpdate(models.Model):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(_("date"))
    text = models.TextField(_("what happened"), max_length=1000)
    status = models.CharField(_("status"), max_length=10, choices=Result.Status.choices)
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("result update")
        verbose_name_plural = _("result updates")
        ordering = ["result", "-on", "-id"]

    def __str__(self) -> str:
        return f"{self.on}: {self.text[:20]}"


class Council(models.Model):
    """A children's council (儿童议事会) of the district, a street or a community."""

    jurisdiction_field = "region"

    name = models.CharField(_("name"), max_length=60)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("district, street or community"), on_delete=models.PROTECT
    )
    term_years = models.PositiveSmallIntegerField(_("term (years)"), default=3)
    age_limit = models.PositiveSmallIntegerField(
        _("members leave after this age"), default=15, help_text=_("A member older than this rolls off.")
    )
    founded_on = models.DateField(_("founded on"))
    is_synthetic = models.BooleanField(_("synthetic (demo) record"), default=False)

    class Meta:
        verbose_name = _("children's council")
        verbose_name_plural = _("children's councils")
        ordering = ["region__path", "name"]

    def __str__(self) -> str:
        return self.name


class CouncilMember(models.Model):
    """A child's seat on a council: how they were chosen, their role and term, their letter of
    appointment (聘书), and when and why they left."""

    jurisdiction_field = "council__region"
    audit_personal = True

    class ChosenBy(models.TextChoices):
        SCHOOL = "school", _("Nominated by the school")
        COMMUNITY = "community", _("Nominated by the community")
        SELF = "self", _("Self-nominated")
        ELECTION = "election", _("Elected")

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")

    class Left(models.TextChoices):
        TERM = "term", _("Term ended")
        AGE = "age", _("Age limit reached")
        RESIGNED = "resigned", _("Resigned")
        CONSENT = "consent", _("Guardian withdrew consent")

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.CASCADE, related_name="members"
    )
    child = models.ForeignKey(
        "datahub.Child", verbose_name=_("child"), on_delete=models.PROTECT, related_name="council_seats"
    )
    display_name = models.CharField(_("given name shown"), max_length=10)
    grade = models.CharField(_("grade"), max_length=10, blank=True)
    chosen_by = models.CharField(_("chosen by"), max_length=10, choices=ChosenBy.choices)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    letter_number = models.CharField(_("appointment letter number"), max_length=30, unique=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("appointed by"), on_delete=models.PROTECT, related_name="+"
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_because = models.CharField(_("left because"), max_length=10, choices=Left.choices, blank=True)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["council", "left_on", "role", "id"]
        constraints = [
            # A child holds one seat on a council at a time; a council has one sitting chair.
            models.UniqueConstraint(
                fields=["council", "child"], condition=Q(left_on__isnull=True), name="one_seat_per_child"
            ),
            models.UniqueConstraint(
                fields=["council"], condition=Q(left_on__isnull=True, role="chair"), name="one_sitting_chair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council} · {self.display_name}"


class CouncilSession(models.Model):
    """A meeting of a council: agenda, minutes, who attended, and the proposals it made."""

    jurisdiction_field = "council__region"
    audit_personal = True

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    agenda = models.TextField(_("agenda"), max_length=2000)
    # Minutes may name children: encrypted.
    minutes = EncryptedTextField(_("minutes"), max_length=8000, blank=True)
    attendees = models.ManyToManyField(
        CouncilMember, verbose_name=_("members present"), related_name="sessions"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")
        ordering = ["council", "-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.council} · {self.held_on}"


class Training(models.Model):
    """Training for children in participation and the rights of the child (plan task (一)3 (1)),
    with the council members who attended."""

    jurisdiction_field = "region"

    title = models.CharField(_("title"), max_length=80)
    region = models.ForeignKey("regions.Region", verbose_name=_("area"), on_delete=models.PROTECT)
    held_on = models.DateField(_("held on"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    provider = models.CharField(_("given by"), max_length=60, blank=True)
    attendees = models.ManyToManyField(
        CouncilMember, verbose_name=_("members trained"), related_name="trainings"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("participation training")
        verbose_name_plural = _("participation trainings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Survey(models.Model):
    """A questionnaire of a process, in words (and pictures) for children; answered online with
    a code or on paper (entered by staff); each child answers once; results only as protected
    aggregates (core.disclosure)."""

    jurisdiction_field = "process__region"

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="surveys"
    )
    title = models.CharField(_("title"), max_length=80)
    intro = models.TextField(_("introduction, for children"), max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["process", "id"]

    def __str__(self) -> str:
        return self.title


class Picture(models.TextChoices):
    """Pictures shipped with Tongyou for questions and answers (static/participation/pictures):
    children who read little can still answer; each has its text as its alternative."""

    NONE = "", _("No picture")
    FACE_1 = "face-1", _("Very unhappy face")
    FACE_2 = "face-2", _("Unhappy face")
    FACE_3 = "face-3", _("Neutral face")
    FACE_4 = "face-4", _("Happy face")
    FACE_5 = "face-5", _("Very happy face")
    PLAY = "play", _("Playground")
    ROAD = "road", _("Road crossing")
    BOOK = "book", _("Book")
    TREE = "tree", _("Park")
    SCHOOL = "school", _("School")


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One answer")
        MULTIPLE = "multiple", _("Several answers")
        FACES = "faces", _("Faces from unhappy to happy")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SINGLE)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "number"]
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="question_number")]

    def __str__(self) -> str:
        return self.text


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("answer"), max_length=100)
    picture = models.CharField(_("picture"), max_length=8, choices=Picture.choices, blank=True)

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["question", "number"]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    """One child's answers to a survey: online with their code, or from a paper form."""

    jurisdiction_field = "child__residence_region"
    audit_personal = True

    class Origin(models.TextChoices):
        ONLINE = "online", _("Online, with a code")
        PAPER = "paper", _("Paper form, entered by staff")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    child = models.ForeignKey("datahub.Child", on_delete=models.PROTECT, related_name="survey_responses")
    origin = models.CharField(_("origin"), max_length=6, choices=Origin.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    choices = models.ManyToManyField(Option, related_name="chosen_in")
    at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [models.UniqueConstraint(fields=["survey", "child"], name="one_response_per_child")]

    def __str__(self) -> str:
        return f"Response #{self.pk}"
