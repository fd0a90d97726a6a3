from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tongyou.accounts"
    verbose_name = _("Units and accounts")

    def ready(self) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from . import access
        from .models import User

        # Every account change is a hash-chained audit entry (access.py).
        pre_save.connect(access.remember, sender=User, dispatch_uid="account-remember")
        post_save.connect(access.audit_change, sender=User, dispatch_uid="account-audit")
        post_delete.connect(access.second_factor_removed, sender=TOTPDevice, dispatch_uid="otp-removed")
