"""The admin site opens to the system and security administrators only, as approved: the is_staff
flag alone (a database edit could set it) lets nobody in."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.http import HttpRequest

from .roles import ADMIN_SITE_ROLES


class TongyouAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> Any:
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and getattr(user, "role", None) in ADMIN_SITE_ROLES
            and getattr(user, "access_approved", False)
        )


class AdminConfig(DjangoAdminConfig):
    default_site = "tongyou.accounts.admin_site.TongyouAdminSite"
