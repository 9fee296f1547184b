from django.urls import path

from minzheng.core import clock_views, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("demo-clock/", clock_views.demo_clock, name="demo_clock"),
]
