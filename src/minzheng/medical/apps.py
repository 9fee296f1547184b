from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from minzheng.payments.providers import Provider


class MedicalConfig(AppConfig):
    name = "minzheng.medical"
    label = "medical"
    verbose_name = "医疗救助一站式结算"

    def ready(self) -> None:
        from minzheng.payments.providers import register_payable_source

        register_payable_source("m", _hospitals_of_statements)


def _hospitals_of_statements(ids: list[int]) -> dict[int, Provider]:
    """A hospital's statement is owed to the hospital (its payee in payments)."""
    from minzheng.medical.models import Statement
    from minzheng.payments.models import ProviderPayee
    from minzheng.payments.providers import Provider

    rows = Statement.objects.filter(pk__in=ids).values_list(
        "pk", "hospital_id", "hospital__name", "hospital__region_id"
    )
    return {
        pk: Provider(ProviderPayee.ProviderKind.HOSPITAL, hospital, name, region)
        for pk, hospital, name, region in rows
    }
