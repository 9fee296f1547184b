from django.apps import AppConfig


class InkindConfig(AppConfig):
    name = "minzheng.inkind"
    label = "inkind"
    verbose_name = "实物救助"
