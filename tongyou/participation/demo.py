"""Demo data: a process in each of the four stages, taken there through the real services by the
demo accounts, so every page has something true to show: children's proposals waiting for
moderation, with a unit, answered, published, and results with dated updates. One child's code
is fixed (DEMO_CODE) so the children's pages can be tried."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from tongyou.accounts.models import Unit, User
from tongyou.datahub.codes import GuardianRelationship
from tongyou.datahub.models import Child
from tongyou.regions.models import Region

from . import codes, councils, processes, proposals, results
from .models import STAGE_ORDER, CouncilMember, Participant, Process, Proposal, Stage

DEMO_CODE = "YQ26-DEMO"  # demo only: DEMO_ALLOWED is False in production
COMMUNITY = "150104001001"  # the demo child director's community (小召前街)

IDEAS = [
    (
        "路口红绿灯太短",
        "放学过马路时绿灯很快就变红了，小同学走不过去。",
        "我们每天都要过这个路口。",
        "把绿灯时间加长一点，或者请志愿者护送。",
    ),
    ("秋千坏了", "小区游乐场的秋千链子断了，已经一个月没人修。", "小朋友会受伤。", "请物业换新的链子。"),
    (
        "想要安静的看书角落",
        "社区图书室里很吵，没有适合小朋友看书的地方。",
        "我们喜欢看书。",
        "在图书室里隔出一个儿童阅读角。",
    ),
    ("公园没有饮水机", "夏天在公园玩的时候口渴，找不到喝水的地方。", "", "在公园入口放一台饮水机。"),
    ("上学路上有大车", "学校门口早上有很多大货车经过。", "很危险。", "上学时间不让大车走这条路。"),
]
PROCESSES = [
    ("玉泉区儿童议事会2026年度议题", Process.Kind.COUNCIL_YEAR, Stage.FEEDBACK),
    ("小召前街社区游乐场改造，听听孩子们的想法", Process.Kind.PUBLIC_SPACE, Stage.DECISION),
    ("安全上学路：我的上学路线", Process.Kind.SCHOOL_ROUTE, Stage.PROPOSALS),
    ("我心中的儿童友好社区", Process.Kind.PLANNING, Stage.NEEDS),
]


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _children(count: int, today: dt.date) -> list[Child]:
    community = Region.objects.get(code=COMMUNITY)
    oldest, youngest = (
        today.replace(year=today.year - 15) + dt.timedelta(days=1),
        today.replace(year=today.year - 8),
    )
    return list(
        Child.objects.filter(
            residence_region__path__startswith=community.path, birth_date__range=(oldest, youngest)
        ).order_by("pk")[:count]
    )


def load_demo_participation(today: dt.date | None = None) -> str:
    if not settings.DEMO_ALLOWED:
        raise ImproperlyConfigured("Demo data is refused under the production settings.")
    if Process.objects.filter(is_synthetic=True).exists():
        return "already loaded"
    today = today or timezone.localdate()
    coordinator, director, street = _user("coordinator"), _user("director"), _user("street")
    education = _user("education")
    district = Region.objects.get(code="150104000000")
    community = Region.objects.get(code=COMMUNITY)
    children = _children(8, today)
    if len(children) < 4:
        return "no children of the age in the demo community"
    for child in children:
        codes.record_consent(
            director,
            child,
            guardian_name="王大明",
            relationship=GuardianRelationship.FATHER,
            given_on=today - dt.timedelta(days=20),
            words_public=child.pk % 2 == 0,
            photos=False,
        )
    made = 0
    for number, (title, kind, stage) in enumerate(PROCESSES):
        reached = STAGE_ORDER.index(stage)
        start = today - dt.timedelta(days=30 * reached + 10)
        dates = [
            (start + dt.timedelta(days=30 * i), start + dt.timedelta(days=30 * i + 29)) for i in range(4)
        ]
        owner = coordinator if number == 0 else street
        process = processes.create_process(
            owner,
            title=title,
            summary="说说你的想法：哪里不方便、不安全、不好玩？你希望怎样改变？",
            kind=kind,
            region=district if number == 0 else community,
            dates=dates,
            is_synthetic=True,
        )
        processes.activate(process, Stage.NEEDS, owner)
        participants = []
        for index, child in enumerate(children[:4]):
            participant, _code = codes.issue_code(
                director,
                process,
                child,
                display_name=["小雨", "乐乐", "朵朵", "天天"][index],
                grade=f"{3 + index}年级",
            )
            participants.append(participant)
        if number == len(PROCESSES) - 1:  # the process still taking ideas: a code anyone can try
            Participant.objects.filter(pk=participants[0].pk).update(code_index=codes.code_index(DEMO_CODE))
        filed = []
        for index, (short, problem, reason, idea) in enumerate(IDEAS[: 3 + (number % 2)]):
            filed.append(
                proposals.file_as_child(
                    participants[index % len(participants)],
                    title=short,
                    problem=problem,
                    reason=reason,
                    idea=idea,
                )
            )
        Proposal.objects.filter(pk__in=[p.pk for p in filed]).update(is_synthetic=True)
        made += len(filed)
        if reached == 0:  # needs: one approved and supported, the rest waiting for moderation
            proposals.take_step(filed[0], "approve", street)
            proposals.support(filed[0], participants[1])
            continue
        for proposal in filed[:-1]:
            proposals.take_step(proposal, "approve", street)
        proposals.take_step(
            filed[-1], "reject", street, note="内容里写了同学的全名和班级，请老师帮忙改写后再提交。"
        )
        processes.activate(process, Stage.PROPOSALS, owner)
        education_unit = Unit.objects.get(code="jyj")
        for proposal in filed[:-1]:
            proposals.take_step(proposal, "assign", owner, unit=education_unit)
        if reached == 1:  # proposals: one answered, one still with the unit
            _answer(filed[0], education, Proposal.Answer.ACCEPTED)
            continue
        for index, proposal in enumerate(filed[:-1]):
            _answer(proposal, education, Proposal.Answer.ACCEPTED if index == 0 else Proposal.Answer.PARTLY)
        processes.activate(process, Stage.DECISION, owner)
        for proposal in filed[:-1]:
            proposals.take_step(proposal, "publish", owner)
        if reached == 2:
            continue
        processes.activate(process, Stage.FEEDBACK, owner)
        result = results.create_result(
            owner, process, [filed[0]], title="学校门口路口延长行人绿灯、设置护学岗", unit=education_unit
        )
        results.add_update(
            result,
            education,
            on=today - dt.timedelta(days=8),
            text="已与交警大队现场查看路口。",
            status="under_way",
            progress=30,
        )
        results.add_update(
            result,
            education,
            on=today - dt.timedelta(days=2),
            text="行人绿灯延长到40秒，护学岗每天早晚各一次。",
            status="done",
            progress=100,
        )
    _councils(director, street, coordinator, children, today)
    return (
        f"{len(PROCESSES)} processes, {made} children's proposals, 2 councils; "
        f"a child's code to try: {DEMO_CODE}"
    )


def _councils(director: User, street: User, coordinator: User, children: list[Child], today: dt.date) -> None:
    """A community council that meets (SP-03), with its seats, a session that filed a proposal and
    a training; and the district council, to which the community appointed two of its children."""
    community = Region.objects.get(code=COMMUNITY)
    local = councils.create_council(
        director,
        name="小召前街社区儿童议事会",
        region=community,
        founded_on=today.replace(year=today.year - 1),
        is_synthetic=True,
    )
    chosen = [
        CouncilMember.ChosenBy.ELECTION,
        CouncilMember.ChosenBy.SCHOOL,
        CouncilMember.ChosenBy.COMMUNITY,
        CouncilMember.ChosenBy.SELF,
    ]
    roles = [
        CouncilMember.Role.CHAIR,
        CouncilMember.Role.VICE_CHAIR,
        CouncilMember.Role.MEMBER,
        CouncilMember.Role.MEMBER,
    ]
    names = ["小雨", "乐乐", "朵朵", "天天"]
    seats = [
        councils.appoint(
            director,
            local,
            child,
            chosen_by=chosen[i],
            display_name=names[i],
            grade=f"{3 + i}年级",
            role=roles[i],
            term_start=today - dt.timedelta(days=200),
        )
        for i, child in enumerate(children[:4])
    ]
    session = councils.record_session(
        director,
        local,
        held_on=today - dt.timedelta(days=12),
        place="社区儿童之家",
        agenda="1. 小区游乐场改造听取大家意见\n2. 暑期活动安排",
        minutes="议事会讨论了游乐场的改造意见，形成一条建议。",
        attendees=seats[:3],
    )
    needs = Process.objects.get(is_synthetic=True, title=PROCESSES[-1][0])
    proposal = proposals.file_for_group(
        street,
        needs,
        author=Proposal.Author.COUNCIL,
        group_name=local.name,
        session=session,
        title="游乐场加装遮阳棚",
        problem="夏天滑梯晒得很烫，不能玩。",
        idea="在滑梯和秋千上方加装遮阳棚。",
    )
    Proposal.objects.filter(pk=proposal.pk).update(is_synthetic=True)
    councils.record_training(
        director,
        community,
        title="儿童权利公约与儿童参与",
        held_on=today - dt.timedelta(days=40),
        hours=Decimal("2"),
        provider="区妇联",
        attendees=seats,
    )
    district = councils.create_council(
        coordinator,
        name="玉泉区儿童议事会",
        region=Region.objects.get(code="150104000000"),
        founded_on=today.replace(year=today.year - 2),
        is_synthetic=True,
    )
    for i, child in enumerate(children[4:6]):
        councils.appoint(
            director,
            district,
            child,
            chosen_by=CouncilMember.ChosenBy.COMMUNITY,
            display_name=["明明", "悦悦"][i],
            grade="六年级",
            term_start=today - dt.timedelta(days=100),
        )


def _answer(proposal: Proposal, unit_officer: User, answer: Proposal.Answer) -> None:
    words = {
        Proposal.Answer.ACCEPTED: "谢谢你的建议！我们同意，会在下个月前完成，做好后在这里告诉你。",
        Proposal.Answer.PARTLY: "谢谢你！这件事我们能先做一部分：先派人检查和修理，"
        "更大的改造要等明年的经费。",
    }[answer]
    proposals.take_step(proposal, "answer", unit_officer, note=words, answer=answer)
