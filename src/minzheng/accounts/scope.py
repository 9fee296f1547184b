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
from minzheng.core.regioncode import RegionCode, full_code


class ScopedActor(Protocol):
    def can(self, capability: Capability) -> bool: ...

    def scope_code(self) -> RegionCode:
        """The unit the actor's scope is: their region at its level."""
        ...

    def scope_bounds(self) -> tuple[str, str]: ...

    def covers(self, code: str) -> bool:
        """Whether a region code (any prefix, padded) lies in the actor's scope."""
        ...


def scope_q(actor: ScopedActor, field: str = "region_id") -> models.Q:
    """The rows whose `field` holds a code in the actor's scope — for tables that are not case
    data (regions, batches, snapshots); case data is read through `visible_to`."""
    return region_q(actor.scope_code(), field)


def region_q(unit: RegionCode, field: str = "region_id") -> models.Q:
    """The rows whose `field` holds a code inside `unit`: an index range scan on any database."""
    return range_q(unit.range, field)


def range_q(bounds: tuple[str, str], field: str = "region_id") -> models.Q:
    """The rows whose `field` lies within inclusive code bounds: for the batch layer, whose bounds
    may be the overlap of a scope and a region (`core.regioncode.overlap`)."""
    low, high = bounds
    return models.Q(**{f"{field}__gte": low, f"{field}__lte": high})


class CoversMixin:
    """`scope_bounds` and `covers` for a model with a `region` (a staff user, a partner client)."""

    def scope_code(self) -> RegionCode:
        region = self.region  # type: ignore[attr-defined]
        return RegionCode.of(region.code, region.level)

    def scope_bounds(self) -> tuple[str, str]:
        return self.scope_code().range

    def covers(self, code: str) -> bool:
        return bool(code) and self.scope_code().contains(full_code(code))


class RegionScopedQuerySet[M: models.Model](models.QuerySet[M]):
    #: The column holding the 12-digit region code of each row.
    scope_field: ClassVar[str] = "region_id"

    def visible_to(self, actor: ScopedActor) -> Self:
        if not actor.can(Capability.CASE_DATA):
            return self.none()
        return self.filter(scope_q(actor, self.scope_field))

    def unscoped_within(self, unit: RegionCode) -> Self:
        """System jobs only (rolls, exports, scheduled checks, the demo seed): the rows inside a
        region with no actor to scope by. The name says it: a view or an API route never calls it."""
        return self.filter(region_q(unit, self.scope_field))

    def get_visible(self, actor: ScopedActor, **lookup: object) -> M:
        """One row in scope, or NotFound — never a hint that it exists elsewhere."""
        try:
            return self.visible_to(actor).get(**lookup)
        except ObjectDoesNotExist as exc:
            raise NotFound("记录不存在或不在您的管辖范围内") from exc
