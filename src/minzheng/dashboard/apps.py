from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "minzheng.dashboard"
    label = "dashboard"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from minzheng.dashboard.freshness import connect

        connect()
