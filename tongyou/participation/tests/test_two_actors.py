"""Two people (or two clicks) at the same instant, on PostgreSQL: one change wins, the other is
told, nothing is written twice, and a process never has two active stages."""

import pytest

from tongyou.core.errors import Refusal
from tongyou.core.tests.test_two_actors import at_once, refused
from tongyou.participation import codes, processes, proposals
from tongyou.participation.models import Participant, Phase, Proposal, ProposalEvent, Stage, Support

from .helpers import People, aged

Status = Proposal.Status


@pytest.fixture
def world(concurrent_db):
    people = People()
    process = people.process()
    participant, _code = people.participant(process)
    proposal = proposals.file_as_child(participant, title="秋千坏了", problem="链子断了。")
    return people, process, participant, proposal


@pytest.mark.django_db(transaction=True)
def test_two_moderators_deciding_at_once_decide_once(world):
    people, _process, _participant, proposal = world
    outcomes = at_once(
        lambda: proposals.take_step(
            Proposal.objects.get(pk=proposal.pk), "approve", people.street, seen="pending"
        ),
        lambda: proposals.take_step(
            Proposal.objects.get(pk=proposal.pk), "reject", people.director, note="写了全名", seen="pending"
        ),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert ProposalEvent.objects.filter(proposal=proposal).exclude(action="file").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_organisers_moving_the_stage_at_once_leave_one_active_stage(world):
    people, process, _participant, _proposal = world
    outcomes = at_once(
        lambda: processes.activate(process, Stage.PROPOSALS, people.street, seen=Stage.NEEDS),
        lambda: processes.activate(process, Stage.DECISION, people.coordinator, seen=Stage.NEEDS),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert Phase.objects.filter(process=process, is_active=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_support_supports_once(world):
    people, process, _participant, proposal = world
    proposals.take_step(proposal, "approve", people.street)
    other, _code = people.participant(process, child=aged(9), display_name="乐乐")
    outcomes = at_once(lambda: proposals.support(proposal, other), lambda: proposals.support(proposal, other))
    assert sorted(outcomes) == [False, True]
    assert Support.objects.filter(proposal=proposal).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_answer_and_publish_leaves_one_answer_each(world):
    people, process, _participant, proposal = world
    proposals.take_step(proposal, "approve", people.street)
    processes.activate(process, Stage.PROPOSALS, people.street)
    proposals.take_step(proposal, "assign", people.street, unit=people.education.unit)

    def answer():
        return proposals.take_step(
            Proposal.objects.get(pk=proposal.pk),
            "answer",
            people.education,
            note="谢谢你，我们下周修好。",
            answer="accepted",
            seen="assigned",
        )

    outcomes = at_once(answer, answer)
    assert len(refused(outcomes, Refusal)) == 1
    assert ProposalEvent.objects.filter(proposal=proposal, action="answer").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_staff_issuing_a_code_to_the_same_child_leave_one_working_code(world):
    people, process, _participant, _proposal = world
    child = aged(11)
    people.consent(child)
    outcomes = at_once(
        lambda: codes.issue_code(people.director, process, child, display_name="朵朵"),
        lambda: codes.issue_code(people.street, process, child, display_name="朵朵"),
    )
    assert Participant.objects.filter(process=process, child=child).count() == 1
    working = []
    for outcome in outcomes:
        if isinstance(outcome, tuple):
            try:
                codes.enter(outcome[1])
                working.append(outcome[1])
            except Refusal:
                pass
    assert len(working) == 1


@pytest.mark.django_db(transaction=True)
def test_two_moderators_on_one_comment_decide_once(world):
    from tongyou.participation.models import Comment

    people, process, _participant, proposal = world
    proposals.take_step(proposal, "approve", people.street)
    other, _code = people.participant(process, child=aged(9), display_name="乐乐")
    made = proposals.comment(proposal, other, "我也觉得")
    outcomes = at_once(
        lambda: proposals.moderate_comment(Comment.objects.get(pk=made.pk), people.street, approve=True),
        lambda: proposals.moderate_comment(
            Comment.objects.get(pk=made.pk), people.director, approve=False, note="写了全名"
        ),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert Comment.objects.get(pk=made.pk).status in ("approved", "rejected")


@pytest.mark.django_db(transaction=True)
def test_a_process_closing_while_a_child_files_never_leaves_an_unanswered_child(world):
    from tongyou.participation.models import Process

    people, process, participant, proposal = world
    Proposal.objects.filter(pk=proposal.pk).update(status=Status.WITHDRAWN)
    outcomes = at_once(
        lambda: processes.close(Process.objects.get(pk=process.pk), people.street),
        lambda: proposals.file_as_child(participant, title="还有一个", problem="问题"),
    )
    closed = Process.objects.get(pk=process.pk).status == Process.Status.CLOSED
    waiting = Proposal.objects.filter(process=process, status=Status.PENDING).exists()
    assert len(refused(outcomes, Refusal)) == 1
    assert closed != waiting  # closed with nobody waiting, or open with the new idea
