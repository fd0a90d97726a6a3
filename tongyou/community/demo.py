"""Demo data for the talent pool: counsellors at each stage of their cycle, volunteers (one whose
check is about to expire, one without a check), an organisation, and a reading session with
staff, children signed up and hours confirmed — all through the real services as the demo
child director, so every page has something true to show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tongyou.accounts.models import User
from tongyou.datahub.models import Child
from tongyou.privacy.idnumbers import make_id_number
from tongyou.regions.models import Region

from . import activities, people
from .models import Person

COMMUNITY = "150104001001"


def _number(years: int, sequence: int, today: dt.date) -> str:
    birth = today.replace(year=today.year - years, day=1) - dt.timedelta(days=40)
    return make_id_number("150100", birth, sequence)  # Hohhot: valid for every birth year


def load_demo_community() -> dict[str, int]:
    if Person.objects.exists():
        return {"people": 0}
    today = timezone.localdate()
    director = User.objects.get(username="director")
    here = Region.objects.get(code=COMMUNITY)
    people.register_organisation(
        director,
        name="玉泉区童心社会工作服务中心",
        credit_code="91110000600037341L",
        registered_with="玉泉区民政局",
        region=here,
        domains="儿童关爱、家庭教育、亲子阅读",
    )
    counsellor = people.register_person(
        director,
        kind="counsellor",
        name="王建华",
        id_number=_number(62, 12, today),
        region=here,
        source="five_elders",
    )
    people.train(director, counsellor, "YQSGW-2026-001")
    people.appoint(
        director,
        counsellor,
        appointed_by="玉泉区少工委",
        letter_number="玉少工委聘〔2026〕1号",
        term_start=today - dt.timedelta(days=60),
        term_end=today + dt.timedelta(days=305),
        schools="玉泉区小召前街小学",
    )
    people.change_status(director, counsellor, Person.Status.ACTIVE)
    people.record_check(
        director,
        counsellor,
        checked_on=today - dt.timedelta(days=50),
        queried_by="呼和浩特市公安局玉泉区分局",
        result="passed",
    )
    people.register_person(
        director,
        kind="counsellor",
        name="刘芳",
        id_number=_number(38, 14, today),
        region=here,
        source="parent",
    )
    volunteer = people.register_person(
        director, kind="volunteer", name="赵晓明", id_number=_number(26, 16, today), region=here
    )
    people.record_check(
        director,
        volunteer,
        checked_on=today - dt.timedelta(days=350),
        queried_by="呼和浩特市公安局玉泉区分局",
        result="passed",
    )
    people.register_person(
        director, kind="volunteer", name="孙丽", id_number=_number(31, 18, today), region=here
    )
    start = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=7), dt.time(9, 30)))
    session = activities.create_activity(
        director,
        title="亲子共读：好饿的毛毛虫",
        kind="reading",
        region=here,
        place="小召前街社区图书室",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=15,
        age_min=2,
        age_max=6,
    )
    for person in (counsellor, volunteer):
        assignment = activities.assign(director, session, person, "带读绘本")
        entry = activities.record_hours(director, assignment, "2")
        activities.confirm_hours(director, entry)
    young = Child.objects.filter(
        residence_region__path__startswith=here.path,
        birth_date__gt=today.replace(year=today.year - 6),
        birth_date__lte=today.replace(year=today.year - 3),
    )[:6]
    signups = [activities.sign_up(director, session, child, family_members=1) for child in young]
    activities.mark_attendance(director, session, {s.pk: i % 4 != 3 for i, s in enumerate(signups)})
    return {"people": Person.objects.count(), "signed_up": len(signups)}
