from __future__ import annotations

from django.urls import path

from minzheng.linkage import views

app_name = "linkage"
urlpatterns = [
    path("candidates/", views.queue, name="queue"),
    path("candidates/run/", views.run, name="run"),
    path("candidates/<int:pair_id>/", views.pair_detail, name="pair_detail"),
    path("candidates/<int:pair_id>/decide/", views.decide, name="decide"),
    path("candidates/<int:pair_id>/merge/", views.merge, name="merge"),
    path("records/<int:record_id>/split/", views.split, name="split"),
    path("actions/<int:action_id>/undo/", views.undo, name="undo"),
    path("persons/<int:person_id>/profile/", views.profile, name="profile"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("conflicts/export/", views.conflicts_export, name="conflicts_export"),
    path("roster/", views.roster_import, name="roster_import"),
    path("roster/<int:import_id>/", views.roster_report, name="roster_report"),
    path("roster/<int:import_id>/download/", views.roster_report_download, name="roster_download"),
]
