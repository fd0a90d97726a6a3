"""Identification criteria (认定条件): which are met, missing or contradicted by the data.

The caseworker decides; this module shows what the registries and the attached evidence say.
Rules: 孤儿 — both parents dead or declared missing (国办发〔2010〕54号); 事实无人抚养儿童 — both
parents in a listed situation, or one dead or missing and the other in one (民发〔2019〕62号),
not combined with 特困 support; 困境儿童 by type (国发〔2016〕36号); 农村留守儿童 — under 16,
rural household registration, both parents away for work or one away and the other unable to
care (国发〔2016〕13号). See docs/architecture.md, "Identification".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.datahub.codes import ChildStatus, GuardianRelationship
from tongyou.datahub.models import Disability, StatusPeriod
from tongyou.datahub.services.filters import holding
from tongyou.regions.models import Region

from .models import AllowanceApplication, Category, EvidenceKind, HarmReport, ParentSituation, Status, Visit

if TYPE_CHECKING:
    from tongyou.datahub.models import Child

MET, MISSING, CONTRADICTED = "met", "missing", "contradicted"

# The document that proves each parent situation.
EVIDENCE_FOR = {
    ParentSituation.DEAD: EvidenceKind.DEATH_CERTIFICATE,
    ParentSituation.DECLARED_MISSING: EvidenceKind.COURT_DECLARATION,
    ParentSituation.LOST_CONTACT: EvidenceKind.POLICE_REPORT,
    ParentSituation.SEVERE_DISABILITY: EvidenceKind.DISABILITY_CARD,
    ParentSituation.SERIOUS_ILLNESS: EvidenceKind.DIAGNOSIS,
    ParentSituation.DEPRIVED_OF_LIBERTY: EvidenceKind.DETENTION_DOCUMENT,
    ParentSituation.GUARDIANSHIP_REVOKED: EvidenceKind.COURT_JUDGMENT,
    ParentSituation.DEPORTED: EvidenceKind.DEPORTATION_DOCUMENT,
    ParentSituation.AWAY_FOR_WORK: EvidenceKind.WORK_CERTIFICATE,
}
GONE = {ParentSituation.DEAD, ParentSituation.DECLARED_MISSING}
# 民发〔2019〕62号: the situations that leave a child without support from that parent.
UNSUPPORTING = GONE | {
    ParentSituation.LOST_CONTACT,
    ParentSituation.SEVERE_DISABILITY,
    ParentSituation.SERIOUS_ILLNESS,
    ParentSituation.DEPRIVED_OF_LIBERTY,
    ParentSituation.GUARDIANSHIP_REVOKED,
    ParentSituation.DEPORTED,
}
UNABLE_TO_CARE = {ParentSituation.SEVERE_DISABILITY, ParentSituation.SERIOUS_ILLNESS}
# A parent in these situations cannot also be the child's guardian in the data hub.
ABSENT = GONE | {ParentSituation.LOST_CONTACT, ParentSituation.DEPORTED}
ORPHANS = {Category.ORPHAN, Category.ORPHAN_INSTITUTION}
LIVE_STATUSES = {
    Status.DRAFT,
    Status.SUBMITTED,
    Status.RETURNED,
    Status.TOWN_APPROVED,
    Status.IN_PUBLIC_NOTICE,
    Status.APPROVED,
    Status.ACTIVE,
    Status.SUSPENDED,
    Status.APPEALED,
}


@dataclass(frozen=True)
class Finding:
    criterion: str
    state: str
    detail: str = ""
    # A contradiction no typed reason may override (a second allowance for the same child).
    blocking: bool = False


def allowance_categories() -> set:
    return set(
        getattr(
            settings,
            "WELFARE_ALLOWANCE_CATEGORIES",
            (Category.ORPHAN, Category.ORPHAN_INSTITUTION, Category.UNSUPPORTED),
        )
    )


def age_on(birth_date: datetime.date, day: datetime.date) -> Any:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass
class _Facts:
    """What the registries hold about the child, read once per assessment."""

    statuses: dict
    disabilities: list
    guardian_relationships: set
    evidence: set
    others: list
    recent_high_risk: bool
    harm_reports: int


def _facts(application: AllowanceApplication, today: datetime.date) -> _Facts:
    child = application.child
    return _Facts(
        statuses={
            p.status: p.unit.name for p in holding(StatusPeriod, today, child=child).select_related("unit")
        },
        disabilities=list(holding(Disability, today, child=child).select_related("unit")),
        guardian_relationships=set(child.guardians.values_list("relationship", flat=True)),
        evidence=set(application.evidence.values_list("kind", flat=True)),
        others=list(
            AllowanceApplication.objects.filter(child=child, status__in=LIVE_STATUSES).exclude(
                pk=application.pk
            )
        ),
        recent_high_risk=Visit.objects.filter(
            child=child, risk=Visit.Risk.HIGH, visited_on__gte=today - datetime.timedelta(days=365)
        ).exists(),
        harm_reports=HarmReport.objects.filter(child=child).count(),
    )


def assess(application: AllowanceApplication, today: datetime.date | None = None) -> list:
    """The findings for `application`, in the order a caseworker reads them."""
    today = today or timezone.localdate()
    facts = _facts(application, today)
    category = application.category
    findings = [_age(application, today, 16 if category == Category.LEFT_BEHIND else 18)]
    findings.append(_household(application.child, rural=category == Category.LEFT_BEHIND))
    findings.extend(_overlaps(application, facts))
    if category in ORPHANS | {Category.UNSUPPORTED, Category.LEFT_BEHIND}:
        findings.append(_evidence(facts, EvidenceKind.HOUSEHOLD_REGISTER, _("Parent-child relationship")))
    if category in ORPHANS:
        findings.extend(_parents(application, facts, GONE))
        findings.append(_register(facts, ChildStatus.ORPHAN))
    elif category == Category.UNSUPPORTED:
        findings.extend(_parents(application, facts, UNSUPPORTING))
        findings.append(_unsupported_rule(application))
        if ChildStatus.EXTREMELY_POOR in facts.statuses:
            findings.append(
                Finding(
                    _("Not supported as extremely poor"),
                    CONTRADICTED,
                    _("%(unit)s records tekun support, which this subsidy is not combined with.")
                    % {"unit": facts.statuses[ChildStatus.EXTREMELY_POOR]},
                )
            )
        findings.append(_register(facts, ChildStatus.DE_FACTO_UNSUPPORTED))
    elif category == Category.LEFT_BEHIND:
        findings.extend(_parents(application, facts, UNABLE_TO_CARE | {ParentSituation.AWAY_FOR_WORK}))
        findings.append(_left_behind_rule(application))
        findings.append(_register(facts, ChildStatus.LEFT_BEHIND))
    elif category in (Category.DIFFICULTY_POVERTY, Category.LOW_INCOME, Category.EXTREMELY_POOR):
        wanted = {
            Category.DIFFICULTY_POVERTY: (ChildStatus.LOW_INCOME, ChildStatus.EXTREMELY_POOR),
            Category.LOW_INCOME: (ChildStatus.LOW_INCOME,),
            Category.EXTREMELY_POOR: (ChildStatus.EXTREMELY_POOR,),
        }[Category(category)]
        findings.append(_poverty(facts, wanted))
    elif category == Category.DIFFICULTY_DISABILITY:
        findings.append(_disability(facts))
    elif category == Category.DIFFICULTY_GUARDIANSHIP:
        findings.append(_guardianship(application, facts))
    return findings


def summary(findings: Any) -> dict:
    return {state: sum(1 for f in findings if f.state == state) for state in (MET, MISSING, CONTRADICTED)}


def _age(application: AllowanceApplication, today: datetime.date, limit: int) -> Finding:
    age = age_on(application.child.birth_date, today)
    criterion = _("Under %(limit)s") % {"limit": limit}
    if age < limit:
        return Finding(criterion, MET, _("Aged %(age)s on %(day)s.") % {"age": age, "day": today})
    return Finding(criterion, CONTRADICTED, _("Aged %(age)s on %(day)s.") % {"age": age, "day": today})


def _household(child: Child, rural: Any) -> Finding:
    criterion = _("Household registered in a village") if rural else _("Household registered in the district")
    region = child.household_region
    if region is None:
        return Finding(criterion, MISSING, _("The data hub holds no household registration for the child."))
    if not rural:
        return Finding(criterion, MET, region.name)
    community = region.community
    if community is not None and community.kind == Region.Kind.VILLAGE:
        return Finding(criterion, MET, community.name)
    return Finding(
        criterion,
        CONTRADICTED,
        _("Registered in %(place)s, which is not a village.") % {"place": (community or region).name},
    )


def _overlaps(application: AllowanceApplication, facts: Any) -> list:
    findings = []
    paid = allowance_categories()
    for other in facts.others:
        same = other.category == application.category
        both_paid = other.category in paid and application.category in paid
        if same or both_paid:
            findings.append(
                Finding(
                    _("No other application or allowance"),
                    CONTRADICTED,
                    _("Application #%(number)s (%(category)s) is %(status)s.")
                    % {
                        "number": other.pk,
                        "category": other.get_category_display(),
                        "status": other.get_status_display(),
                    },
                    blocking=True,
                )
            )
    return findings


def _evidence(facts: Any, kind: str, criterion: Any) -> Finding:
    label = EvidenceKind(kind).label
    if kind in facts.evidence:
        return Finding(criterion, MET, _("Attached: %(kind)s.") % {"kind": label})
    return Finding(criterion, MISSING, _("Attach: %(kind)s.") % {"kind": label})


def _parents(application: AllowanceApplication, facts: Any, allowed: Any) -> list:
    findings = []
    for parent, situation, relationship in (
        (_("Father"), application.father_situation, GuardianRelationship.FATHER),
        (_("Mother"), application.mother_situation, GuardianRelationship.MOTHER),
    ):
        criterion = _("%(parent)s's situation") % {"parent": parent}
        if not situation:
            findings.append(Finding(criterion, MISSING, _("Record the situation on the application.")))
            continue
        label = ParentSituation(situation).label
        if situation not in allowed:
            findings.append(
                Finding(
                    criterion,
                    CONTRADICTED,
                    _("%(situation)s: does not meet the criteria for %(category)s.")
                    % {"situation": label, "category": application.get_category_display()},
                )
            )
            continue
        if situation in ABSENT and relationship in facts.guardian_relationships:
            findings.append(
                Finding(
                    criterion,
                    CONTRADICTED,
                    _("%(situation)s, but the data hub lists the %(parent)s as the child's guardian.")
                    % {"situation": label, "parent": parent},
                )
            )
            continue
        kind = EVIDENCE_FOR[ParentSituation(situation)]
        state = MET if kind in facts.evidence else MISSING
        detail = _("%(situation)s; %(evidence)s %(attached)s.") % {
            "situation": label,
            "evidence": EvidenceKind(kind).label,
            "attached": _("attached") if state == MET else _("to attach"),
        }
        findings.append(Finding(criterion, state, detail))
    return findings


def _unsupported_rule(application: AllowanceApplication) -> Finding:
    father, mother = application.father_situation, application.mother_situation
    criterion = _("Both parents, or one gone and the other unable")
    if not father or not mother:
        return Finding(criterion, MISSING, _("Both parents' situations are needed."))
    if father in GONE and mother in GONE:
        return Finding(criterion, CONTRADICTED, _("Both parents are dead or missing: apply as an orphan."))
    if father in UNSUPPORTING and mother in UNSUPPORTING:
        return Finding(criterion, MET)
    return Finding(criterion, CONTRADICTED, _("A parent is able to support the child."))


def _left_behind_rule(application: AllowanceApplication) -> Finding:
    father, mother = application.father_situation, application.mother_situation
    criterion = _("Both parents away, or one away and the other unable to care")
    if not father or not mother:
        return Finding(criterion, MISSING, _("Both parents' situations are needed."))
    away = ParentSituation.AWAY_FOR_WORK
    if (father == away and mother in UNABLE_TO_CARE | {away}) or (
        mother == away and father in UNABLE_TO_CARE
    ):
        return Finding(criterion, MET)
    return Finding(criterion, CONTRADICTED, _("A parent lives with the child and can care for them."))


def _register(facts: Any, status: str) -> Finding:
    criterion = _("Recorded in the registers")
    if status in facts.statuses:
        return Finding(
            criterion,
            MET,
            _("%(unit)s records the child as %(status)s.")
            % {"unit": facts.statuses[status], "status": ChildStatus(status).label},
        )
    return Finding(criterion, MISSING, _("No department has recorded this status yet."))


def _poverty(facts: Any, statuses: Any) -> Finding:
    criterion = _("Dibao or tekun support")
    for status in statuses:
        if status in facts.statuses:
            return Finding(
                criterion,
                MET,
                _("%(unit)s records the child as %(status)s.")
                % {"unit": facts.statuses[status], "status": ChildStatus(status).label},
            )
    return _evidence(facts, EvidenceKind.LOW_INCOME_CERTIFICATE, criterion)


def _disability(facts: Any) -> Finding:
    criterion = _("Certified disability")
    if facts.disabilities:
        disability = facts.disabilities[0]
        return Finding(
            criterion,
            MET,
            _("%(unit)s: %(type)s, %(grade)s.")
            % {
                "unit": disability.unit.name,
                "type": disability.get_disability_type_display(),
                "grade": disability.get_grade_display(),
            },
        )
    return _evidence(facts, EvidenceKind.DISABILITY_CARD, criterion)


def _guardianship(application: AllowanceApplication, facts: Any) -> Finding:
    criterion = _("Guardianship missing or improper")
    reasons: list[str] = []
    for situation in (application.father_situation, application.mother_situation):
        if situation in UNSUPPORTING:
            reasons.append(str(ParentSituation(situation).label))
    if facts.recent_high_risk:
        reasons.append(_("a home visit assessed guardianship as high risk in the past year"))
    if facts.harm_reports:
        reasons.append(_("%(count)s harm report(s) concern the child") % {"count": facts.harm_reports})
    if reasons:
        return Finding(criterion, MET, "；".join(str(r) for r in reasons))
    return Finding(
        criterion, MISSING, _("No parent situation, high-risk visit or harm report supports this yet.")
    )
