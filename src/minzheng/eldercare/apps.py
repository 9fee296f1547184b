from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from minzheng.payments.providers import Provider


class EldercareConfig(AppConfig):
    name = "minzheng.eldercare"
    label = "eldercare"
    verbose_name = "养老服务"

    def ready(self) -> None:
        from minzheng.payments.providers import register_payable_source

        register_payable_source("z", _meal_points_of_statements)


def _meal_points_of_statements(ids: list[int]) -> dict[int, Provider]:
    """A meal point's statement is owed to the meal point (its payee in payments)."""
    from minzheng.eldercare.models import MealStatement
    from minzheng.payments.models import ProviderPayee
    from minzheng.payments.providers import Provider

    rows = MealStatement.objects.filter(pk__in=ids).values_list(
        "pk", "point_id", "point__name", "point__region_id"
    )
    return {
        pk: Provider(ProviderPayee.ProviderKind.MEAL_POINT, point, name, region)
        for pk, point, name, region in rows
    }
