from django.urls import path

from minzheng.inkind import views

app_name = "inkind"
urlpatterns = [
    path("", views.stock, name="stock"),
    path("distributions/", views.distribution_list, name="distribution_list"),
    path(
        "distributions/<int:distribution_id>/",
        views.distribution_detail,
        name="distribution_detail",
    ),
    path("handovers/<int:handover_id>/", views.handover, name="handover"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("vouchers/", views.vouchers, name="vouchers"),
]
