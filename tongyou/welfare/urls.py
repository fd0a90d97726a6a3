from django.urls import path

from . import harm_views, ledger_views, run_views, views

app_name = "welfare"
urlpatterns = [
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/<int:child_pk>/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/act/", views.application_act, name="application_act"),
    path("applications/<int:pk>/details/", views.application_details, name="application_details"),
    path("payee-changes/<int:pk>/decide/", views.payee_change_decide, name="payee_change_decide"),
    path("notice/", views.public_notice, name="public_notice"),
    path("applications/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("visits/", ledger_views.visit_schedule, name="visit_schedule"),
    path("harm/<int:pk>/link/", harm_views.report_link, name="report_link"),
    path("payments/<int:pk>/bank.csv", run_views.bank_file, name="bank_file"),
    path("payments/<int:pk>/approve/", run_views.run_approve, name="run_approve"),
    path("payments/<int:pk>/returns/", run_views.run_returns, name="run_returns"),
    path("payments/<int:pk>/spot-check/", run_views.spot_check_draw, name="spot_check_draw"),
    path("spot-checks/", run_views.spot_check_items, name="spot_check_items"),
    path("spot-checks/<int:pk>/", run_views.spot_check_detail, name="spot_check_detail"),
    path("spot-checks/items/<int:pk>/", run_views.spot_check_item, name="spot_check_item"),
    path("ledger/", ledger_views.dashboard, name="ledger"),
    path("ledger.xlsx", ledger_views.ledger_xlsx, name="ledger_xlsx"),
    path("ledger-quarter.xlsx", ledger_views.ledger_quarter_xlsx, name="ledger_quarter_xlsx"),
    path("visits/new/<int:child_pk>/", ledger_views.visit_new, name="visit_new"),
    path("harm/", harm_views.report_list, name="report_list"),
    path("harm/new/", harm_views.report_staff_new, name="report_staff_new"),
    path("harm/<int:pk>/", harm_views.report_detail, name="report_detail"),
    path("harm/<int:pk>/step/", harm_views.report_step, name="report_step"),
    path("payments/", run_views.runs, name="runs"),
    path("payments/<int:pk>/", run_views.run_detail, name="run_detail"),
    path("payments/<int:pk>/pay/", run_views.run_pay, name="run_pay"),
    path("payments/<int:pk>/list.xlsx", run_views.run_file, name="run_file"),
]
