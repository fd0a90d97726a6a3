"""Demo allowance standards, so the monthly run works out of the box.

The amounts are Inner Mongolia's latest regional averages found (dispersed 1,712 and institutional
2,004 yuan a month, as published by the regional civil-affairs department, 内蒙古自治区民政厅). Yuquan's own
figures were not found: the district bureau replaces them on the payments page."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from tongyou.core.signals import records_written

from .models import AllowanceStandard, Category

DEMO_STANDARDS = {
    Category.ORPHAN: Decimal("1712.00"),
    Category.ORPHAN_INSTITUTION: Decimal("2004.00"),
    # 事实无人抚养儿童 are paid the local dispersed-orphan standard (民发〔2019〕62号).
    Category.UNSUPPORTED: Decimal("1712.00"),
}
BASIS = "内蒙古自治区平均标准（演示用，待区民政局按本地文件确认）"


def load_demo_standards(effective_from: datetime.date = datetime.date(2026, 1, 1)) -> int:
    """Add the demo standards where a category has none; returns how many were added."""
    added = 0
    for category, amount in DEMO_STANDARDS.items():
        if not AllowanceStandard.objects.filter(category=category).exists():
            AllowanceStandard.objects.create(
                category=category, monthly_amount=amount, effective_from=effective_from, basis=BASIS
            )
            added += 1
    return added


DEMO_COMMUNITY = "150104001001"  # the demo child director's community (accounts/demo.py)
# Each demo application is walked through the real workflow by the demo accounts to a state:
# (steps as (action, who, days ago, reason)), so every list, clock and ledger has something in it.
STORYLINES = {
    "draft": [],
    "submitted, overdue at the street": [("submit", "director", 40, "")],
    "returned for evidence": [
        ("submit", "director", 20, ""),
        ("town_return", "street", 15, "缺少户口簿复印件"),
    ],
    "waiting for the district": [("submit", "director", 12, ""), ("town_approve", "street", 6, "")],
    "in public notice": [
        ("submit", "director", 30, ""),
        ("town_approve", "street", 24, ""),
        ("county_approve", "caseworker", 2, "材料齐全，符合条件"),
    ],
    "paid monthly": [
        ("submit", "director", 120, ""),
        ("town_approve", "street", 110, ""),
        ("county_approve", "caseworker", 100, "材料齐全，符合条件"),
        ("end_notice", "caseworker", 90, ""),
        ("sign_agreement", "caseworker", 85, ""),
    ],
    "rejected": [
        ("submit", "director", 50, ""),
        ("town_approve", "street", 45, ""),
        ("county_reject", "caseworker", 40, "父亲具备抚养能力，不符合条件"),
    ],
    "withdrawn": [("submit", "director", 10, ""), ("withdraw", "director", 8, "监护人撤回申请")],
}


def _pdf_bytes(title: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, title)
    return bytes(pdf.output())


@transaction.atomic  # all of it or none: a half-made demo would never be completed
def load_demo_activity(options: Any = None, today: datetime.date | None = None) -> str:
    """A year of welfare work in the demo community, every state of an application among it, made
    through the real services by the demo accounts; visits for part of the registers; harm reports
    from the public at every stage. Once: nothing is added where applications exist."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tongyou.accounts.models import User
    from tongyou.datahub.models import Child
    from tongyou.privacy.idnumbers import make_id_number

    from . import harm, ledger
    from .models import AllowanceApplication, EvidenceKind, HarmReport, HarmSituation, ParentSituation, Visit
    from .workflow import attach_evidence, file_application, transition, update_details

    if AllowanceApplication.objects.exists():
        return "applications already present; nothing added"
    today = today or datetime.date.today()
    people = {
        u.username: u
        for u in User.objects.filter(username__in=["director", "street", "caseworker", "police"])
    }
    if len(people) < 4:
        return "demo accounts missing; nothing added"
    children = list(
        Child.objects.filter(residence_region__path__contains=f"/{DEMO_COMMUNITY}/").order_by("pk")[
            : len(STORYLINES) + 12
        ]
    )
    made = 0
    for child, (story, steps) in zip(children, STORYLINES.items(), strict=False):
        category = Category.ORPHAN if story in ("in public notice", "paid monthly") else Category.UNSUPPORTED
        application = file_application(
            child,
            category,
            "姑姑（示意）",
            people["director"],
            father_situation=ParentSituation.DEAD,
            mother_situation=ParentSituation.DEAD
            if category == Category.ORPHAN
            else ParentSituation.LOST_CONTACT,
        )
        for action, who, days_ago, reason in steps:
            if action == "sign_agreement":
                agreement = SimpleUploadedFile("agreement.pdf", _pdf_bytes("Guardianship agreement (demo)"))
                attach_evidence(
                    application, people["caseworker"], EvidenceKind.GUARDIANSHIP_AGREEMENT, agreement
                )
                update_details(
                    application,
                    people["caseworker"],
                    bank_name="中国农业银行呼和浩特玉泉支行（示意）",
                    account_holder="姑姑（示意）",
                    account_holder_id_number=make_id_number("150104", datetime.date(1985, 3, 15), 2),
                    account_number="6228480012345678901",
                )
            on = today - datetime.timedelta(days=days_ago)
            transition(application, action, people[who], reason=reason, on=on)
        made += 1
    # Last month paid and spot-checked, this month's list in draft: the payments pages have work.
    payments = _demo_payments(people["caseworker"], today)
    # The registers visited as a working district would have them: most children within their
    # interval (a visit some days ago), about one in eight overdue; one at a medium risk.
    rng = random.Random(2026)
    visits = []
    for index, child in enumerate(ledger.registered(people["caseworker"], today).order_by("pk")):
        if rng.random() < 0.125:
            continue  # overdue: the visit schedule lists these first
        visits.append(
            Visit(
                child=child,
                visited_on=today - datetime.timedelta(days=rng.randint(3, 25)),
                visitor=people["director"]
                if child.residence_region.path.find(DEMO_COMMUNITY) >= 0
                else people["caseworker"],
                risk=Visit.Risk.MEDIUM if index == 0 else Visit.Risk.LOW,
                notes="（示意）走访正常",
            )
        )
    Visit.objects.bulk_create(visits)
    records_written.send(sender=Visit)  # bulk_create sends no signals
    # Harm reports from the public: one waiting for triage, one being handled, one closed.
    region = children[0].residence_region.community if children else None
    reports = 0
    if region is not None:
        situations = [HarmSituation.ABANDONED, HarmSituation.BEGGING, HarmSituation.OTHER]
        for index, situation in enumerate(situations):
            report = harm.receive(situation=situation, description="（示意）邻居反映的情况", region=region)
            if index >= 1:
                harm.triage(report, people["police"], HarmReport.Urgency.URGENT, HarmReport.Handler.POLICE)
                harm.act(report, people["police"], "（示意）民警已上门核实")
            if index == 2:
                harm.close(report, people["police"], "（示意）已联系民政落实临时监护")
            reports += 1
    return (
        f"{made} applications in every state, {payments}, {len(visits)} visits, "
        f"{reports} harm reports (all synthetic)"
    )


def _demo_payments(caseworker: Any, today: datetime.date) -> str:
    from . import disbursement, spotchecks

    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    run = disbursement.build_run(last_month, caseworker)
    if not run.payments.exists():
        return "no payments due"
    disbursement.approve_run(run, caseworker)
    run = disbursement.mark_paid(run, caseworker)  # (a fresh copy: the locked one)
    spotchecks.draw(run, caseworker, rate=Decimal("1"), seed=2026)
    disbursement.build_run(today.replace(day=1), caseworker)
    return "last month paid and spot-checked, this month in draft"
