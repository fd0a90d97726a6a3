from django.urls import path

from . import views

app_name = "intervention"
urlpatterns = [
    path("", views.cases_page, name="cases"),
    path("open/", views.open_page, name="open"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("cases/<int:pk>/measure/", views.measure, name="measure"),
    path("cases/<int:pk>/refer/", views.referral_new, name="refer"),
    path("referrals/<int:pk>/", views.referral_update, name="referral"),
    path("cases/<int:pk>/review/", views.review, name="review"),
    path("cases/<int:pk>/close/", views.close, name="close"),
    path("sealed/", views.sealed_page, name="sealed"),
    path("summary/", views.summary_page, name="summary"),
]
