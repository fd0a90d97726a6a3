from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "unit", "jurisdiction", "is_active"]
    list_filter = ["role", "is_active", "unit"]
    autocomplete_fields = ["unit", "jurisdiction"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Role and jurisdiction"), {"fields": ["role", "unit", "jurisdiction", "phone"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("Role and jurisdiction"), {"fields": ["role", "unit", "jurisdiction"]}),
    ]
