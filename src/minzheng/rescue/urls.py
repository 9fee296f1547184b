from django.urls import path

from minzheng.rescue import views

app_name = "rescue"
urlpatterns = [
    path("", views.stay_list, name="stay_list"),
    path("new/", views.stay_new, name="stay_new"),
    path("stays/<int:stay_id>/", views.stay_detail, name="stay_detail"),
    path("stations/", views.stations, name="stations"),
    path("statistics/", views.statistics, name="statistics"),
]
