"""Who may take part: children the school or community knows, never self-registered.

A staff member who reads the master index where the child lives records the guardian's written
consent (who, when, for what: taking part, words published, photos), then issues the child a
participation code for one process. The code is printed once and stored only as a keyed hash;
issuing again replaces a lost code. Every time the child uses it the platform checks again that
the process is open, the child is within its age window and the consent still holds."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import require
from tongyou.core.workflow import lock
from tongyou.privacy.blind_index import blind_index

from .models import Consent, Participant, Process

if TYPE_CHECKING:
    from tongyou.accounts.models import User
    from tongyou.datahub.models import Child

# No 0/O, 1/I/L: a code is read aloud and typed by children.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8  # 31^8 ≈ 8.5e11 codes; the entry page is rate-limited
CODE_PURPOSE = "participation-code"


def _normalised(code: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", code or "").upper()


def code_index(code: str) -> str:
    return blind_index(_normalised(code), CODE_PURPOSE)


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def current_consent(child: Child) -> Consent | None:
    """The consent that holds now: the latest one not withdrawn."""
    return child.participation_consents.filter(withdrawn_at__isnull=True).order_by("-given_on", "-id").first()


def record_consent(
    user: User,
    child: Child,
    *,
    guardian_name: str,
    relationship: str,
    given_on: dt.date,
    takes_part: bool = True,
    words_public: bool = False,
    photos: bool = False,
) -> Consent:
    """Record a guardian's signed consent form."""
    require(user, "participation.add_consent", child)
    if not guardian_name.strip():
        raise Refusal(_("Write the name of the guardian who signed the consent form."))
    if given_on > timezone.localdate():
        raise Refusal(_("The consent form cannot be signed in the future."))
    with transaction.atomic():
        consent = Consent.objects.create(
            child=child,
            guardian_name=guardian_name.strip(),
            relationship=relationship,
            given_on=given_on,
            takes_part=takes_part,
            words_public=words_public,
            photos=photos,
            recorded_by=user,
        )
        record(
            AuditEntry.Action.CREATE,
            user=user,
            obj=consent,
            details={"takes_part": takes_part, "words_public": words_public, "photos": photos},
        )
    return consent


def withdraw_consent(consent: Consent, user: User) -> Consent:
    """The guardian withdraws consent: the child's codes stop working at once."""
    require(user, "participation.add_consent", consent.child)
    with transaction.atomic():
        lock(consent)
        if consent.withdrawn_at is None:
            consent.withdrawn_at = timezone.now()
            consent.save(update_fields=["withdrawn_at"])
            record(AuditEntry.Action.UPDATE, user=user, obj=consent, details={"action": "withdraw"})
    return consent


def _why_not(process: Process, child: Child, today: dt.date) -> str:
    """Why this child cannot take part in this process now ("" when they can)."""
    if process.status == Process.Status.CLOSED:
        return _("This activity has ended.")
    if not process.accepts_age(child.birth_date, today):
        return _("This activity is for children aged %(lo)d to %(hi)d.") % {
            "lo": process.age_min,
            "hi": process.age_max,
        }
    consent = current_consent(child)
    if consent is None or not consent.takes_part:
        return _("A parent or guardian has not given written consent for taking part.")
    return ""


def _check_display_name(display_name: str, child: Child) -> str:
    shown = display_name.strip()
    if not shown or len(shown) > 4 or re.search(r"[\d@]", shown):
        raise Refusal(_("Give a given name of at most four characters, e.g. 小雨 (never the full name)."))
    # The full name, or anything that starts with the family name, would identify the child.
    full = child.name or ""
    if full and (full in shown or (len(full) >= 2 and shown[0] == full[0])):
        raise Refusal(_("Give a given name only, never the child's full name."))
    return shown


def issue_code(
    user: User, process: Process, child: Child, *, display_name: str, grade: str = ""
) -> tuple[Participant, str]:
    """Issue (or replace) the child's code for the process; returns the participant and the code,
    which is shown once and never stored."""
    require(user, "participation.add_participant", child)
    why = _why_not(process, child, timezone.localdate())
    if why:
        raise Refusal(why)
    shown = _check_display_name(display_name, child)
    code = new_code()
    with transaction.atomic():
        lock(process)
        participant = Participant.objects.filter(process=process, child=child).first()
        if participant is None:
            participant = Participant.objects.create(
                process=process,
                child=child,
                code_index=code_index(code),
                display_name=shown,
                grade=grade.strip()[:10],
                issued_by=user,
            )
            action = "issue"
        else:
            participant.code_index = code_index(code)
            participant.display_name = shown
            participant.grade = grade.strip()[:10]
            participant.revoked_at = None
            participant.issued_by = user
            participant.save()
            action = "replace"
        record(AuditEntry.Action.CREATE, user=user, obj=participant, details={"action": action})
    return participant, code


def revoke(participant: Participant, user: User) -> Participant:
    require(user, "participation.add_participant", participant.child)
    with transaction.atomic():
        lock(participant)
        if participant.revoked_at is None:
            participant.revoked_at = timezone.now()
            participant.save(update_fields=["revoked_at"])
            record(AuditEntry.Action.UPDATE, user=user, obj=participant, details={"action": "revoke"})
    return participant


def may_take_part(participant: Participant) -> Participant:
    """The participant, refreshed, if the code still opens the process now; else refuse why."""
    participant = Participant.objects.select_related("process", "child").get(pk=participant.pk)
    if participant.revoked_at is not None:
        raise Refusal(_("This code no longer works. Ask your teacher or community for a new one."))
    why = _why_not(participant.process, participant.child, timezone.localdate())
    if why:
        raise Refusal(why)
    return participant


def enter(code: str) -> Participant:
    """The participant a child's code opens, or a refusal that says why (in a child's words)."""
    normalised = _normalised(code)
    if len(normalised) != CODE_LENGTH:
        raise Refusal(_("A code has eight letters and numbers, like K7QM-3XPD."))
    participant = Participant.objects.filter(code_index=code_index(normalised)).first()
    if participant is None:
        raise Refusal(_("This code is not known. Check it with your teacher or community."))
    participant = may_take_part(participant)
    Participant.objects.filter(pk=participant.pk).update(last_used_at=timezone.now())
    record(
        AuditEntry.Action.LOGIN,
        obj=participant,
        details={"username": f"participant:{participant.pk}", "process": participant.process_id},
    )
    return participant
