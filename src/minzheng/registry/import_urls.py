from django.urls import path

from minzheng.registry import import_views

app_name = "registry_import"
urlpatterns = [
    path("", import_views.import_page, name="import_page"),
    path("template.xlsx", import_views.import_template, name="import_template"),
    path("report/<str:token>.xlsx", import_views.import_report, name="import_report"),
]
