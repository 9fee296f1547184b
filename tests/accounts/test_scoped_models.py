"""Every model that places a row in a region has a scoped read — or says why it needs none.

A new model with a region (a `ForeignKey` to `Region`, or a scoped parent) fails here until its
manager offers `visible_to(actor)` (derive its queryset from `RegionScopedQuerySet`) or it is
added to NOT_CASE_DATA with the reason it is not case data.
"""

from __future__ import annotations

import functools

from django.apps import apps
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.regions.models import Region

NOT_CASE_DATA = {
    "regions.Region": "the division tree itself, public",
    "accounts.User": "staff accounts, managed by the system administrator (三员分立)",
    "accounts.AccessRequest": "permission requests, read by the security administrator",
    "api.ApiClient": "partner clients, managed by the system administrator",
    "linkage.RosterImport": "an import's own report, read only by the user who made it",
    "dashboard.MonthlyFigures": "aggregates with small cells suppressed; read by region (scope_q)",
    "dashboard.ProvisionalFigures": "an open month's aggregates as MonthlyFigures, kept a while",
    "dashboard.RegionCount": "counts per region for the workbench, summed for the viewer's scope",
}


def _placed_in_a_region(model: type[models.Model]) -> bool:
    return any(
        f.many_to_one and getattr(f, "related_model", None) is Region
        for f in model._meta.get_fields()
    )


def _scoped(model: type[models.Model]) -> bool:
    return isinstance(model._default_manager.all(), RegionScopedQuerySet)


@functools.cache
def scoped_models() -> tuple[str, ...]:
    """The labels of the models with a scoped read, in order. Computed once a process: the models
    and their managers are fixed once Django is set up, and the route walks ask about 10,000 times
    (10 of the scope sweep's 60 profiled seconds, building a queryset of every model each time)."""
    return tuple(
        sorted(
            m._meta.label
            for m in apps.get_models()
            if m.__module__.startswith("minzheng.") and _scoped(m)
        )
    )


def test_every_model_placed_in_a_region_has_a_scoped_read() -> None:
    missing = [
        m._meta.label
        for m in apps.get_models()
        if m.__module__.startswith("minzheng.")
        and _placed_in_a_region(m)
        and not _scoped(m)
        and m._meta.label not in NOT_CASE_DATA
    ]
    assert missing == []


def test_the_exemptions_are_still_needed() -> None:
    # An exempt model that gained a scoped read (or was removed) leaves the list.
    stale = [
        label
        for label in NOT_CASE_DATA
        if label not in {m._meta.label for m in apps.get_models()} or _scoped(apps.get_model(label))
    ]
    assert stale == []


def test_the_registry_holds_the_case_data_the_issue_names() -> None:
    registry = scoped_models()
    for label in (
        "registry.Person",
        "applications.Application",
        "applications.Objection",
        "payments.BankFileLine",
        "payments.TemporaryCase",
        "payments.Roll",
        "adoption.MigrationBatch",
    ):
        assert label in registry
