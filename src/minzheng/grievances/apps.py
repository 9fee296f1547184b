from django.apps import AppConfig


class GrievancesConfig(AppConfig):
    name = "minzheng.grievances"
    label = "grievances"
    verbose_name = "投诉举报与救助热线"
