from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import NavItem, registry
from tongyou.core.scoping import can

from . import anchors
from .services import note_keyring


def anchor_if_due() -> int:
    return 1 if anchors.anchor_due() and anchors.anchor() else 0


registry.menu(
    NavItem(
        "audit.log",
        _("Audit log"),
        "audit:log",
        group="system",
        visible=lambda u: can(u, "audit.view_auditentry"),
    )
)
# A key ring changed on disk shows in the audit chain; the chain's head is signed daily.
registry.job("audit.keyring", note_keyring, every=30, description="note a changed key ring")
registry.job("audit.anchor", anchor_if_due, every=30, description="sign the chain's head when due")
