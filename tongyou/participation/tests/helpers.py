"""Shared builders for the participation tests: a process in a community, a child of the right
age with a guardian's consent, and the people who run it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.datahub.codes import GuardianRelationship
from tongyou.participation import codes, processes
from tongyou.participation.models import Stage
from tongyou.regions.models import Region
from tongyou.tests.factories import ChildFactory, UserFactory

COMMUNITY, STREET, DISTRICT = "150104001001", "150104001000", "150104000000"
GRID = "150104001001001"


def aged(years: int, **fields):
    today = timezone.localdate()
    born = today.replace(year=today.year - years) - dt.timedelta(days=30)
    return ChildFactory(birth_date=born, residence_region=Region.objects.get(code=GRID), **fields)


class People:
    def __init__(self):
        self.coordinator = UserFactory(
            role=Role.COORDINATOR,
            jurisdiction=Region.objects.get(code=DISTRICT),
            unit=Unit.objects.get(code="fegw"),
        )
        self.street = UserFactory(
            role=Role.STREET_OFFICER,
            jurisdiction=Region.objects.get(code=STREET),
            unit=Unit.objects.get(code="office-150104001"),
        )
        self.director = UserFactory(
            role=Role.CHILD_DIRECTOR,
            jurisdiction=Region.objects.get(code=COMMUNITY),
            unit=Unit.objects.get(code="office-150104001"),
            supervisor=self.street,
        )
        self.supervisor = UserFactory(role=Role.UNIT_OFFICER, jurisdiction=Region.objects.get(code=DISTRICT))
        self.education = UserFactory(
            role=Role.UNIT_OFFICER,
            jurisdiction=Region.objects.get(code=DISTRICT),
            unit=Unit.objects.get(code="jyj"),
            supervisor=self.supervisor,
        )
        self.health = UserFactory(
            role=Role.UNIT_OFFICER,
            jurisdiction=Region.objects.get(code=DISTRICT),
            unit=Unit.objects.get(code="wjw"),
        )

    def process(self, stage=Stage.NEEDS, region=COMMUNITY, **fields):
        today = timezone.localdate()
        dates = [
            (today + dt.timedelta(days=30 * i), today + dt.timedelta(days=30 * i + 29)) for i in range(4)
        ]
        process = processes.create_process(
            self.street,
            title="小召前街游乐场改造",
            summary="说说你的想法",
            kind="public_space",
            region=Region.objects.get(code=region),
            dates=dates,
            **fields,
        )
        if stage:
            processes.activate(process, stage, self.street)
        return process

    def consent(self, child, **fields):
        values = {
            "guardian_name": "王大明",
            "relationship": GuardianRelationship.FATHER,
            "given_on": timezone.localdate(),
        }
        values.update(fields)
        return codes.record_consent(self.director, child, **values)

    def participant(self, process, child=None, display_name="小雨", grade="四年级", **consent):
        child = child or aged(10)
        self.consent(child, **consent)
        participant, code = codes.issue_code(
            self.director, process, child, display_name=display_name, grade=grade
        )
        return participant, code
