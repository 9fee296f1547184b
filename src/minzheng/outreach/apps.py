from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "minzheng.outreach"
    label = "outreach"
    verbose_name = "困难群众大排摸"
