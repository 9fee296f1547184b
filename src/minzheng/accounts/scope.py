"""Data scope (数据权限), enforced in one place.

Every query for people, households and cases goes through `visible_to(actor)`: the UI, the API and
every export call it, and nobody filters by region by hand. An actor without case-data capability
(the three administrators of 三员分立) gets an empty set, whatever their region.
"""

from __future__ import annotations

from typing import ClassVar, Protocol, Self

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from minzheng.accounts.roles import Capability
from minzheng.core.errors import NotFound


class ScopedActor(Protocol):
    def can(self, capability: Capability) -> bool: ...

    def scope_bounds(self) -> tuple[str, str]: ...


class RegionScopedQuerySet[M: models.Model](models.QuerySet[M]):
    #: The column holding the 12-digit region code of each row.
    scope_field: ClassVar[str] = "region_id"

    def visible_to(self, actor: ScopedActor) -> Self:
        if not actor.can(Capability.CASE_DATA):
            return self.none()
        low, high = actor.scope_bounds()
        return self.filter(**{f"{self.scope_field}__gte": low, f"{self.scope_field}__lte": high})

    def get_visible(self, actor: ScopedActor, **lookup: object) -> M:
        """One row in scope, or NotFound — never a hint that it exists elsewhere."""
        try:
            return self.visible_to(actor).get(**lookup)
        except ObjectDoesNotExist as exc:
            raise NotFound("记录不存在或不在您的管辖范围内") from exc


class NarrowedScope:
    """An actor's scope narrowed to one region inside it: a list page's region filter.

    Reads still go through `visible_to`, so a filter can only ever narrow what the actor sees; a
    region outside the actor's own scope is refused as not found.
    """

    def __init__(self, actor: ScopedActor, low: str, high: str) -> None:
        self.actor = actor
        self._bounds = (low, high)

    def can(self, capability: Capability) -> bool:
        return self.actor.can(capability)

    def scope_bounds(self) -> tuple[str, str]:
        return self._bounds


def narrowed(actor: ScopedActor, region_code: str) -> ScopedActor:
    """`actor` itself for no code; else its scope narrowed to the region `region_code`."""
    from minzheng.regions.models import Region

    code = region_code.strip()
    if not code:
        return actor
    region = Region.objects.filter(pk=code[:12]).first()
    low, high = actor.scope_bounds()
    if region is None or not (low <= region.code <= high):
        raise NotFound("所选区域不存在或不在您的管辖范围内")
    return NarrowedScope(actor, *region.bounds)
