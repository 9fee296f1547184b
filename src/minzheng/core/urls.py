from django.urls import path

from minzheng.core import clock_views, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("audit/", views.audit_log, name="audit_log"),
    path("demo-clock/", clock_views.demo_clock, name="demo_clock"),
]
