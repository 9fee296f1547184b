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
