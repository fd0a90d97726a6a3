import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from tongyou.audit.models import AppendOnlyError, AuditEntry
from tongyou.audit.services import RetentionError, prune_before, record, verify_chain

pytestmark = pytest.mark.django_db


def entries(n):
    return [record(AuditEntry.Action.READ, object_type="datahub.Child", object_id=str(i)) for i in range(n)]


def raw_sql(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_each_entry_carries_the_hash_of_the_one_before():
    first, second, third = entries(3)
    assert second.prev_hash == first.entry_hash
    assert third.prev_hash == second.entry_hash
    assert verify_chain().ok


def test_an_edited_entry_is_named_by_verify():
    _, victim, _ = entries(3)
    raw_sql("UPDATE audit_auditentry SET object_id = %s WHERE id = %s", ["999", victim.pk])
    result = verify_chain()
    assert not result.ok and result.broken_id == victim.pk
    assert "content" in result.reason


def test_a_deleted_entry_breaks_the_link_of_the_next_one():
    _, victim, after = entries(3)
    raw_sql("DELETE FROM audit_auditentry WHERE id = %s", [victim.pk])
    result = verify_chain()
    assert not result.ok and result.broken_id == after.pk


def test_verify_command_names_the_first_broken_entry():
    first, _ = entries(2)
    call_command("verify_audit")
    raw_sql("UPDATE audit_auditentry SET actor_username = %s WHERE id = %s", ["mallory", first.pk])
    with pytest.raises(CommandError, match=f"#{first.pk}"):
        call_command("verify_audit")


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    (entry,) = entries(1)
    entry.object_id = "x"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(action="read")


def test_pruning_refuses_entries_younger_than_180_days():
    entries(1)
    with pytest.raises(RetentionError, match="180 days"):
        prune_before(timezone.now() - datetime.timedelta(days=179))
    with pytest.raises(CommandError, match="180 days"):
        call_command(
            "prune_audit", "--before", (timezone.now() - datetime.timedelta(days=10)).date().isoformat()
        )


def test_pruning_old_entries_keeps_the_rest_verifiable(monkeypatch):
    long_ago = timezone.now() - datetime.timedelta(days=400)
    monkeypatch.setattr("tongyou.audit.services.timezone.now", lambda: long_ago)
    old = entries(3)
    monkeypatch.undo()
    recent = entries(2)
    assert prune_before(timezone.now() - datetime.timedelta(days=200)) == 3
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEntry.objects.filter(pk__in=[e.pk for e in recent]).count() == 2
    assert verify_chain().ok


def test_personal_details_are_not_written_in_plaintext():
    from tongyou.factories import GuardianFactory

    guardian = GuardianFactory(phone="13812345678")
    guardian.phone = "13987654321"
    guardian.save()
    logged = AuditEntry.objects.filter(object_type="datahub.Guardian").order_by("id")
    assert [e.action for e in logged] == ["create", "update"]
    assert logged.last().details == {"fields": ["phone"]}
    assert "1398765" not in str(list(AuditEntry.objects.values_list("details", flat=True)))
