from django.apps import AppConfig


class RescueConfig(AppConfig):
    name = "minzheng.rescue"
    label = "rescue"
    verbose_name = "流浪乞讨人员救助"
