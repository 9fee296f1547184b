from django.urls import path

from minzheng.institutions import views

app_name = "institutions"
urlpatterns = [
    path("", views.institution_list, name="list"),
    path("new/", views.institution_new, name="new"),
    path("<int:institution_id>/", views.institution_detail, name="detail"),
    path("residents/", views.resident_list, name="residents"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("insurance/", views.insurance, name="insurance"),
    path("indicators/", views.indicators, name="indicators"),
]
