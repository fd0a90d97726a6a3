"""The admin site, split by duty (accounts/access.py): the system administrator keeps accounts and
units, the security administrator gives and approves roles, jurisdictions and units."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import access
from .models import Unit, User
from .roles import Role


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


class PasswordSetByAdministratorForm(AdminPasswordChangeForm):
    def save(self, commit: bool = True) -> Any:
        access.suspend_for_password_reset(self.user)
        user = super().save(commit=commit)
        access.password_reset_done(user)
        return user


def _is(request: HttpRequest, role: str) -> bool:
    user = request.user  # the admin site serves staff only
    return getattr(user, "role", "") == role and bool(getattr(user, "access_approved", False))


ACCOUNT_FIELDS = ["username", "first_name", "last_name", "email", "phone", "is_active", "supervisor"]
GRANT_FIELDS = ["role", "unit", "jurisdiction"]
APPROVAL_FIELDS = ["approval_state", "access_approved_by", "access_approved_at", "last_login", "date_joined"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "unit", "jurisdiction", "approval_state"]
    list_filter = ["role", "is_active", "unit"]
    autocomplete_fields = ["unit", "jurisdiction"]
    change_password_form = PasswordSetByAdministratorForm
    actions = ["approve_access"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (gettext_lazy("Person"), {"fields": ["first_name", "last_name", "email", "phone"]}),
        (gettext_lazy("Account"), {"fields": ["is_active", "supervisor"]}),
        (gettext_lazy("Role and jurisdiction"), {"fields": tuple(GRANT_FIELDS)}),
        (gettext_lazy("Approval"), {"fields": tuple(APPROVAL_FIELDS)}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "usable_password", "password1", "password2"]}),
        (gettext_lazy("Person"), {"fields": ["first_name", "last_name", "email", "phone"]}),
    ]

    @admin.display(description=gettext_lazy("access"))
    def approval_state(self, obj: Any) -> Any:
        if not obj.role:
            return _("No role yet")
        return _("Approved") if obj.access_approved else _("Waiting for the security administrator")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        approval = list(APPROVAL_FIELDS)
        if _is(request, Role.SECURITY_ADMIN):
            # Grants, never credentials; and never their own grant.
            grant = GRANT_FIELDS if obj is not None and obj.pk == request.user.pk else []
            return [*ACCOUNT_FIELDS, "password", *grant, *approval]
        return [*GRANT_FIELDS, *approval]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        return self.fieldsets

    def has_approve_permission(self, request: HttpRequest) -> Any:
        return _is(request, Role.SECURITY_ADMIN)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are deactivated, never deleted: the audit log names them

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: Any) -> None:
        super().save_model(request, obj, form, change)
        if _is(request, Role.SECURITY_ADMIN) and obj.pk != request.user.pk and obj.role:
            # The security administrator saving a grant is their approval of it.
            access.approve(obj, cast("User", request.user))

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # Passwords are the system administrator's; nobody sets another administrator's role this way.
        if not _is(request, Role.ADMIN):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.action(
        description=gettext_lazy("Approve the selected accounts' role and jurisdiction"),
        permissions=["approve"],
    )
    def approve_access(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        approved = 0
        for user in queryset.exclude(pk=request.user.pk).exclude(role=""):
            if not user.access_approved:
                access.approve(user, cast("User", request.user))
                approved += 1
        if queryset.filter(pk=request.user.pk).exists():
            messages.warning(request, _("Your own account was left out: nobody approves themselves."))
        messages.success(request, _("%(count)d accounts approved.") % {"count": approved})


# django-otp's own admin shows each device's secret key and QR code: whoever reads it can make the
# user's codes. Import it first (so autodiscovery does not register it again), then replace it with
# one that lists devices and deletes a lost one, and shows no secret.
import django_otp.plugins.otp_totp.admin  # noqa: E402, F401
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class SecondFactorAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "last_used_at"]
    fields = ["user", "name", "confirmed", "last_used_at"]
    readonly_fields = ("user", "name", "confirmed", "last_used_at")
    search_fields = ["user__username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a device is enrolled by its owner, whose phone alone holds the key

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
