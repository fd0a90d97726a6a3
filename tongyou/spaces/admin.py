from django.contrib import admin

from .models import Designation, Facility, Population


class DesignationInline(admin.TabularInline):
    model = Designation
    extra = 0


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "capacity"]
    list_filter = ["kind"]
    inlines = [DesignationInline]


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "population", "source"]
