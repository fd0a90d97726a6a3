"""Records without an ID number resolve to one child: sure matches link, uncertain ones wait
for a person who merges or keeps apart, and either decision can be undone."""

import datetime
import io

import pytest

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.datahub.codes import GuardianRelationship, Sex
from tongyou.datahub.demo import births_workbook
from tongyou.datahub.models import Child, Guardian, ImportBatch, LinkReview, Source
from tongyou.datahub.services.linkage import AUTO_LINK, REVIEW, best_matches
from tongyou.privacy.idnumbers import make_id_number
from tongyou.privacy.names import name_index
from tongyou.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db
BIRTH = datetime.date(2025, 3, 2)
GRID = "150104001001001"


UNSURE = ["王小明", "", "男", "2025-03-02", "汉族", "李娜", "", "150104001002"]


@pytest.fixture
def known(region):
    """A child in the index with its mother."""
    child = ChildFactory(
        name="王小明",
        sex=Sex.MALE,
        birth_date=BIRTH,
        residence_region=region(GRID),
        id_number=make_id_number("150104", BIRTH, 11),
    )
    Guardian.objects.create(child=child, name="张丽", relationship=GuardianRelationship.MOTHER)
    return child


births_file = births_workbook  # the demo's births file serves the tests too


def birth(name, mother, id_number="", sex="男", day="2025-03-02", region="150104001001"):
    return [name, id_number, sex, day, "汉族", mother, "", region]


def import_births(client_for, rows):
    health = client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="wjw"))
    file = io.BytesIO(births_file(rows))
    file.name = "births.xlsx"
    response = health.post(
        "/datahub/imports/", {"source": Source.objects.get(code="births").pk, "file": file}
    )
    batch = ImportBatch.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert batch.error_count == 0, batch.report
    health.post(f"/datahub/imports/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.status == "committed", batch.message
    return batch


def test_splink_is_sure_of_a_full_match_and_unsure_when_the_mother_and_street_differ(known):
    records = [
        {"name": "王小明", "guardian": "张丽", "sex": "1", "birth_date": BIRTH, "community": "150104001001"},
        {"name": "王小明", "guardian": "李娜", "sex": "1", "birth_date": BIRTH, "community": "150104002001"},
        {"name": "陈一", "guardian": "孙二", "sex": "1", "birth_date": BIRTH, "community": "150104003001"},
    ]
    known.refresh_from_db()
    matches = best_matches(
        records, list(Child.objects.select_related("residence_region").prefetch_related("guardians"))
    )
    assert matches[0][0] == known and matches[0][1] >= AUTO_LINK
    assert matches[1][0] == known and REVIEW <= matches[1][1] < AUTO_LINK
    assert 2 not in matches


def test_births_link_by_id_by_certainty_or_wait_for_review(client_for, known):
    before = Child.objects.count()
    batch = import_births(
        client_for,
        [
            birth("王小明", "张丽"),  # no ID, everything agrees: linked
            birth(
                "王小明", "李娜", region="150104001002"
            ),  # same name and day, another mother: a person decides
            birth("陈一", "孙二", region="150104003001"),  # nobody like this: a new child
            birth("李四", "赵五", id_number=make_id_number("150104", BIRTH, 21)),  # has an ID: exact
        ],
    )
    assert (batch.children_matched, batch.children_created, batch.reviews_created) == (1, 2, 1)
    assert Child.objects.count() == before + 2
    review = LinkReview.objects.get()
    assert review.candidate == known and review.status == "pending"
    mothers = Guardian.objects.filter(child__name_index=name_index("陈一"), batch=batch)
    assert [g.name for g in mothers] == ["孙二"]


def test_a_reviewer_merges_and_undoes(client_for, known):
    import_births(client_for, [UNSURE])
    review = LinkReview.objects.get()
    street = client_for(Role.STREET_OFFICER, "150104001000")
    page = street.get(f"/datahub/linkage/{review.pk}/").content.decode()
    assert "李娜" in page and "张丽" in page
    street.post(f"/datahub/linkage/{review.pk}/merge/")
    review.refresh_from_db()
    assert review.status == "merged" and review.decided_by == street.user
    street.post(f"/datahub/linkage/{review.pk}/undo/")
    review.refresh_from_db()
    assert review.status == "pending" and review.decided_by is None
    decisions = AuditEntry.objects.filter(object_type="datahub.LinkReview", action="update")
    assert [e.details["decision"] for e in decisions.order_by("id") if "decision" in e.details] == [
        "merge",
        "undo",
    ]


def test_keeping_apart_creates_a_child_and_undo_removes_it(client_for, known):
    import_births(client_for, [UNSURE])
    review = LinkReview.objects.get()
    before = Child.objects.count()
    caseworker = client_for(Role.CASEWORKER)
    caseworker.post(f"/datahub/linkage/{review.pk}/keep-apart/")
    review.refresh_from_db()
    assert review.status == "kept_apart" and Child.objects.count() == before + 1
    assert review.created_child.name == "王小明" and review.created_child.guardians.get().name == "李娜"
    caseworker.post(f"/datahub/linkage/{review.pk}/undo/")
    assert Child.objects.count() == before
    assert LinkReview.objects.get().status == "pending"


def test_a_reviewer_who_cannot_see_the_candidate_child_cannot_see_the_review(client_for, region):
    elsewhere = ChildFactory(
        name="王小明", sex=Sex.MALE, birth_date=BIRTH, residence_region=region("150104002001001")
    )
    Guardian.objects.create(child=elsewhere, name="张丽", relationship=GuardianRelationship.MOTHER)
    import_births(client_for, [["王小明", "", "男", "2025-03-02", "汉族", "李娜", "", "150104001002"]])
    review = LinkReview.objects.get()
    street = client_for(Role.STREET_OFFICER, "150104001000")  # sees the record's street, not the child's
    assert street.get(f"/datahub/linkage/{review.pk}/").status_code == 404
    assert street.post(f"/datahub/linkage/{review.pk}/merge/").status_code == 404
    assert client_for(Role.CASEWORKER).get(f"/datahub/linkage/{review.pk}/").status_code == 200


def test_only_reviewers_of_the_area_see_the_queue(client_for, known):
    import_births(client_for, [UNSURE])
    review = LinkReview.objects.get()
    other_street = client_for(Role.STREET_OFFICER, "150104002000")
    assert other_street.get(f"/datahub/linkage/{review.pk}/").status_code == 404
    assert other_street.post(f"/datahub/linkage/{review.pk}/merge/").status_code == 404
    assert list(other_street.get("/datahub/linkage/").context["page"]) == []
    for role in (Role.CHILD_DIRECTOR, Role.RESEARCHER, Role.UNIT_OFFICER):
        assert client_for(role, "150104001001").get("/datahub/linkage/").status_code == 403
    assert LinkReview.objects.get().status == "pending"
