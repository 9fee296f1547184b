from django.urls import path

from minzheng.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("screen/", views.screen, name="screen"),
    path("report/", views.report, name="report"),
    path("indicators/", views.definitions, name="definitions"),
    path("close/", views.close_month, name="close"),
    path("refresh/", views.refresh, name="refresh"),
]
