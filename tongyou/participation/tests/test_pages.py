"""The pages, as each user meets them: a child with a code, the moderator, the office, the unit,
the public; and the demo, taken through the real services."""

import pytest
from django.test import Client
from django.urls import reverse

from tongyou.accounts.demo import create_demo_accounts
from tongyou.accounts.models import User
from tongyou.participation.demo import DEMO_CODE, load_demo_participation
from tongyou.participation.models import STAGE_ORDER, Process, Proposal, Stage

from .helpers import People, aged

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People()


def _staff(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_child_with_a_code_files_an_idea_and_reads_the_answer(people):
    process = people.process()
    _participant, code = people.participant(process)
    child = Client()
    assert child.get(reverse("participation:mine")).status_code == 302  # no code, no page
    assert child.post(reverse("participation:join"), {"code": "AAAA-BBBB"}).status_code == 400
    assert child.post(reverse("participation:join"), {"code": code.lower()}).status_code == 302
    page = child.get(reverse("participation:mine")).content.decode()
    assert "小雨" in page and 'id="idea-form"' in page
    child.post(reverse("participation:file"), {"title": "路灯太暗", "problem": "晚上回家的小路很黑。"})
    proposal = Proposal.objects.get(process=process)
    assert proposal.status == Proposal.Status.PENDING

    moderator = _staff(people.director)
    assert "路灯太暗" in moderator.get(reverse("participation:moderation")).content.decode()
    step = reverse("participation:proposal_step", args=[proposal.pk])
    moderator.post(step, {"action": "approve", "seen": "pending"})
    office = _staff(people.street)
    office.post(
        reverse("participation:process_stage", args=[process.pk]), {"stage": "proposals", "seen": "needs"}
    )
    office.post(step, {"action": "assign", "seen": "approved", "unit": people.education.unit_id})
    unit = _staff(people.education)
    assert "路灯太暗" in unit.get(reverse("participation:replies")).content.decode()
    unit.post(
        step,
        {
            "action": "answer",
            "seen": "assigned",
            "answer": "accepted",
            "note": "谢谢你！我们这个月装好新路灯。",
        },
    )
    office.post(
        reverse("participation:process_stage", args=[process.pk]), {"stage": "decision", "seen": "proposals"}
    )
    office.post(step, {"action": "publish", "seen": "answered"})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED
    mine = child.get(reverse("participation:mine")).content.decode()
    assert "采纳: 谢谢你！我们这个月装好新路灯" in mine and "已审核通过" not in mine
    child.post(reverse("participation:leave"))
    assert child.get(reverse("participation:mine")).status_code == 302


def test_a_second_organiser_on_a_stale_page_does_not_move_the_process_back(people):
    process = people.process()
    office = _staff(people.street)
    office.post(
        reverse("participation:process_stage", args=[process.pk]), {"stage": "proposals", "seen": "needs"}
    )
    response = office.post(
        reverse("participation:process_stage", args=[process.pk]),
        {"stage": "decision", "seen": "needs"},
        follow=True,
    )
    assert process.active_phase().stage == Stage.PROPOSALS
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_an_organiser_creates_a_process_with_its_four_stages(people):
    office = _staff(people.street)
    data = {
        "title": "学校门口的路",
        "summary": "上学路上哪里不安全？",
        "kind": "school_route",
        "region": people.street.jurisdiction.pk,
        "age_min": 7,
        "age_max": 15,
        "reply_days": 15,
    }
    for number, stage in enumerate(STAGE_ORDER):
        data[f"{stage}_starts"] = f"2027-0{number + 1}-01"
        data[f"{stage}_ends"] = f"2027-0{number + 1}-20"
    response = office.post(reverse("participation:processes"), data)
    process = Process.objects.get(title="学校门口的路")
    assert response.status_code == 302 and process.phases.count() == 4
    data["title"] = "顺序颠倒"
    data["needs_starts"], data["needs_ends"] = "2027-05-01", "2027-05-20"
    office.post(reverse("participation:processes"), data)
    assert not Process.objects.filter(title="顺序颠倒").exists()


def test_issuing_a_code_records_the_consent_and_shows_the_code_once(people):
    process = people.process()
    child = aged(10)
    director = _staff(people.director)
    response = director.post(
        reverse("participation:issue_code", args=[process.pk]),
        {
            "id_number": child.id_number,
            "display_name": "小雨",
            "grade": "四年级",
            "consent-guardian_name": "王大明",
            "consent-relationship": "51",
            "consent-given_on": "2026-11-01",
            "consent-takes_part": "on",
        },
    )
    assert response.status_code == 200
    code = response.context["code"]
    assert process.participants.get().child == child
    assert code not in str(list(process.participants.values()))  # stored as a keyed hash only


def test_the_demo_has_a_process_in_every_stage_and_every_page_opens(region):
    create_demo_accounts()
    for years in (8, 9, 10, 11, 12, 13, 14):
        aged(years)
    assert "YQ26-DEMO" in load_demo_participation()
    active = sorted(p.active_phase().stage for p in Process.objects.all())
    assert active == sorted(STAGE_ORDER)
    assert Proposal.objects.filter(status=Proposal.Status.PUBLISHED).exists()
    assert Proposal.objects.filter(status=Proposal.Status.PENDING).exists()
    for username in ("coordinator", "street", "director", "education"):
        client = _staff(User.objects.get(username=username))
        home = client.get("/")
        assert home.status_code == 200
        for name in ("participation:processes", "participation:moderation", "participation:replies"):
            assert client.get(reverse(name)).status_code in (200, 403)
    street = _staff(User.objects.get(username="street"))
    office = _staff(User.objects.get(username="coordinator"))
    for process in Process.objects.all():
        assert office.get(reverse("participation:process", args=[process.pk])).status_code == 200
        assert Client().get(reverse("participation:public_process", args=[process.pk])).status_code == 200
    for proposal in Proposal.objects.all():
        assert street.get(reverse("participation:proposal", args=[proposal.pk])).status_code == 200
    child = Client()
    child.post(reverse("participation:join"), {"code": DEMO_CODE})
    assert child.get(reverse("participation:mine")).status_code == 200


def test_proposals_with_a_place_show_on_the_map_and_in_the_facilitys_record(people):
    from tongyou.participation import proposals
    from tongyou.spaces.models import Facility

    process = people.process()
    swing = Facility.objects.create(
        name="小召前街游乐场", kind="play_area", region=process.region, latitude=40.78, longitude=111.66
    )
    participant, _code = people.participant(process)
    shown = proposals.file_as_child(participant, title="秋千坏了", problem="链子断了。", facility=swing)
    waiting = proposals.file_as_child(participant, title="还没审核", problem="未审核。", facility=swing)
    proposals.take_step(shown, "approve", people.street)
    visitor = Client()
    points = visitor.get(reverse("participation:proposals_geojson")).json()["features"]
    assert [p["properties"]["name"].split("（")[0] for p in points] == ["秋千坏了"]
    assert points[0]["geometry"]["coordinates"] == [111.66, 40.78]
    centre = process.region.centre  # a tap on the map, no facility: the community holding it
    tapped = proposals.file_as_child(
        participant, title="路口危险", problem="车很多。", latitude=centre[0], longitude=centre[1]
    )
    assert tapped.region == process.region
    proposals.take_step(tapped, "approve", people.street)
    points = visitor.get(reverse("participation:proposals_geojson")).json()["features"]
    assert [centre[1], centre[0]] in [p["geometry"]["coordinates"] for p in points]
    record = visitor.get(reverse("spaces:facility", args=[swing.pk])).content.decode()
    assert "秋千坏了" in record and "还没审核" not in record
    assert waiting.status == Proposal.Status.PENDING
    assert 'id="extra-layers"' in visitor.get(reverse("spaces:map")).content.decode()


def test_a_whole_class_joins_from_one_address_but_a_guesser_is_stopped(people):
    process = people.process()
    classroom = [people.participant(process, child=aged(9), display_name="乐乐")[1] for _ in range(3)]
    for _ in range(12):  # forty children's worth of right codes from one address: never blocked
        for code in classroom:
            assert Client().post(reverse("participation:join"), {"code": code}).status_code == 302
    guesser = Client()
    answers = [
        guesser.post(reverse("participation:join"), {"code": "AAAA-BBBB"}).status_code for _ in range(31)
    ]
    assert answers[:30] == [400] * 30 and answers[30] == 429
    assert guesser.post(reverse("participation:join"), {"code": classroom[0]}).status_code == 429
