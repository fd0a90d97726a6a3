"""A large file is checked and committed with a helper process on the second core
(IMPORT_HELPER_ROWS): the check finds and words every problem as one process does, in Chinese, and
stages the same rows; the commit writes what one process writes; a region that left the user's
scope is still refused; a helper that fails part-way leaves nothing written."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.core.errors import Refusal
from tongyou.core.parallel import HelperFailed
from tongyou.datahub.models import Child, Enrolment, ImportBatch, StagedRows
from tongyou.datahub.services.imports import pipeline
from tongyou.privacy.names import name_index, pinyin_index
from tongyou.regions.models import Region
from tongyou.tests.factories import ChildFactory

from .test_imports import GRID, clean_rows, id_for, upload, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client_for):
    return client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="jyj"))


def imported(officer, monkeypatch, helper, rows=7):
    monkeypatch.setattr(pipeline, "CHUNK", 2)
    batch = upload(officer, xlsx(clean_rows(rows)))
    with override_settings(IMPORT_HELPER_ROWS=0 if helper else 10**9):
        pipeline.commit(batch, officer.user)
    batch.refresh_from_db()
    return batch


@pytest.mark.parametrize("helper", [True, False])
def test_a_commit_prepared_on_the_second_core_writes_what_one_process_writes(
    officer, monkeypatch, region, helper
):
    existing = ChildFactory(
        name="学生0",
        id_number=id_for(datetime.date(2019, 5, 1), 0),
        birth_date=datetime.date(2019, 5, 1),
        residence_region=region(GRID),
    )
    batch = imported(officer, monkeypatch, helper)
    assert (batch.status, batch.children_matched, batch.children_created) == ("committed", 1, 6)
    assert not StagedRows.objects.filter(batch=batch).exists()
    children = {c.id_number: c for c in Child.objects.all()}
    assert len(children) == 7
    for row in clean_rows(7):
        child = children[row[1]]  # decrypts under the model's own contexts
        assert child.name == row[0]
        assert (child.name_index, child.name_pinyin_index) == (name_index(row[0]), pinyin_index(row[0]))
        assert child.residence_region.code == (GRID if child == existing else row[5])
        assert Child.objects.filter(id_number_index=child.id_number_index).count() == 1
    facts = Enrolment.objects.order_by("row_number")
    assert [f.row_number for f in facts] == list(range(2, 9))
    assert facts[0].child == existing and facts[0].institution == "玉泉区第一幼儿园"


def test_a_region_outside_the_users_scope_is_refused_through_the_helper(officer, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK", 2)
    batch = upload(officer, xlsx(clean_rows(5)))
    user = officer.user
    user.jurisdiction = Region.objects.get(code="150104002000")  # moved to another street
    user.approved_grant = user.grant
    user.save()
    with override_settings(IMPORT_HELPER_ROWS=0), pytest.raises(Refusal, match="重新上传"):
        pipeline.commit(batch, user)
    assert not Child.objects.exists() and ImportBatch.objects.get(pk=batch.pk).status == "previewed"


def test_a_helper_that_fails_part_way_leaves_nothing_written(officer, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK", 2)
    batch = upload(officer, xlsx(clean_rows(7)))
    third = StagedRows.objects.get(batch=batch, sequence=2)
    with connection.cursor() as cursor:  # a chunk that no longer decrypts (a damaged page, a lost key)
        cursor.execute("UPDATE datahub_stagedrows SET rows = %s WHERE id = %s", ["ty1$nokey$AAAA", third.pk])
    with override_settings(IMPORT_HELPER_ROWS=0), pytest.raises(HelperFailed):
        pipeline.commit(batch, officer.user)
    assert not Child.objects.exists() and not Enrolment.objects.exists()
    assert ImportBatch.objects.get(pk=batch.pk).status == "failed"


def messy_rows():
    rows = clean_rows(9)
    rows[1][1] = "150104201905010002"  # bad check digit
    rows[3][0] = ""  # no name
    rows[4][1] = rows[2][1]  # the same child twice
    rows[5][3] = "2019-02-30"  # no such day
    rows[6][5] = "999999999999"  # no such community
    return rows


@pytest.mark.parametrize("rows", [messy_rows, lambda: clean_rows(9)], ids=["messy", "clean"])
def test_a_check_shared_with_the_helper_finds_and_words_what_one_process_does(officer, monkeypatch, rows):
    monkeypatch.setattr(pipeline, "CHUNK", 2)  # five blocks: the helper and this process share them
    content = xlsx(rows())
    reports = {}
    for helper in (False, True):
        with override_settings(IMPORT_CHECK_HELPER_ROWS=0 if helper else 10**9):
            batch = upload(officer, content, filename=f"roster-{helper}.xlsx")
        reports[helper] = (
            batch.status,
            batch.total_rows,
            batch.valid_rows,
            batch.error_count,
            batch.report,
            [s.rows for s in StagedRows.objects.filter(batch=batch).order_by("sequence")],
        )
        ImportBatch.objects.filter(pk=batch.pk).update(status="refused")
    assert reports[True] == reports[False]
    if rows is messy_rows:
        assert reports[True][3] >= 5 and "校验码" in reports[True][4] and not reports[True][5]
    else:
        assert reports[True][2] == 9 and len(reports[True][5]) == 5
