from __future__ import annotations

from django.urls import path

from minzheng.applications import search_views, spot_check_views, views

app_name = "applications"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.new_application, name="new"),
    path("search/", search_views.case_search, name="search"),
    path("suggest/", views.suggest, name="suggest"),
    path("<int:application_id>/", views.detail, name="detail"),
    path("<int:application_id>/act/<str:move>/", views.act, name="act"),
    path("<int:application_id>/<str:kind>.pdf", views.document, name="document"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    path("fast-track/", views.fast_track, name="fast_track"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:task_id>/", views.review_detail, name="review_detail"),
    path("reviews/<int:task_id>/notice.pdf", views.exit_notice, name="exit_notice"),
    path("sms-outbox/", views.sms_outbox, name="sms_outbox"),
    path("spot-checks/", spot_check_views.spot_checks, name="spot_checks"),
    path(
        "spot-checks/<int:check_id>/", spot_check_views.spot_check_detail, name="spot_check_detail"
    ),
]
