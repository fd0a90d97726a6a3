"""Children's and guardians' names encrypted at rest, with blind indexes for exact and pinyin
search (the plaintext pinyin column goes: a stored pinyin reads back into the name)."""

from django.db import migrations, models

import tongyou.privacy.fields
from tongyou.privacy.migration_ops import encrypt_column


def child_indexes(child):
    from tongyou.privacy.names import name_index, pinyin_index

    child.name_index, child.name_pinyin_index = name_index(child.name), pinyin_index(child.name)
    return ("name_index", "name_pinyin_index")


class Migration(migrations.Migration):
    dependencies = [("datahub", "0010_import_sheets_and_claims")]

    operations = [
        migrations.AddField(
            model_name="child",
            name="name_index",
            field=models.CharField(
                blank=True, db_index=True, editable=False, max_length=64, verbose_name="name blind index"
            ),
        ),
        migrations.AddField(
            model_name="child",
            name="name_pinyin_index",
            field=models.CharField(
                blank=True, db_index=True, editable=False, max_length=64, verbose_name="name pinyin blind index"
            ),
        ),
        migrations.AlterField(model_name="child", name="name", field=models.TextField(verbose_name="name")),
        migrations.AlterField(model_name="guardian", name="name", field=models.TextField(verbose_name="name")),
        encrypt_column("datahub", "Child", ("name",), derive=child_indexes),
        encrypt_column("datahub", "Guardian", ("name",)),
        migrations.RemoveField(model_name="child", name="name_pinyin"),
        migrations.AlterField(
            model_name="child",
            name="name",
            field=tongyou.privacy.fields.EncryptedTextField(max_length=50, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="guardian",
            name="name",
            field=tongyou.privacy.fields.EncryptedTextField(max_length=50, verbose_name="name"),
        ),
    ]
