from django.urls import path

from . import operations, views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", operations.healthz, name="healthz"),
    path("readyz", operations.readyz, name="readyz"),
    path("metrics", operations.metrics, name="metrics"),
]
