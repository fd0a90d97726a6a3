from django.contrib import admin

from .models import Plan, PlanArea, PlanTask


class PlanTaskInline(admin.TabularInline):
    model = PlanTask
    fields = ["number", "title", "lead_units_text", "participating_units_text"]
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "title"]


@admin.register(PlanArea)
class PlanAreaAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "title"]
    inlines = [PlanTaskInline]


@admin.register(PlanTask)
class PlanTaskAdmin(admin.ModelAdmin):
    list_display = ["__str__", "lead_units_text", "participating_units_text"]
    list_filter = ["area"]
    filter_horizontal = ["lead_units", "participating_units"]
