from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "minzheng.linkage"
    label = "linkage"
    verbose_name = "多重身份识别"
