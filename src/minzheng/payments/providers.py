"""Organisations the ledger owes (对公收款): which provider a payable line is for, and its payee.

A provider's app books its month as a payable (`payments.jobs.book_payable`, source "m" for a
hospital's statement, "z" for a meal point's) and registers, once, how a statement id names its
provider. Payments then finds every provider's payable in a roll, gives each provider one payee row
(`ProviderPayee`) and puts the transfer in the roll's bank file beside the persons' — with the
account the county registered, or none (the transfer fails at once and waits in 发放异常 until the
account is registered and it is re-issued).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from minzheng.payments.models import ProviderPayee


@dataclass(frozen=True)
class Provider:
    kind: str  # ProviderPayee.ProviderKind
    provider_id: int
    name: str
    region_id: str  # where the provider is (its payee is scoped there)


#: statement ids → the provider of each
Resolver = Callable[[list[int]], dict[int, Provider]]

_SOURCES: dict[str, Resolver] = {}


def register_payable_source(source: str, resolve: Resolver) -> None:
    """Called from a provider app's `AppConfig.ready`."""
    _SOURCES[source] = resolve


def providers_of(lines: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Provider]:
    """The provider of each (source, source_id) payable line whose source is registered."""
    by_source: dict[str, list[int]] = {}
    for source, source_id in lines:
        by_source.setdefault(source, []).append(source_id)
    found: dict[tuple[str, int], Provider] = {}
    for source, ids in by_source.items():
        resolve = _SOURCES.get(source)
        if resolve is None:
            continue
        for source_id, provider in resolve(sorted(set(ids))).items():
            found[(source, source_id)] = provider
    return found


def payee_for(provider: Provider) -> ProviderPayee:
    """The provider's one payee row (made the first time it is owed something); its name and
    place follow the provider's own record."""
    payee, created = ProviderPayee.objects.get_or_create(
        provider_kind=provider.kind,
        provider_id=provider.provider_id,
        defaults={"name": provider.name, "region_id": provider.region_id},
    )
    if not created and (payee.name, payee.region_id) != (provider.name, provider.region_id):
        payee.name, payee.region_id = provider.name, provider.region_id
        payee.save(update_fields=["name", "region", "updated_at"])
    return payee


def ensure_payee(source: str, source_id: int) -> ProviderPayee | None:
    """When a payable is booked: the provider's payee exists from then on, so the county can
    register its account before the roll's bank file is made."""
    provider = providers_of([(source, source_id)]).get((source, source_id))
    return None if provider is None else payee_for(provider)
