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
    from tongyou.tests.factories import GuardianFactory

    guardian = GuardianFactory(phone="13812345678")
    guardian.phone = "13987654321"
    guardian.save()
    logged = AuditEntry.objects.filter(object_type="datahub.Guardian").order_by("id")
    assert [e.action for e in logged] == ["create", "update"]
    assert logged.last().details == {"fields": ["phone"]}
    assert "1398765" not in str(list(AuditEntry.objects.values_list("details", flat=True)))


def test_recomputing_every_hash_after_an_edit_is_caught_without_the_key():
    # The attack the unkeyed chain allowed: edit an entry, then recompute every hash after it.
    import hashlib

    first, victim, last = entries(3)
    raw_sql("UPDATE audit_auditentry SET object_id = %s WHERE id = %s", ["999", victim.pk])
    previous = first.entry_hash
    for entry in AuditEntry.objects.filter(pk__gte=victim.pk).order_by("id"):
        entry.prev_hash = previous
        forged = hashlib.sha256(entry.canonical()).hexdigest()  # no key: the best the attacker has
        raw_sql(
            "UPDATE audit_auditentry SET prev_hash = %s, entry_hash = %s WHERE id = %s",
            [previous, forged, entry.pk],
        )
        previous = forged
    result = verify_chain()
    assert not result.ok and result.broken_id == victim.pk
    # Declaring the forged entries unkeyed (the pre-key format) does not help either.
    raw_sql("UPDATE audit_auditentry SET key_id = '' WHERE id >= %s", [victim.pk])
    result = verify_chain()
    assert not result.ok and result.broken_id == victim.pk and "unkeyed" in result.reason


def test_the_hash_is_keyed_by_a_key_outside_the_database():
    from tongyou.privacy.keys import keyring

    (entry,) = entries(1)
    assert entry.key_id == keyring().audit_key_id
    assert entry.compute_hash(b"another key" * 4) != entry.entry_hash


@pytest.fixture
def anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    return tmp_path / "anchors.jsonl"


def test_truncating_the_tail_is_caught_by_the_anchor(anchor_file):
    from tongyou.audit.anchors import anchor

    entries(5)
    body = anchor()
    entries(2)
    assert verify_chain().ok
    # Remove everything from the anchored entry on: the rest still chains perfectly.
    raw_sql("DELETE FROM audit_auditentry WHERE id >= %s", [body["id"]])
    result = verify_chain()
    assert not result.ok and result.broken_id == body["id"] and "removed" in result.reason
    with pytest.raises(CommandError, match="removed"):
        call_command("verify_audit")


def test_a_rewritten_anchored_entry_is_caught_even_with_the_key(anchor_file):
    from tongyou.audit.anchors import anchor
    from tongyou.privacy.keys import keyring

    entries(3)
    body = anchor()
    # An insider with the key rewrites the anchored entry and re-chains it properly.
    target = AuditEntry.objects.get(pk=body["id"])
    target.object_id = "rewritten"
    new_hash = target.compute_hash(keyring().audit_key)
    raw_sql(
        "UPDATE audit_auditentry SET object_id = %s, entry_hash = %s WHERE id = %s",
        ["rewritten", new_hash, target.pk],
    )
    for entry in AuditEntry.objects.filter(pk__gt=target.pk).order_by("id"):
        entry.prev_hash = new_hash
        new_hash = entry.compute_hash(keyring().audit_key)
        raw_sql(
            "UPDATE audit_auditentry SET prev_hash = %s, entry_hash = %s WHERE id = %s",
            [entry.prev_hash, new_hash, entry.pk],
        )
    result = verify_chain()
    assert not result.ok and result.broken_id == body["id"] and "rewritten" in result.reason


def test_an_altered_anchor_file_is_caught(anchor_file):
    import json

    from tongyou.audit.anchors import anchor

    entries(3)
    anchor()
    body = json.loads(anchor_file.read_text().splitlines()[0])
    body["id"] = 1  # point the anchor somewhere harmless
    anchor_file.write_text(json.dumps(body) + "\n")
    result = verify_chain()
    assert not result.ok and "signature" in result.reason


def test_the_worker_anchors_once_a_day(anchor_file):
    from tongyou.audit.anchors import anchor, anchor_due

    entries(1)
    assert anchor_due()
    anchor()
    assert not anchor_due()
    assert anchor_due(now=timezone.now() + datetime.timedelta(hours=25))


def test_key_ring_changes_go_into_the_chain(monkeypatch):
    import base64
    import json
    import os

    from tongyou.audit.services import note_keyring
    from tongyou.privacy.keys import reset_keyring_cache

    assert note_keyring() and not note_keyring()  # recorded once, then only on change
    document = json.loads(os.environ["TONGYOU_KEYS"])
    document["keys"]["k-new"] = {"alg": "aes-256-gcm", "key": base64.b64encode(b"N" * 32).decode()}
    document["active"] = "k-new"
    monkeypatch.setenv("TONGYOU_KEYS", json.dumps(document))
    reset_keyring_cache()
    assert note_keyring()
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.KEYS).first()
    assert entry.details["active"] == "k-new"
    material = base64.b64encode(b"N" * 32).decode()
    assert material not in json.dumps(entry.details)
