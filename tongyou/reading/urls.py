from django.urls import path

from . import views

app_name = "reading"
urlpatterns = [
    path("", views.coverage_page, name="coverage"),
    path("unreached/", views.unreached_page, name="unreached"),
    path("find/", views.find_page, name="find"),
    path("entitlements/<int:pk>/deliver/", views.deliver, name="deliver"),
    path("entitlements/<int:pk>/not-delivered/", views.not_delivered, name="not_delivered"),
    path("entitlements/<int:pk>/left/", views.left_district, name="left_district"),
    path("departures/<int:pk>/back/", views.came_back, name="came_back"),
    path("points/", views.points_page, name="points"),
    path("points/new/", views.point_new, name="point_new"),
    path("points/<int:pk>/receive/", views.receive, name="receive"),
    path("points/<int:pk>/loans/", views.loans_page, name="loans"),
    path("points/<int:pk>/lend/", views.lend, name="lend"),
    path("loans/<int:pk>/return/", views.loan_return, name="loan_return"),
    path("surveys/", views.surveys_page, name="surveys"),
    path("deliveries/<int:pk>/survey/", views.survey, name="survey"),
    path("milestones/", views.milestones_page, name="milestones"),
    path("milestones/new/", views.milestone_new, name="milestone_new"),
]
