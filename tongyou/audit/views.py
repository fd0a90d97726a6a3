from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from tongyou.core.requests import AuthenticatedRequest
from tongyou.core.scoping import require

from . import presenting
from .models import AuditEntry
from .services import record, verify_chain


@login_required
def log(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "audit.view_auditentry")
    entries = AuditEntry.objects.all()
    if action := request.GET.get("action"):
        entries = entries.filter(action=action)
    if username := request.GET.get("user"):
        entries = entries.filter(actor_username=username)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": e,
            "object": presenting.object_label(e.object_type),
            "details": presenting.describe(e.details),
        }
        for e in page
    ]
    verification = verify_chain() if request.GET.get("verify") else None
    # The audit administrator's own reading is audited too (等保 8.1.5 审计管理).
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="audit.AuditEntry",
        details={"page": page.number, "verified": verification.ok if verification else None},
    )
    return render(
        request,
        "audit/log.html",
        {"page": page, "rows": rows, "actions": AuditEntry.Action.choices, "verification": verification},
    )
