import base64
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from tongyou.datahub.models import Child
from tongyou.privacy import crypto
from tongyou.privacy.keys import keyring, parse_keyring, reset_keyring_cache
from tongyou.privacy.services import rotate_all
from tongyou.tests.factories import ChildFactory, GuardianFactory, search_page

ID = "150104201503021239"


def raw_column(model, column, pk):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("key_id", ["test-aes", "test-sm4"])
def test_round_trip_under_each_algorithm(key_id):
    key = keyring().get(key_id)
    sealed = crypto.encrypt("150104********123X", "ctx", key=key)
    assert sealed.startswith(f"ty1${key_id}$")
    assert crypto.decrypt(sealed, "ctx") == "150104********123X"


def test_same_plaintext_encrypts_differently_each_time():
    assert crypto.encrypt(ID) != crypto.encrypt(ID)


def test_tampered_ciphertext_is_refused():
    sealed = crypto.encrypt(ID, "ctx")
    prefix, key_id, body = sealed.split("$")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError, match="failed authentication"):
        crypto.decrypt(f"{prefix}${key_id}${base64.b64encode(bytes(raw)).decode()}", "ctx")


def test_value_moved_to_another_column_does_not_decrypt():
    sealed = crypto.encrypt(ID, "datahub.child.id_number")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, "datahub.guardian.phone")


def test_unknown_key_id_is_named():
    with pytest.raises(ImproperlyConfigured, match="'gone'"):
        crypto.decrypt("ty1$gone$AAAA", "ctx")


def test_key_of_wrong_size_is_refused():
    bad = {
        "active": "k",
        "keys": {"k": {"alg": "aes-256-gcm", "key": base64.b64encode(b"x" * 16).decode()}},
        "blind_index_key": base64.b64encode(b"b" * 32).decode(),
    }
    with pytest.raises(ImproperlyConfigured, match="32 bytes"):
        parse_keyring(json.dumps(bad))


@pytest.mark.django_db
def test_id_number_and_phone_are_ciphertext_in_the_database():
    guardian = GuardianFactory(phone="13812345678", child__id_number=ID)
    raw_id = raw_column(Child, "id_number", guardian.child.pk)
    raw_phone = raw_column(type(guardian), "phone", guardian.pk)
    assert raw_id.startswith("ty1$test-aes$") and ID not in raw_id
    assert raw_phone.startswith("ty1$") and "13812345678" not in raw_phone
    assert Child.objects.get(pk=guardian.child.pk).id_number == ID


@pytest.mark.django_db
def test_encrypted_field_cannot_be_searched_directly():
    with pytest.raises(TypeError, match="blind index"):
        Child.objects.filter(id_number=ID).exists()


@pytest.mark.django_db
def test_blind_index_finds_a_child_by_id_number_without_decrypting(client_for):
    from tongyou.accounts.roles import Role
    from tongyou.regions.models import Region

    child = ChildFactory(
        residence_region=Region.objects.get(code="150104001001001"), id_number="15010420150302101X"
    )
    c = client_for(Role.CASEWORKER)
    found = search_page(c, q="15010420150302101x").context["rows"]
    assert [r["child"].pk for r in found] == [child.pk]


@pytest.mark.django_db
def test_rotation_re_encrypts_under_the_new_key(monkeypatch):
    guardian = GuardianFactory(phone="13900001111", child__id_number=ID)
    ring = json.loads(__import__("os").environ["TONGYOU_KEYS"])
    ring["active"] = "test-sm4"
    monkeypatch.setenv("TONGYOU_KEYS", json.dumps(ring))
    reset_keyring_cache()

    report = rotate_all()

    assert report["datahub.Child.id_number"] == 1
    assert report["datahub.Guardian.phone"] == 1
    assert raw_column(Child, "id_number", guardian.child.pk).startswith("ty1$test-sm4$")
    assert Child.objects.get(pk=guardian.child.pk).id_number == ID
    assert rotate_all()["datahub.Child.id_number"] == 0  # nothing left under the old key
