from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    name = "minzheng.adoption"
    label = "adoption"
    verbose_name = "存量数据迁移"
