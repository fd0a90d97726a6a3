from django.urls import path

from . import views

app_name = "welfare"
urlpatterns = [
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/<int:child_pk>/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/act/", views.application_act, name="application_act"),
]
