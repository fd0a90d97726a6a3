from django.urls import path

from . import import_views, review_views, views

app_name = "datahub"
urlpatterns = [
    path("children/", views.child_list, name="child_list"),
    path("children/export.xlsx", views.child_export, name="child_export"),
    path("children/<int:pk>/", views.child_detail, name="child_detail"),
    path("children/<int:pk>/reveal/", views.child_reveal, name="child_reveal"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export.xlsx", views.statistics_export, name="statistics_export"),
    path("linkage/", review_views.review_list, name="review_list"),
    path("linkage/<int:pk>/", review_views.review_detail, name="review_detail"),
    path("linkage/<int:pk>/merge/", review_views.review_merge, name="review_merge"),
    path("linkage/<int:pk>/keep-apart/", review_views.review_keep_apart, name="review_keep_apart"),
    path("linkage/<int:pk>/undo/", review_views.review_undo, name="review_undo"),
    path("imports/", import_views.import_home, name="import_home"),
    path("imports/templates/<slug:code>.xlsx", import_views.import_template, name="import_template"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/commit/", import_views.import_commit, name="import_commit"),
    path("imports/<int:pk>/progress.json", import_views.import_progress, name="import_progress"),
    path("imports/<int:pk>/problems.xlsx", import_views.import_report, name="import_report"),
]
