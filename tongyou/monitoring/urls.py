from django.urls import path

from . import dashboard_views, views

app_name = "monitoring"
urlpatterns = [
    path("plan/", views.plan, name="plan"),
    path("plan/tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("plan/revise/", views.plan_revise, name="plan_revise"),
    path("plan/adopt/", views.plan_adopt, name="plan_adopt"),
    path("reports/rounds/<int:pk>/summary/", views.round_summary, name="round_summary"),
    path("reports/", views.my_reports, name="my_reports"),
    path("reports/rounds/", views.round_open, name="round_open"),
    path("reports/<int:round_pk>/tasks/<int:task_pk>/", views.report_open, name="report_open"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/evidence/", views.report_evidence, name="report_evidence"),
    path("reports/<int:pk>/values/", views.report_value, name="report_value"),
    path("reports/<int:pk>/values/template.xlsx", views.values_template, name="values_template"),
    path("reports/<int:pk>/values/import/", views.values_import, name="values_import"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("indicators/<str:code>/", dashboard_views.indicator_detail, name="indicator"),
    path("dashboard/compute/", dashboard_views.compute_now, name="compute"),
    path("values/dataValueSets.json", dashboard_views.export_dhis2, name="export_dhis2"),
    path("values/metadata.json", dashboard_views.export_dhis2_metadata, name="export_dhis2_metadata"),
    path("values/export.<str:fmt>", dashboard_views.export_table, name="export_table"),
    path("annual/<int:pk>.<str:fmt>", dashboard_views.annual, name="annual"),
    path("column/", dashboard_views.public_column, name="public_column"),
    path("column/news/<int:pk>/", dashboard_views.news_detail, name="news_detail"),
    path("column/news/new/", dashboard_views.news_new, name="news_new"),
]
