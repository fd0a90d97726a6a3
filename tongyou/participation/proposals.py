"""A child's proposal from the need stated to the answer published, and what the child may do
with it (support others', withdraw their own). Every staff step runs through PROPOSAL_FLOW
(steps.py): locked, re-read, a second actor refused by name; what is particular to
participation (the phase's switches, the unit's deadline, the answer in a child's words) is
checked here."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core import uploads
from tongyou.core.errors import Refusal
from tongyou.core.notifications import notify, with_supervisors
from tongyou.core.scoping import can, require, scoped
from tongyou.core.workdays import add_working_days
from tongyou.core.workflow import lock
from tongyou.regions.models import Region

from .codes import may_take_part
from .models import (
    Comment,
    CouncilSession,
    Participant,
    Phase,
    Process,
    Proposal,
    ProposalEvent,
    ProposalPhoto,
    Support,
)
from .steps import PROPOSAL_FLOW, Status

if TYPE_CHECKING:
    from tongyou.accounts.models import Unit, User

# What a child's words are checked against before a moderator sees them.
LIMITS = {"title": 40, "problem": 1000, "reason": 1000, "idea": 1000}
MIN_ANSWER = 10  # characters: "不采纳" alone tells a child nothing


def _phase_allowing(process: Process, switch: str, refusal: str) -> Phase:
    phase = process.active_phase()
    if phase is None or not getattr(phase, switch):
        raise Refusal(refusal)
    return phase


def _still_open(process: Process) -> None:
    """Lock the process against closing while a proposal is added (closing counts the unanswered
    under the same lock), and refuse if it closed meanwhile."""
    lock(process)
    if process.status == Process.Status.CLOSED:
        raise Refusal(_("This process is closed."))


def _clean_words(fields: dict[str, str]) -> dict[str, str]:
    words = {name: (fields.get(name) or "").strip() for name in LIMITS}
    if not words["title"] or not words["problem"]:
        raise Refusal(_("Write what your idea is about in a few words, and what the problem is."))
    for name, limit in LIMITS.items():
        if len(words[name]) > limit:
            raise Refusal(_("That is too long: at most %(n)d characters.") % {"n": limit})
    return words


def _place(process: Process, facility: Any, place: str) -> dict[str, Any]:
    if facility is not None and not facility.region.path.startswith(process.region.path):
        raise Refusal(_("Choose a place in the area of this activity."))
    return {"facility": facility, "place": (place or "").strip()[:100]}


PHOTO_MAX_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 3


def _photos(uploads_: list[Any]) -> list[tuple[str, bytes]]:
    """Each photo checked like every upload (bounded read, recognised by its content, decoded and
    re-encoded), before anything is written."""
    if len(uploads_) > MAX_PHOTOS:
        raise Refusal(_("At most %(n)d photos.") % {"n": MAX_PHOTOS})
    return [
        uploads.accept(
            upload,
            uploads.IMAGES,
            PHOTO_MAX_BYTES,
            too_large=_("The photo is larger than 5 MB."),
            wrong_kind=_("Upload a JPEG or PNG photo."),
        )
        for upload in uploads_
    ]


def _community_at(process: Process, latitude: float, longitude: float) -> Region:
    """The community of the activity's area holding the point the child tapped."""
    from tongyou.regions.services import locate

    within = Region.objects.filter(path__startswith=process.region.path)
    found = locate(latitude, longitude, within=within)
    if found is None:
        raise Refusal(_("Choose a place in the area of this activity."))
    return found


def file_as_child(
    participant: Participant,
    *,
    title: str,
    problem: str,
    reason: str = "",
    idea: str = "",
    facility: Any = None,
    place: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    photos: list[Any] | None = None,
) -> Proposal:
    """A child files a need or a proposal with their code (and up to three photos). It waits for
    a moderator: nobody else sees it until then."""
    participant = may_take_part(participant)
    process = participant.process
    phase = _phase_allowing(process, "submitting", _("Ideas cannot be sent in this stage of the activity."))
    words = _clean_words({"title": title, "problem": problem, "reason": reason, "idea": idea})
    where = _place(process, facility, place)
    if (latitude is None) != (longitude is None) or (
        latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)  # type: ignore[operator]
    ):
        raise Refusal(_("The place on the map could not be read; choose it again."))
    region = facility.region if facility is not None else participant.child.residence_region
    if facility is None and latitude is not None and longitude is not None:
        region = _community_at(process, latitude, longitude)
    pictures = _photos(list(photos or []))
    with transaction.atomic():
        _still_open(process)
        proposal = Proposal.objects.create(
            process=process,
            stage=phase.stage,
            author=Proposal.Author.CHILD,
            participant=participant,
            region=region,
            latitude=latitude,
            longitude=longitude,
            **words,
            **where,
        )
        ProposalEvent.objects.create(proposal=proposal, action="file", to_status=proposal.status)
        for kind, content in pictures:
            ProposalPhoto.objects.create(
                proposal=proposal, content_type=kind, content=base64.b64encode(content).decode()
            )
        record(
            AuditEntry.Action.CREATE,
            obj=proposal,
            details={"username": f"participant:{participant.pk}"},
        )
    return proposal


def file_for_group(
    user: User,
    process: Process,
    *,
    author: str,
    group_name: str,
    region: Region | None = None,
    facility: Any = None,
    place: str = "",
    session: CouncilSession | None = None,
    **fields: str,
) -> Proposal:
    """Staff enter a proposal a council or a class agreed on (from the minutes or the paper
    form). It is moderated like a child's."""
    require(user, "participation.manage_process", process)
    if author not in (Proposal.Author.COUNCIL, Proposal.Author.CLASS):
        raise Refusal(_("Say whether a council or a class made this proposal."))
    if not group_name.strip():
        raise Refusal(_("Name the council or the class."))
    phase = _phase_allowing(
        process, "submitting", _("Proposals cannot be filed in this stage of the process.")
    )
    words = _clean_words(fields)
    where = _place(process, facility, place)
    with transaction.atomic():
        _still_open(process)
        proposal = Proposal.objects.create(
            process=process,
            stage=phase.stage,
            author=author,
            group_name=group_name.strip()[:40],
            session=session if session is not None and author == Proposal.Author.COUNCIL else None,
            region=facility.region if facility is not None else (region or process.region),
            **words,
            **where,
        )
        ProposalEvent.objects.create(proposal=proposal, action="file", to_status=proposal.status, actor=user)
        record(AuditEntry.Action.CREATE, user=user, obj=proposal)
    return proposal


def withdraw(proposal: Proposal, participant: Participant) -> Proposal:
    """A child takes back their own proposal, at any stage: it leaves every public page."""
    if proposal.participant_id != participant.pk:
        raise Refusal(_("You can only take back your own ideas."))
    with transaction.atomic():
        lock(proposal)
        if proposal.status == Status.WITHDRAWN:
            return proposal
        previous = proposal.status
        proposal.status = Status.WITHDRAWN
        proposal.withdrawn_at = timezone.now()
        proposal.save(update_fields=["status", "withdrawn_at"])
        ProposalEvent.objects.create(
            proposal=proposal, action="withdraw", from_status=previous, to_status=proposal.status
        )
        record(
            AuditEntry.Action.UPDATE,
            obj=proposal,
            details={"action": "withdraw", "from": previous, "username": f"participant:{participant.pk}"},
        )
    return proposal


def support(proposal: Proposal, participant: Participant) -> bool:
    """A child supports another proposal of the same process, once. Returns False when they had
    already supported it (a second click changes nothing)."""
    participant = may_take_part(participant)
    if proposal.process_id != participant.process_id or not is_public(proposal):
        raise Refusal(_("This idea cannot be supported here."))
    if proposal.participant_id == participant.pk:
        raise Refusal(_("You cannot support your own idea."))
    _phase_allowing(participant.process, "supporting", _("Ideas cannot be supported in this stage."))
    try:
        with transaction.atomic():
            Support.objects.create(proposal=proposal, participant=participant)
    except IntegrityError:
        return False
    return True


def comment(proposal: Proposal, participant: Participant, text: str) -> Comment:
    """A child comments on another child's visible proposal of the same process; the comment
    waits for moderation like a proposal."""
    participant = may_take_part(participant)
    if proposal.process_id != participant.process_id or not is_public(proposal):
        raise Refusal(_("This idea cannot be commented on here."))
    _phase_allowing(participant.process, "commenting", _("Comments cannot be written in this stage."))
    words = (text or "").strip()
    if not words:
        raise Refusal(_("Write your comment first."))
    if len(words) > 500:
        raise Refusal(_("That is too long: at most %(n)d characters.") % {"n": 500})
    with transaction.atomic():
        made = Comment.objects.create(proposal=proposal, participant=participant, text=words)
        record(AuditEntry.Action.CREATE, obj=made, details={"username": f"participant:{participant.pk}"})
    return made


def moderate_comment(made: Comment, user: User, *, approve: bool, note: str = "") -> Comment:
    """Approve or reject a pending comment; a second moderator on the same comment is told."""
    require(user, "participation.moderate_proposal", made.proposal)
    if not approve and not note.strip():
        raise Refusal(_("Say why it cannot be shown (the child's organiser will explain it to them)."))
    with transaction.atomic():
        lock(made)
        if made.status != Comment.Status.PENDING:
            raise Refusal(
                _("This comment is already '%(state)s'. Reload the page and look again.")
                % {"state": made.get_status_display()}
            )
        made.status = Comment.Status.APPROVED if approve else Comment.Status.REJECTED
        made.moderated_by = user
        made.moderation_note = note.strip()[:300]
        made.save(update_fields=["status", "moderated_by", "moderation_note"])
        record(AuditEntry.Action.UPDATE, user=user, obj=made, details={"to": made.status})
    return made


def withdraw_comment(made: Comment, participant: Participant) -> Comment:
    if made.participant_id != participant.pk:
        raise Refusal(_("You can only take back your own ideas."))
    with transaction.atomic():
        lock(made)
        if made.status != Comment.Status.WITHDRAWN:
            made.status = Comment.Status.WITHDRAWN
            made.save(update_fields=["status"])
            record(AuditEntry.Action.UPDATE, obj=made, details={"to": "withdrawn", "username": "participant"})
    return made


# ---------------------------------------------------------------- staff steps


def _unit_officers(proposal: Proposal) -> QuerySet[Any]:
    from tongyou.accounts.models import User

    return User.objects.filter(
        unit=proposal.unit, role__in=PROPOSAL_FLOW.steps["answer"].roles, is_active=True
    ).select_related("supervisor")


def _url(proposal: Proposal) -> str:
    return f"/participation/proposals/{proposal.pk}/"


def take_step(
    proposal: Proposal,
    action: str,
    user: User,
    *,
    note: str = "",
    seen: str | None = None,
    unit: Unit | None = None,
    answer: str = "",
) -> Proposal:
    """Moderate, assign, answer, return or publish a proposal."""
    notice: tuple[str, str] | None = None
    with transaction.atomic():
        step = PROPOSAL_FLOW.start(proposal, action, user, reason=note, seen=seen)
        process = proposal.process
        fields: dict[str, Any] = {}
        if action in ("approve", "reject"):
            require(user, "participation.moderate_proposal", proposal)
            if action == "reject":
                fields["moderation_note"] = note.strip()[:300]
        elif action == "assign":
            if unit is None:
                raise Refusal(_("Choose the unit responsible for answering."))
            today = timezone.localdate()
            fields.update(unit=unit, assigned_on=today, reply_due=add_working_days(today, process.reply_days))
            notice = (
                f"participation.assigned.{proposal.pk}.{unit.pk}",
                _("A child's proposal is assigned to your unit; answer it by %(due)s.")
                % {"due": fields["reply_due"].isoformat()},
            )
        elif action == "answer":
            if proposal.unit_id is None or user.unit_id != proposal.unit_id:
                raise Refusal(_("Only the unit the proposal is assigned to may answer it."))
            _phase_allowing(process, "answering", _("Answers are not taken in this stage of the process."))
            if answer not in Proposal.Answer.values:
                raise Refusal(_("Say whether the proposal is accepted, partly accepted or not accepted."))
            if len(note.strip()) < MIN_ANSWER:
                raise Refusal(
                    _("Write the answer for the child: what will be done or why not, in a child's words.")
                )
            fields.update(answer=answer, answer_text=note.strip()[:2000], answered_at=timezone.now())
        elif action == "publish":
            _phase_allowing(
                process, "publishing", _("Answers are not published in this stage of the process.")
            )
            fields["published_at"] = timezone.now()
        if process.status == Process.Status.CLOSED:
            raise Refusal(_("This process is closed."))
        PROPOSAL_FLOW.finish(proposal, step, action, user, note=note if action != "answer" else "", **fields)
    if notice is not None:
        key, message = notice
        transaction.on_commit(lambda: notify(_unit_officers(proposal), key, message, url=_url(proposal)))
    return proposal


def notify_overdue(today: Any = None) -> int:
    """Tell a unit, and its officers' supervisors, about each proposal it has not answered by the
    deadline (once per deadline)."""
    today = today or timezone.localdate()
    told = 0
    for proposal in Proposal.objects.filter(status=Status.ASSIGNED, reply_due__lt=today).select_related(
        "unit"
    ):
        message = _("A child's proposal (%(ref)s) was due an answer on %(due)s and has none yet.") % {
            "ref": proposal.reference,
            "due": proposal.reply_due.isoformat() if proposal.reply_due else "",
        }
        key = f"participation.overdue.{proposal.pk}.{proposal.reply_due}"
        told += notify(with_supervisors(_unit_officers(proposal)), key, message, url=_url(proposal))
    return told


# ---------------------------------------------------------------- who sees what


# Moderated and not withdrawn: visible to other children and the public.
PUBLIC_STATES = (Status.APPROVED, Status.ASSIGNED, Status.ANSWERED, Status.PUBLISHED)


def is_public(proposal: Proposal) -> bool:
    return proposal.status in PUBLIC_STATES


def visible_to(user: User) -> QuerySet[Proposal]:
    """The proposals a staff member may open: organisers see their area's; a unit sees those
    assigned to it, once assigned."""
    proposals = scoped(Proposal.objects.select_related("process", "unit", "region"), user)
    if user.role in (Role.COORDINATOR, Role.STREET_OFFICER, Role.CHILD_DIRECTOR) and can(
        user, "participation.moderate_proposal"
    ):
        return proposals
    return proposals.filter(Q(unit_id=user.unit_id) & ~Q(unit_id=None)).exclude(
        status__in=(Status.PENDING, Status.REJECTED, Status.APPROVED)
    )


def photo_bytes(photo: ProposalPhoto) -> bytes:
    return base64.b64decode(photo.content)


def photos_public(proposal: Proposal) -> bool:
    """Whether the public may see the proposal's photos: it is public, and a child's guardian
    agreed to photos (a council's or a class's photos are the organisers' to publish)."""
    from .codes import current_consent

    if not is_public(proposal):
        return False
    if proposal.participant is None:
        return True
    consent = current_consent(proposal.participant.child)
    return bool(consent and consent.photos)
