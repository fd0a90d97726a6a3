"""The holiday notice is entered by an administrator in the admin site, checked as it is saved."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record

from .models import HolidayNotice
from .workdays import parse_days


class HolidayNoticeForm(forms.ModelForm):
    class Meta:
        model = HolidayNotice
        fields = ["year", "holidays", "working_weekends", "source"]

    def _days(self, field: str) -> Any:
        try:
            days = parse_days(self.cleaned_data.get(field, ""))
        except ValueError as exc:
            raise forms.ValidationError(
                _("'%(line)s' is not a date or a range of dates (2027-02-06~2027-02-13).") % {"line": exc}
            ) from None
        year = self.cleaned_data.get("year")
        if year and any(day.year != year for day in days):
            raise forms.ValidationError(_("Every date must lie in %(year)s.") % {"year": year})
        return self.cleaned_data[field]

    def clean_holidays(self) -> Any:
        return self._days("holidays")

    def clean_working_weekends(self) -> Any:
        return self._days("working_weekends")


@admin.register(HolidayNotice)
class HolidayNoticeAdmin(admin.ModelAdmin):
    form = HolidayNoticeForm
    list_display = ["year", "source", "entered_by", "entered_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: Any) -> None:
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
        record(AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE, request=request, obj=obj)
