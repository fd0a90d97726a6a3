"""The missing child's name encrypted at rest (cases and Code Adam)."""

from django.db import migrations, models

import tongyou.privacy.fields
from tongyou.privacy.migration_ops import encrypt_column


class Migration(migrations.Migration):
    dependencies = [("alerts", "0004_service_status_and_webhook_approval")]

    operations = [
        migrations.AlterField(
            model_name="missingchildcase", name="child_name", field=models.TextField(verbose_name="child's name")
        ),
        migrations.AlterField(
            model_name="codeadam",
            name="child_name",
            field=models.TextField(blank=True, verbose_name="child's name"),
        ),
        encrypt_column("alerts", "MissingChildCase", ("child_name",)),
        encrypt_column("alerts", "CodeAdam", ("child_name",)),
        migrations.AlterField(
            model_name="missingchildcase",
            name="child_name",
            field=tongyou.privacy.fields.EncryptedTextField(max_length=50, verbose_name="child's name"),
        ),
        migrations.AlterField(
            model_name="codeadam",
            name="child_name",
            field=tongyou.privacy.fields.EncryptedTextField(blank=True, max_length=50, verbose_name="child's name"),
        ),
    ]
