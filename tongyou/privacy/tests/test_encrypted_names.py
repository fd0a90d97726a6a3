"""Names are encrypted at rest; blind indexes find a whole name or its pinyin and give nothing
back; the migration encrypts names written before."""

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tongyou.accounts.roles import Role
from tongyou.datahub.models import Child, Guardian
from tongyou.privacy.names import name_index, pinyin_index, pinyin_key
from tongyou.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def stored(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (test names)
        return cursor.fetchone()[0]


def test_names_are_ciphertext_in_the_database(region):
    child = ChildFactory(residence_region=region("150104001001001"), name="王小明")
    guardian = Guardian.objects.create(child=child, name="李秀英", relationship="51")
    assert stored("datahub_child", "name", child.pk).startswith("ty1$")
    assert stored("datahub_guardian", "name", guardian.pk).startswith("ty1$")
    assert Child.objects.get(pk=child.pk).name == "王小明"


def test_search_finds_a_whole_name_or_its_pinyin_but_not_a_fragment(client_for, region):
    child = ChildFactory(residence_region=region("150104001001001"), name="王小明")
    c = client_for(Role.CASEWORKER)

    def found(q):
        return [r["child"].pk for r in c.post("/datahub/children/", {"q": q}, follow=True).context["rows"]]

    assert found("王小明") == [child.pk]
    assert found("王晓明") == [child.pk]  # same sound, another character
    assert found("wangxiaoming") == [child.pk]
    assert found("Wang Xiaoming") == [child.pk]
    assert found("小明") == []  # a fragment: the encrypted name cannot be scanned


def test_the_pinyin_index_does_not_give_the_pinyin_back():
    index = pinyin_index("王小明")
    assert pinyin_key("王小明") == "wangxiaoming"
    assert "wang" not in index and len(index) == 64
    assert index != name_index("王小明")  # purposes keep the indexes apart


def test_the_migration_encrypts_names_written_in_plaintext(region):
    child = ChildFactory(residence_region=region("150104001001001"), name="placeholder")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE datahub_child SET name = %s, name_index = '', name_pinyin_index = '' WHERE id = %s",
            ["赵小红", child.pk],
        )
    loader = MigrationLoader(connection)
    migration = loader.get_migration("datahub", "0011_encrypted_names")
    state = loader.project_state(("datahub", "0010_import_sheets_and_claims"))
    for operation in migration.operations[:4]:  # up to the plain-text column
        operation.state_forwards("datahub", state)
    encrypt_children = migration.operations[4]
    encrypt_children.code(state.apps, None)
    assert stored("datahub_child", "name", child.pk).startswith("ty1$")
    again = Child.objects.get(pk=child.pk)
    assert again.name == "赵小红" and again.name_index == name_index("赵小红")
    assert again.name_pinyin_index == pinyin_index("赵小红")
    encrypt_children.code(state.apps, None)  # run twice: already-encrypted values are left alone
    assert Child.objects.get(pk=child.pk).name == "赵小红"
