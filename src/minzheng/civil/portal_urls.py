from __future__ import annotations

from django.urls import path

from minzheng.civil import portal

app_name = "civil_portal"
urlpatterns = [
    path("", portal.home, name="home"),
    path("marriage/", portal.marriage_booking, name="marriage"),
    path("marriage/<str:token>/", portal.appointment, name="appointment"),
    path("qingming/", portal.qingming, name="qingming"),
    path("qingming/<str:token>/", portal.admission_pass, name="pass"),
    path("memorial/", portal.memorial, name="memorial"),
    path("after-death/<str:token>/", portal.after_death, name="after_death"),
]
