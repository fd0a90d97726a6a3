from django.urls import path

from . import run_views, views

app_name = "welfare"
urlpatterns = [
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/<int:child_pk>/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/act/", views.application_act, name="application_act"),
    path("payments/", run_views.runs, name="runs"),
    path("payments/<int:pk>/", run_views.run_detail, name="run_detail"),
    path("payments/<int:pk>/pay/", run_views.run_pay, name="run_pay"),
    path("payments/<int:pk>/list.xlsx", run_views.run_file, name="run_file"),
]
