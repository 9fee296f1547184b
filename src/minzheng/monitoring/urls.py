from django.urls import path

from minzheng.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/<int:warning_id>/", views.warning_detail, name="warning_detail"),
]
