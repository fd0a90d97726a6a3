"""The demo's birth registrations went through the real import and linkage, once: the street
officer finds possible duplicates waiting, and one each merged and kept apart."""

import pytest

from tongyou.accounts.demo import create_demo_accounts
from tongyou.datahub.demo import load_demo_linkage
from tongyou.datahub.models import Child, ImportBatch, LinkReview
from tongyou.datahub.services.reviews import reviewable
from tongyou.datahub.services.synthetic import generate

pytestmark = pytest.mark.django_db


def test_the_demo_street_officer_has_duplicates_to_review_and_two_decided():
    from tongyou.accounts.models import User

    create_demo_accounts()
    generate(300, seed=11)
    children = Child.objects.count()
    summary = load_demo_linkage()
    batch = ImportBatch.objects.get(source__code="births")
    assert batch.status == ImportBatch.Status.COMMITTED, summary
    assert batch.children_matched >= 1 and batch.children_created >= 2
    statuses = set(LinkReview.objects.values_list("status", flat=True))
    assert {LinkReview.Status.MERGED, LinkReview.Status.KEPT_APART, LinkReview.Status.PENDING} <= statuses
    street = User.objects.get(username="street")
    assert reviewable(street).filter(status=LinkReview.Status.PENDING).exists()
    assert not Child.objects.filter(is_synthetic=False).exists()  # what the demo adds is flagged
    assert Child.objects.count() > children
    assert "nothing added" in load_demo_linkage()
    assert ImportBatch.objects.count() == 1
