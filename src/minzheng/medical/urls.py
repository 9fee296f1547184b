from django.urls import path

from minzheng.medical import views

app_name = "medical"
urlpatterns = [
    path("settlements/", views.settlement_list, name="settlement_list"),
    path("settlements/<int:settlement_id>/", views.settlement_detail, name="settlement_detail"),
    path("hospitals/", views.hospitals, name="hospitals"),
    path("hospitals/<int:hospital_id>/daily/", views.hospital_daily, name="hospital_daily"),
    path("statements/", views.statements, name="statements"),
    path(
        "hospitals/<int:hospital_id>/statements/confirm/",
        views.statement_confirm,
        name="statement_confirm",
    ),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path(
        "reconciliation/<int:reconciliation_id>/",
        views.reconciliation_detail,
        name="reconciliation_detail",
    ),
]
