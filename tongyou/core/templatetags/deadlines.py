"""{{ due|deadline }}: a date, marked provisional when no holiday calendar covers its year yet."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _

from tongyou.core.workdays import provisional_deadline

register = template.Library()


@register.filter
def deadline(due: dt.date) -> str:
    if not due:
        return "—"
    text = f"{due:%Y-%m-%d}"
    if provisional_deadline(None, due):
        note = _("provisional: the holiday calendar for the year is not entered yet")
        return f"{text}（{note}）"
    return text
