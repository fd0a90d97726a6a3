"""Applicants' and account holders' names encrypted at rest."""

from django.db import migrations, models

import tongyou.privacy.fields
from tongyou.privacy.migration_ops import encrypt_column


class Migration(migrations.Migration):
    dependencies = [("welfare", "0009_payee_changes")]

    operations = [
        migrations.AlterField(
            model_name="allowanceapplication",
            name="applicant_name",
            field=models.TextField(verbose_name="applicant (guardian or relative)"),
        ),
        migrations.AlterField(
            model_name="allowanceapplication",
            name="account_holder",
            field=models.TextField(blank=True, verbose_name="account holder"),
        ),
        encrypt_column("welfare", "AllowanceApplication", ("applicant_name", "account_holder")),
        migrations.AlterField(
            model_name="allowanceapplication",
            name="applicant_name",
            field=tongyou.privacy.fields.EncryptedTextField(
                max_length=50, verbose_name="applicant (guardian or relative)"
            ),
        ),
        migrations.AlterField(
            model_name="allowanceapplication",
            name="account_holder",
            field=tongyou.privacy.fields.EncryptedTextField(blank=True, max_length=50, verbose_name="account holder"),
        ),
        migrations.AlterField(
            model_name="payeechange",
            name="account_holder",
            field=tongyou.privacy.fields.EncryptedTextField(blank=True, max_length=50, verbose_name="account holder"),
        ),
    ]
