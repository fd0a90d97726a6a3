from django.urls import path

from . import views

app_name = "guidance"
urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("visits/", views.visits_page, name="visits"),
    path("families/<int:pk>/", views.family_page, name="family"),
    path("families/<int:pk>/visit/", views.visit_new, name="visit"),
    path("families/<int:pk>/survey/", views.survey, name="survey"),
    path("visits/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("points/", views.points_page, name="points"),
    path("points/new/", views.point_new, name="point_new"),
    path("points/<int:pk>/close/", views.point_close, name="point_close"),
]
