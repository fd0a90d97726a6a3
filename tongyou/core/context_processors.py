from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import health
from .notifications import unread_count
from .scoping import can


def navigation(request):
    """The menu a user sees: only what their role may open."""
    user = request.user
    items = [(_("Home"), reverse("core:home"))]
    items.append((_("Plan"), reverse("monitoring:plan")))
    items.append((_("Progress"), reverse("monitoring:public_column")))
    items.append((_("Missing children"), reverse("alerts:public_list")))
    items.append((_("Map"), reverse("regions:map")))
    items.append((_("Child-friendly places"), reverse("spaces:map")))
    if not user.is_authenticated:
        items.append((_("Report harm to a child"), reverse("public_report")))
    if user.is_authenticated:
        if can(user, "datahub.view_child"):
            items.append((_("Children"), reverse("datahub:child_list")))
        if can(user, "welfare.view_allowanceapplication"):
            items.append((_("Allowance applications"), reverse("welfare:application_list")))
        if can(user, "welfare.view_visit"):
            items.append((_("Ledger"), reverse("welfare:ledger")))
            items.append((_("Visit schedule"), reverse("welfare:visit_schedule")))
        if can(user, "welfare.view_harmreport"):
            items.append((_("Harm reports"), reverse("welfare:report_list")))
        elif can(user, "welfare.file_harmreport"):  # a duty to report, not to handle (强制报告)
            items.append((_("Report harm (mandatory reporting)"), reverse("welfare:report_staff_new")))
        if can(user, "welfare.pay_disbursementrun"):
            items.append((_("Monthly payments"), reverse("welfare:runs")))
        if can(user, "welfare.view_spotcheckitem"):
            items.append((_("Spot checks"), reverse("welfare:spot_check_items")))
        if can(user, "alerts.view_missingchildcase"):
            items.append((_("Alert cases"), reverse("alerts:case_list")))
        if can(user, "alerts.approve_recipient"):
            items.append((_("Partner webhooks"), reverse("alerts:partners")))
        if can(user, "alerts.trigger_codeadam"):
            items.append((_("Code Adam"), reverse("alerts:venues")))
        if can(user, "datahub.view_linkreview"):
            items.append((_("Linkage review"), reverse("datahub:review_list")))
        if can(user, "datahub.import_source"):
            items.append((_("Imports"), reverse("datahub:import_home")))
        if can(user, "spaces.view_facility"):
            items.append((_("Facilities"), reverse("spaces:facilities_list")))
        if can(user, "spaces.view_finding"):
            items.append((_("Rectifications"), reverse("spaces:rectifications")))
        if can(user, "spaces.aggregate_facility"):
            items.append((_("Coverage"), reverse("spaces:coverage")))
        if can(user, "datahub.aggregate_child"):
            items.append((_("Statistics"), reverse("datahub:statistics")))
        if can(user, "monitoring.report_for_unit") or can(user, "monitoring.review_progressreport"):
            items.append((_("Progress reports"), reverse("monitoring:my_reports")))
        if can(user, "monitoring.view_indicatorvalue"):
            items.append((_("Indicators"), reverse("monitoring:dashboard")))
        if can(user, "monitoring.add_newsitem"):
            items.append((_("Publish news"), reverse("monitoring:news_new")))
        if can(user, "audit.view_auditentry"):
            items.append((_("Audit log"), reverse("audit:log")))
        if user.is_staff:
            items.append((_("Administration"), reverse("admin:index")))
    unread = unread_count(user) if user.is_authenticated else 0
    # Staff see what is down on every page (core/health.py); the public never does.
    outages = health.problems() if user.is_authenticated and getattr(user, "role", "") else []
    return {"nav_items": items, "unread_notifications": unread, "service_problems": outages}
