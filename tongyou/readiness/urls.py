from django.urls import path

from . import views

app_name = "readiness"
urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("screenings/", views.screenings_page, name="screenings"),
    path("children/<int:pk>/", views.child_page, name="child"),
    path("children/<int:pk>/screen/", views.screen, name="screen"),
    path("follow-ups/<int:pk>/", views.follow_up, name="follow_up"),
    path("places/", views.places_page, name="places"),
    path("places/<int:pk>/plan/", views.plan_save, name="plan"),
    path("places/<int:pk>/drill/", views.drill_new, name="drill"),
    path("supplies/", views.supplies_page, name="supplies"),
    path("supplies/move/", views.supply_move, name="supply_move"),
    path("supplies/norm/", views.norm_save, name="norm"),
]
