from django.urls import path

from minzheng.verification import views

app_name = "verification"
urlpatterns = [
    path("feeds/", views.feed_list, name="feed_list"),
    path("feeds/<int:batch_id>/", views.feed_detail, name="feed_detail"),
    path("applications/<int:application_id>/", views.application_checks, name="application_checks"),
    path(
        "applications/<int:application_id>/verify/",
        views.application_verify,
        name="application_verify",
    ),
    path("checks/", views.batch_results, name="batch_results"),
    path("checks/<int:check_id>/", views.check_detail, name="check_detail"),
    path("checks/<int:check_id>/report.pdf", views.check_report, name="check_report"),
]
