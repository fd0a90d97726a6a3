from django.urls import path

from . import child_views, council_views, public_views, reach_views, survey_views, views

app_name = "participation"
urlpatterns = [
    path("", views.process_list, name="processes"),
    path("processes/<int:pk>/", views.process_detail, name="process"),
    path("processes/<int:pk>/stage/", views.process_stage, name="process_stage"),
    path("processes/<int:pk>/switches/", views.process_switches, name="process_switches"),
    path("processes/<int:pk>/close/", views.process_close, name="process_close"),
    path("processes/<int:pk>/codes/", views.issue_code, name="issue_code"),
    path("processes/<int:pk>/proposals/", views.file_group_proposal, name="group_proposal"),
    path("processes/<int:pk>/results/", views.result_new, name="result_new"),
    path("results/<int:pk>/updates/", views.result_update, name="result_update"),
    path("reach/", reach_views.reach_page, name="reach"),
    path("moderation/", views.moderation, name="moderation"),
    path("comments/<int:pk>/moderate/", views.comment_moderate, name="comment_moderate"),
    path("replies/", views.unit_replies, name="replies"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/step/", views.proposal_step, name="proposal_step"),
    path("proposals/<int:pk>/photos/<int:photo_pk>", views.proposal_photo, name="proposal_photo"),
    path("processes/<int:pk>/surveys/", survey_views.survey_new, name="survey_new"),
    path("surveys/<int:pk>/", survey_views.survey_detail, name="survey"),
    path("councils/", council_views.council_list, name="councils"),
    path("councils/<int:pk>/", council_views.council_detail, name="council"),
    path("councils/<int:pk>/appoint/", council_views.council_appoint, name="council_appoint"),
    path("councils/<int:pk>/end-seat/", council_views.council_end_seat, name="council_end_seat"),
    path("councils/<int:pk>/sessions/", council_views.council_session, name="council_session"),
    path("councils/<int:pk>/training/", council_views.council_training, name="council_training"),
    path("members/<int:pk>/letter/", council_views.council_letter, name="council_letter"),
    # children, with a code
    path("join/", child_views.join, name="join"),
    path("mine/", child_views.mine, name="mine"),
    path("mine/file/", child_views.file, name="file"),
    path("mine/<int:pk>/withdraw/", child_views.withdraw, name="withdraw"),
    path("mine/<int:pk>/support/", child_views.support, name="support"),
    path("mine/<int:pk>/comment/", child_views.comment, name="comment"),
    path("mine/comments/<int:pk>/withdraw/", child_views.withdraw_comment, name="withdraw_comment"),
    path("mine/surveys/<int:pk>/", survey_views.survey_answer, name="survey_answer"),
    path("leave/", child_views.leave, name="leave"),
    # the public column
    path("public/", public_views.public_list, name="public"),
    path("public/<int:pk>/", public_views.public_process, name="public_process"),
    path("public/proposals/<int:pk>/photos/<int:photo_pk>", public_views.public_photo, name="public_photo"),
    path("public/proposals.geojson", public_views.proposals_geojson, name="proposals_geojson"),
    path("public/surveys/<int:pk>/", survey_views.survey_public, name="survey_public"),
]
