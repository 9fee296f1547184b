from django.urls import path

from minzheng.civil import views

app_name = "civil"
urlpatterns = [
    path("marriage/", views.registrations, name="registrations"),
    path("marriage/<int:registration_id>/", views.registration_action, name="registration_action"),
    path("marriage/<int:registration_id>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("appointments/", views.appointments, name="appointments"),
    path("divorces/", views.divorces, name="divorces"),
    path("divorces/<int:application_id>/", views.divorce_action, name="divorce_action"),
    path("funeral/", views.funeral_page, name="funeral"),
    path("qingming/", views.qingming, name="qingming"),
    path("joint/", views.joint_cases, name="joint_cases"),
    path("joint/<int:case_id>/", views.joint_case, name="joint_case"),
    path("statistics/", views.statistics, name="statistics"),
    path("place-names/", views.place_names, name="place_names"),
    path("addresses/", views.addresses, name="addresses"),
]
