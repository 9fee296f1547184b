from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "minzheng.applications"
    label = "applications"
    verbose_name = "救助申请与审批"
