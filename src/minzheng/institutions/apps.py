from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "minzheng.institutions"
    label = "institutions"
    verbose_name = "养老机构"
