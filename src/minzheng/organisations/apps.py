from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "minzheng.organisations"
    label = "organisations"
    verbose_name = "社会组织"
