"""A child's proposal from the need stated to the answer published and the result, as the child,
the moderator, the office and the unit see it; and every refusal on the way."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongyou.audit.models import AuditEntry
from tongyou.core.errors import Refusal
from tongyou.core.models import Notification
from tongyou.core.workflow import StaleState
from tongyou.participation import codes, processes, proposals, results
from tongyou.participation.models import Proposal, Stage, Support
from tongyou.tests.factories import UserFactory

from .helpers import People, aged

pytestmark = pytest.mark.django_db
Status = Proposal.Status


@pytest.fixture
def people():
    return People()


def _file(participant, **fields):
    values = {"title": "秋千坏了", "problem": "游乐场的秋千链子断了。", "idea": "换新的链子。"}
    values.update(fields)
    return proposals.file_as_child(participant, **values)


def test_the_loop_from_a_childs_need_to_a_published_answer_and_a_result(
    people, django_capture_on_commit_callbacks
):
    process = people.process()
    participant, _code = people.participant(process)
    proposal = _file(participant)
    assert proposal.status == Status.PENDING and not proposals.is_public(proposal)

    proposals.take_step(proposal, "approve", people.street)
    processes.activate(process, Stage.PROPOSALS, people.street)
    with django_capture_on_commit_callbacks(execute=True):
        proposals.take_step(proposal, "assign", people.street, unit=people.education.unit)
    proposal.refresh_from_db()
    assert proposal.reply_due > timezone.localdate()
    assert Notification.objects.filter(recipient=people.education).exists()

    with pytest.raises(PermissionDenied):  # the health bureau is not the unit it is assigned to
        proposals.take_step(
            proposal, "answer", people.health, note="我们会修好秋千的，谢谢你。", answer="accepted"
        )
    with pytest.raises(Refusal):  # an answer a child cannot read is not an answer
        proposals.take_step(proposal, "answer", people.education, note="不采纳", answer="not_accepted")
    proposals.take_step(
        proposal, "answer", people.education, note="谢谢你！我们下周就换新的秋千链子。", answer="accepted"
    )
    with pytest.raises(Refusal):  # publishing is off while proposals are drawn up
        proposals.take_step(proposal, "publish", people.street)
    processes.activate(process, Stage.DECISION, people.street)
    proposals.take_step(proposal, "publish", people.street)
    proposal.refresh_from_db()
    assert proposal.status == Status.PUBLISHED and proposal.published_at and proposal.answered_on_time()

    processes.activate(process, Stage.FEEDBACK, people.street)
    result = results.create_result(
        people.street, process, [proposal], title="换新秋千", unit=people.education.unit
    )
    results.add_update(
        result, people.education, on=timezone.localdate(), text="已换好", status="done", progress=100
    )
    result.refresh_from_db()
    assert (result.status, result.progress) == ("done", 100)
    processes.close(process, people.street)
    assert [e.action for e in proposal.events.all()] == ["file", "approve", "assign", "answer", "publish"]


def test_a_process_cannot_close_while_a_child_waits_for_an_answer(people):
    process = people.process()
    participant, _code = people.participant(process)
    _file(participant)
    with pytest.raises(Refusal, match="1"):
        processes.close(process, people.street)
    rejected = _file(participant, title="别的")
    proposals.Proposal.objects.filter(pk=rejected.pk).update(status=Status.REJECTED)
    proposals.Proposal.objects.exclude(pk=rejected.pk).update(status=Status.WITHDRAWN)
    processes.close(process, people.street)


def test_moderation_rejects_need_a_reason_and_only_organisers_of_the_area_moderate(people):
    process = people.process()
    participant, _code = people.participant(process)
    proposal = _file(participant)
    with pytest.raises(Refusal):
        proposals.take_step(proposal, "reject", people.street, note="")
    with pytest.raises(PermissionDenied):  # a unit officer takes no moderation step
        proposals.take_step(proposal, "approve", people.education)
    elsewhere = UserFactory(
        role="child_director",
        jurisdiction=people.director.jurisdiction.parent.children.exclude(
            pk=people.director.jurisdiction.pk
        ).first(),
    )
    with pytest.raises(Exception):  # noqa: B017 (refused: 403 or a refusal, never done)
        proposals.take_step(proposal, "approve", elsewhere)
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING


def test_a_stale_page_is_refused_naming_who_moved_it(people):
    process = people.process()
    participant, _code = people.participant(process)
    proposal = _file(participant)
    proposals.take_step(proposal, "approve", people.street, seen=Status.PENDING)
    with pytest.raises(StaleState):
        proposals.take_step(
            Proposal.objects.get(pk=proposal.pk), "reject", people.director, note="x", seen=Status.PENDING
        )


def test_children_outside_the_age_window_or_without_consent_cannot_take_part(people):
    process = people.process(age_min=8, age_max=12)
    too_young, too_old, unconsented = aged(6), aged(14), aged(10)
    for child in (too_young, too_old):
        people.consent(child)
        with pytest.raises(Refusal, match="8"):
            codes.issue_code(people.director, process, child, display_name="小雨")
    with pytest.raises(Refusal):
        codes.issue_code(people.director, process, unconsented, display_name="小雨")
    people.consent(unconsented, takes_part=False)
    with pytest.raises(Refusal):
        codes.issue_code(people.director, process, unconsented, display_name="小雨")


def test_a_withdrawn_consent_or_a_revoked_code_stops_the_code_at_once(people):
    process = people.process()
    participant, code = people.participant(process)
    assert codes.enter(code.lower().replace("-", " ")) == participant
    consent = codes.current_consent(participant.child)
    codes.withdraw_consent(consent, people.director)
    with pytest.raises(Refusal):
        codes.enter(code)
    with pytest.raises(Refusal):
        _file(participant)
    people.consent(participant.child)
    codes.revoke(participant, people.director)
    with pytest.raises(Refusal):
        codes.enter(code)


def test_issuing_again_replaces_a_lost_code(people):
    process = people.process()
    participant, old = people.participant(process)
    again, new = codes.issue_code(people.director, process, participant.child, display_name="小雨")
    assert again.pk == participant.pk and new != old
    with pytest.raises(Refusal):
        codes.enter(old)
    assert codes.enter(new) == participant


@pytest.mark.parametrize("shown", ["", "王小雨同学", "13812345678", "王小"])
def test_the_name_shown_is_a_given_name_never_the_full_name(people, shown):
    process = people.process()
    child = aged(10, name="王小雨")
    people.consent(child)
    with pytest.raises(Refusal):
        codes.issue_code(people.director, process, child, display_name=shown)


def test_codes_are_issued_only_where_the_issuer_reads_the_index(people):
    process = people.process()
    child = aged(10)
    people.consent(child)
    for outsider in (people.education, people.coordinator):
        with pytest.raises(Exception):  # noqa: B017 (PermissionDenied)
            codes.issue_code(outsider, process, child, display_name="小雨")


def test_the_stage_decides_what_children_may_do(people):
    process = people.process(stage=Stage.DECISION)
    participant, _code = people.participant(process)
    with pytest.raises(Refusal):
        _file(participant)
    processes.activate(process, Stage.NEEDS, people.street)
    proposal = _file(participant)
    other, _ = people.participant(process, child=aged(9), display_name="乐乐")
    proposals.take_step(proposal, "approve", people.street)
    assert proposals.support(proposal, other) is True
    assert proposals.support(proposal, other) is False  # a second click changes nothing
    with pytest.raises(Refusal):
        proposals.support(proposal, participant)  # not one's own
    processes.set_switches(process.phases.get(stage=Stage.NEEDS), people.street, supporting=False)
    third, _ = people.participant(process, child=aged(11), display_name="朵朵")
    with pytest.raises(Refusal):
        proposals.support(proposal, third)
    assert Support.objects.filter(proposal=proposal).count() == 1


def test_a_child_withdraws_only_their_own_and_it_leaves_the_public_page(people):
    process = people.process()
    participant, _code = people.participant(process, words_public=True)
    other, _ = people.participant(process, child=aged(9), display_name="乐乐")
    proposal = _file(participant)
    proposals.take_step(proposal, "approve", people.street)
    page = Client().get(reverse("participation:public_process", args=[process.pk])).content.decode()
    assert "秋千坏了" in page
    with pytest.raises(Refusal):
        proposals.withdraw(proposal, other)
    proposals.withdraw(proposal, participant)
    page = Client().get(reverse("participation:public_process", args=[process.pk])).content.decode()
    assert "秋千坏了" not in page


def test_the_public_page_shows_a_given_name_and_words_only_with_consent(people):
    process = people.process()
    consenting, _ = people.participant(
        process, child=aged(10, name="李乐乐"), display_name="乐乐", words_public=True
    )
    private, _ = people.participant(
        process, child=aged(11, name="赵朵朵"), display_name="朵朵", words_public=False
    )
    waiting, _ = people.participant(
        process, child=aged(9, name="钱天天"), display_name="天天", words_public=True
    )
    shown = _file(consenting, title="想要饮水机", problem="公园没有喝水的地方。")
    hidden_words = _file(private, title="路灯太暗", problem="晚上回家的小路很黑。")
    _file(waiting, title="还没审核", problem="这条还没审核。")
    for proposal in (shown, hidden_words):
        proposals.take_step(proposal, "approve", people.street)
    page = Client().get(reverse("participation:public_process", args=[process.pk])).content.decode()
    assert "想要饮水机" in page and "公园没有喝水的地方" in page and "乐乐 四年级" in page
    assert "路灯太暗" in page and "晚上回家的小路很黑" not in page and "朵朵" not in page
    assert "还没审核" not in page
    for full_name in ("李乐乐", "赵朵朵", "钱天天"):
        assert full_name not in page


def test_staff_reading_a_childs_proposal_is_audited_and_outsiders_see_nothing(people, client):
    process = people.process()
    participant, _code = people.participant(process)
    proposal = _file(participant)
    client.force_login(people.director)
    assert client.get(reverse("participation:proposal", args=[proposal.pk])).status_code == 200
    assert AuditEntry.objects.filter(
        action="read", object_type="participation.Proposal", object_id=str(proposal.pk)
    ).exists()
    client.force_login(people.education)  # not assigned to the unit yet
    assert client.get(reverse("participation:proposal", args=[proposal.pk])).status_code == 404


def test_late_answers_are_told_to_the_unit_and_its_supervisors_once(people):
    process = people.process(stage=Stage.PROPOSALS)
    participant, _code = people.participant(process)
    proposal = _file(participant)
    proposals.take_step(proposal, "approve", people.street)
    proposals.take_step(proposal, "assign", people.street, unit=people.education.unit)
    Proposal.objects.filter(pk=proposal.pk).update(reply_due=timezone.localdate() - dt.timedelta(days=1))
    assert proposals.notify_overdue() == 2  # the education officer and their supervisor
    assert proposals.notify_overdue() == 0
    assert Notification.objects.filter(
        recipient=people.supervisor, key__startswith="participation.overdue"
    ).exists()


def _upload(content, name="photo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/png")


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00 not a picture",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # claims PNG, is not one
        b"%PDF-1.7 pretending",
        b"",
    ],
)
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_filed(people, content):
    process = people.process()
    participant, _code = people.participant(process)
    with pytest.raises(Refusal):
        _file(participant, photos=[_upload(content)])
    assert not Proposal.objects.exists()


def test_photos_are_re_encoded_bounded_in_number_and_public_only_with_consent(people):
    from io import BytesIO

    from PIL import Image

    from tongyou.tests.factories import PNG_BYTES

    process = people.process()
    with_consent, _ = people.participant(process, photos=True)
    without, _ = people.participant(process, child=aged(9), display_name="乐乐", photos=False)
    with pytest.raises(Refusal):
        _file(with_consent, photos=[_upload(PNG_BYTES) for _ in range(4)])
    shown = _file(with_consent, photos=[_upload(PNG_BYTES + b"<script>trailing</script>")])
    hidden = _file(without, title="路灯", photos=[_upload(PNG_BYTES)])
    photo = shown.photos.get()
    kept = proposals.photo_bytes(photo)
    assert b"<script>" not in kept and Image.open(BytesIO(kept)).format == "PNG"
    visitor = Client()
    url = reverse("participation:public_photo", args=[shown.pk, photo.pk])
    assert visitor.get(url).status_code == 404  # not yet moderated
    for proposal in (shown, hidden):
        proposals.take_step(proposal, "approve", people.street)
    assert visitor.get(url).status_code == 200
    other = hidden.photos.get()
    assert visitor.get(reverse("participation:public_photo", args=[hidden.pk, other.pk])).status_code == 404
    staff = Client()
    staff.force_login(people.director)
    assert staff.get(reverse("participation:proposal_photo", args=[hidden.pk, other.pk])).status_code == 200
    assert AuditEntry.objects.filter(object_type="participation.ProposalPhoto", action="read").exists()


def test_comments_are_moderated_before_anyone_sees_them_and_can_be_taken_back(people):
    from tongyou.participation.models import Comment

    process = people.process()
    author, _ = people.participant(process, words_public=True)
    commenter, code = people.participant(process, child=aged(9), display_name="乐乐", words_public=True)
    proposal = _file(author)
    with pytest.raises(Refusal):  # not visible yet: nothing to comment on
        proposals.comment(proposal, commenter, "我也觉得")
    proposals.take_step(proposal, "approve", people.street)
    made = proposals.comment(proposal, commenter, "我也觉得秋千要修")
    public = reverse("participation:public_process", args=[process.pk])
    assert "我也觉得秋千要修" not in Client().get(public).content.decode()
    with pytest.raises(Refusal):  # a rejection needs its reason
        proposals.moderate_comment(made, people.director, approve=False)
    proposals.moderate_comment(made, people.director, approve=True)
    with pytest.raises(Refusal):  # a second moderator on the same comment is told
        proposals.moderate_comment(Comment.objects.get(pk=made.pk), people.street, approve=False, note="x")
    assert "乐乐 四年级：我也觉得秋千要修" in Client().get(public).content.decode()
    proposals.withdraw_comment(made, commenter)
    assert "我也觉得秋千要修" not in Client().get(public).content.decode()
    processes.set_switches(process.phases.get(stage=Stage.NEEDS), people.street, commenting=False)
    with pytest.raises(Refusal):
        proposals.comment(proposal, commenter, "再说一句")


def test_a_child_comments_from_the_page(people):
    process = people.process()
    author, _ = people.participant(process)
    _commenter, code = people.participant(process, child=aged(9), display_name="乐乐")
    proposal = _file(author)
    proposals.take_step(proposal, "approve", people.street)
    child = Client()
    child.post(reverse("participation:join"), {"code": code})
    child.post(reverse("participation:comment", args=[proposal.pk]), {"text": "好主意"})
    page = child.get(reverse("participation:mine")).content.decode()
    assert "好主意" in page  # the child sees their own comment waiting
    moderator = Client()
    moderator.force_login(people.director)
    assert "好主意" in moderator.get(reverse("participation:moderation")).content.decode()


def test_a_code_opens_its_participant_however_it_is_typed_and_no_other_string_does(people):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    process = people.process()
    participant, code = people.participant(process)
    raw = code.replace("-", "")

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        separators=st.lists(st.sampled_from(["", " ", "-", "  "]), min_size=8, max_size=8),
        lower=st.lists(st.booleans(), min_size=8, max_size=8),
        other=st.text(alphabet=codes.ALPHABET, min_size=8, max_size=8),
    )
    def typed(separators, lower, other):
        typed = "".join(
            sep + (c.lower() if low else c) for sep, c, low in zip(separators, raw, lower, strict=True)
        )
        assert codes.enter(typed) == participant
        if other != raw:
            with pytest.raises(Refusal):
                codes.enter(other)

    typed()
