from django.apps import AppConfig


class MedicalConfig(AppConfig):
    name = "minzheng.medical"
    label = "medical"
    verbose_name = "医疗救助一站式结算"
