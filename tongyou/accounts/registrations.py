from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import NavItem, registry

from .demo import DEMO_PASSWORD, create_demo_accounts
from .services import load_units


def demo_accounts(options: Any) -> str:
    accounts = create_demo_accounts()
    lines = [f"password for all: {DEMO_PASSWORD}"]
    lines += [f"  {username:<12} {role} — {region}" for username, role, region in accounts]
    return "\n".join(lines)


registry.menu(
    NavItem(
        "accounts.admin",
        _("Administration"),
        "admin:index",
        group="system",
        order=200,
        visible=lambda u: u.is_staff,
    )
)
registry.reference_data("accounts.units", load_units, order=20, description="Units")
registry.demo_data("accounts.demo", demo_accounts, order=95, description="Demo accounts")
