from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    path("people/", views.people_page, name="people"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/overview/", views.overview_page, name="overview"),
    path("people/volunteers.xlsx", views.volunteers_export, name="volunteers_export"),
    path("people/<int:pk>/", views.person_page, name="person"),
    path("people/<int:pk>/act/", views.person_action, name="person_action"),
    path("people/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("activities/", views.activities_page, name="activities"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity_page, name="activity"),
    path("activities/<int:pk>/act/", views.activity_action, name="activity_action"),
    path("organisations/", views.organisations_page, name="organisations"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
]
