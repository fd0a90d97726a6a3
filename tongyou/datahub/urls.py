from django.urls import path

from . import views

app_name = "datahub"
urlpatterns = [
    path("children/", views.child_list, name="child_list"),
    path("children/export.xlsx", views.child_export, name="child_export"),
    path("children/<int:pk>/", views.child_detail, name="child_detail"),
    path("children/<int:pk>/reveal/", views.child_reveal, name="child_reveal"),
    path("statistics/", views.statistics, name="statistics"),
]
