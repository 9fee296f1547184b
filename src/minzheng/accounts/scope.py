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


class PublicRegisterQuerySet[M: models.Model](RegionScopedQuerySet[M]):
    """A register the law makes public: 社会组织信用信息 (《社会组织信用信息管理办法》, 民政部令第60号)
    and 慈善信息 (《中华人民共和国慈善法》第八章, 《慈善组织信息公开办法》, 民政部令第61号).

    `published_to` is the read of its public pages: every staff role with case data reads the
    rows of its whole city, read-only. `visible_to` stays the registering authority's scope and is
    what every edit (`do_*`) and every internal page reads; a page shows an edit only where
    `visible_to` (or `covers`) says the row is the actor's."""

    def published_to(self, actor: ScopedActor) -> Self:
        if not actor.can(Capability.CASE_DATA):
            return self.none()
        return self.filter(region_q(actor.scope_code().city, self.scope_field))


class NarrowedScope:
    """An actor's scope narrowed to one region inside it: a list page's region filter.

    Reads still go through `visible_to`, so a filter can only ever narrow what the actor sees; a
    region outside the actor's own scope is refused as not found.
    """

    def __init__(self, actor: ScopedActor, unit: RegionCode) -> None:
        self.actor = actor
        self._unit = unit

    def can(self, capability: Capability) -> bool:
        return self.actor.can(capability)

    def scope_code(self) -> RegionCode:
        return self._unit

    def scope_bounds(self) -> tuple[str, str]:
        return self._unit.range

    def covers(self, code: str) -> bool:
        return bool(code) and self._unit.contains(full_code(code))


def region_filter(region_code: str, actor: ScopedActor | None = None) -> RegionCode | None:
    """The unit a list page's region filter names, None for no code; NotFound for a code that
    names no region — or, with `actor`, one outside the actor's scope."""
    from minzheng.regions.models import Region

    code = region_code.strip()
    if not code:
        return None
    region = Region.objects.filter(pk=full_code(code)).first() if code.isdigit() else None
    if actor is not None and (region is None or not actor.covers(region.code)):
        raise NotFound("所选区域不存在或不在您的管辖范围内")
    if region is None:
        raise NotFound("所选区域不存在")
    return RegionCode.of(region.code, region.level)


def narrowed(actor: ScopedActor, region_code: str) -> ScopedActor:
    """`actor` itself for no code; else its scope narrowed to the region `region_code`."""
    unit = region_filter(region_code, actor)
    return actor if unit is None else NarrowedScope(actor, unit)
