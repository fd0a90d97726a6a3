from django.contrib import admin

from .models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "name_is_official", "location_is_approximate"]
    list_filter = ["level", "kind", "name_is_official"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]
