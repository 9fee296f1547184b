from django.urls import path

from minzheng.payments import views

app_name = "payments"
urlpatterns = [
    path("rolls/", views.roll_list, name="roll_list"),
    path("rolls/<int:roll_id>/approve/", views.roll_approve, name="roll_approve"),
    path("reports/", views.reports, name="reports"),
    path("history/<int:person_id>/", views.payee_history, name="payee_history"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path("price-indices/", views.price_indices, name="price_indices"),
]
