from django.urls import path

from . import optin_views, public_views, views

app_name = "alerts"
urlpatterns = [
    path("", public_views.public_list, name="public_list"),
    path("a/<str:reference>/", public_views.public_detail, name="public_detail"),
    path("a/<str:reference>/photo", public_views.public_photo, name="public_photo"),
    path("app/", public_views.app, name="app"),
    path("app/manifest.webmanifest", public_views.app_manifest, name="app_manifest"),
    path("opt-in/", optin_views.opt_in, name="opt_in"),
    path("opt-out/<str:token>/", optin_views.opt_out, name="opt_out"),
    path("sw.js", optin_views.service_worker, name="service_worker"),
    path("cap/feed.atom", public_views.cap_feed, name="cap_feed"),
    path("cap/<str:identifier>.xml", public_views.cap_message, name="cap_message"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/act/", views.case_act, name="case_act"),
    path("sightings/<int:pk>/review/", views.sighting_review, name="sighting_review"),
    path("sightings/<int:pk>/photo", views.sighting_photo, name="sighting_photo"),
    path("partners/", views.partner_list, name="partners"),
    path("partners/<int:pk>/decide/", views.partner_decide, name="partner_decide"),
    path("venues/", views.venue_list, name="venues"),
    path("venues/<int:pk>/code-adam/", views.code_adam_trigger, name="code_adam_trigger"),
    path("code-adam/<int:pk>/", views.code_adam, name="code_adam"),
]
