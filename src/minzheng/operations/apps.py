from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "minzheng.operations"
    label = "operations"
    verbose_name = "运维"
