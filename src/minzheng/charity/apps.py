from django.apps import AppConfig


class CharityConfig(AppConfig):
    name = "minzheng.charity"
    label = "charity"
    verbose_name = "慈善"
