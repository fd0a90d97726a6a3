from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("map/", views.region_map, name="map"),
    path("boundaries.geojson", views.boundaries, name="boundaries"),
    path("locate.json", views.locate, name="locate"),
]
