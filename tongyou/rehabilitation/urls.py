from django.urls import path

from . import views

app_name = "rehabilitation"
urlpatterns = [
    path("", views.register_page, name="register"),
    path("registrations/<int:pk>/", views.registration_page, name="registration"),
    path("registrations/<int:pk>/assess/", views.assess, name="assess"),
    path("registrations/<int:pk>/apply/", views.apply, name="apply"),
    path("refer/", views.refer_page, name="refer"),
    path("applications/", views.applications_page, name="applications"),
    path("applications/<int:pk>/", views.application_page, name="application"),
    path("applications/<int:pk>/act/", views.act, name="act"),
    path("applications/<int:pk>/months/", views.month_new, name="month_new"),
    path("months/<int:pk>/settle/", views.settle, name="settle"),
    path("institutions/", views.institutions_page, name="institutions"),
    path("institutions/save/", views.institution_save, name="institution_save"),
    path("standards/", views.standard_save, name="standard_save"),
    path("coverage/", views.coverage_page, name="coverage"),
]
