"""How figures are written on every page: whole numbers without decimals and with thousands
grouped (a head count of 1,200 is "1,200", never "1200.00" or "1.2E+3"), shares and rates with at
most two decimals."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def figure(value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    if number == number.to_integral_value():
        return f"{int(number):,}"
    text = f"{number.quantize(Decimal('0.01')):,}".rstrip("0").rstrip(".")
    return text
