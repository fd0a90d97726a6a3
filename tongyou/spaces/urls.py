from django.urls import path

from . import population_views, views

app_name = "spaces"
urlpatterns = [
    path("", views.facility_map, name="map"),
    path("facilities.geojson", views.facilities_geojson, name="facilities"),
    path("coverage/", views.coverage_view, name="coverage"),
    path("coverage/sites/", views.suggest_sites, name="sites"),
    path("coverage/density.geojson", views.density, name="density"),
    path("facilities/", views.facility_list, name="facilities_list"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility"),
    path("facilities/<int:pk>/photos/<int:photo_pk>", views.facility_photo, name="photo"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("population/", population_views.population_list, name="population"),
    path("population/template.xlsx", population_views.population_template, name="population_template"),
    path("population/import/", population_views.population_import, name="population_import"),
]
