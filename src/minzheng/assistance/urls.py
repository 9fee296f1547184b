from __future__ import annotations

from django.urls import path

from minzheng.assistance import views

app_name = "assistance"
urlpatterns = [
    path("parameters/", views.parameter_list, name="parameter_list"),
    path("parameters/propose/", views.parameter_propose, name="parameter_propose"),
    path("parameters/<int:parameter_id>/", views.parameter_preview, name="parameter_preview"),
    path(
        "parameters/<int:parameter_id>/export/",
        views.parameter_preview_export,
        name="parameter_preview_export",
    ),
    path(
        "parameters/<int:parameter_id>/confirm/",
        views.parameter_confirm,
        name="parameter_confirm",
    ),
    path(
        "parameters/<int:parameter_id>/withdraw/",
        views.parameter_withdraw,
        name="parameter_withdraw",
    ),
    path(
        "households/<int:household_id>/decision/",
        views.household_decision,
        name="household_decision",
    ),
]
