"""Place names and standard addresses (地名, 一址通).

Standard names follow 地名管理条例 (国务院令第753号, 2022-05-01施行): a name is proposed, reviewed
and approved, then announced with the fields the 备案公告办法 (2023-06) requires — 标准名称,
罗马字母拼写, 所属政区, 位置描述, 批准机关, 批准时间.

The standard address register holds region → road → number → building → unit → room, each node
with a code; `standardise` reads a free-text address into it and says how deep it matched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import batched

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from pypinyin import lazy_pinyin

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import region_q
from minzheng.civil.address_parser import AddressParts, parse_parts
from minzheng.civil.models import (
    AddressLevel,
    HouseholdAddressLink,
    PlaceName,
    StandardAddress,
)
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import RegionCode
from minzheng.regions.models import Region
from minzheng.registry.models import Household

CITY = "330200000000"

ANNOUNCEMENT_FIELDS = (
    "name",
    "romanisation",
    "region",
    "location",
    "approving_body",
    "approved_on",
)
# Generic terms written as a separate capitalised word (GB/T 16159 and the 地名 romanisation
# practice: 人民路 → Renmin Lu).
GENERICS = ("大道", "社区", "花园", "小区", "路", "街", "巷", "弄", "桥", "村", "园")


def romanise(name: str) -> str:
    """人民路 → 'Renmin Lu'; 西安路 → "Xi'an Lu" (apostrophe before a, o, e)."""
    generic = next((g for g in GENERICS if name.endswith(g) and len(name) > len(g)), "")
    specific = name[: len(name) - len(generic)] if generic else name

    def word(text: str) -> str:
        syllables = lazy_pinyin(text)
        out = ""
        for i, s in enumerate(syllables):
            out += ("'" if i and s[:1] in "aoe" else "") + s
        return out.capitalize()

    return f"{word(specific)} {word(generic)}".strip() if generic else word(specific)


def _editor(actor: User | None) -> User:
    if actor is None or not (actor.can(Capability.EDIT_CASES) or actor.can(Capability.APPROVE)):
        raise PermissionDenied("您的角色不能办理地名业务")
    return actor


def do_propose_place_name(
    actor: User | None, *, name: str, category: str, region: Region, location: str, meaning: str
) -> PlaceName:
    user = _editor(actor)
    if not user.covers(region.code):
        raise PermissionDenied("该政区不在您的管辖范围内")
    name, location, meaning = name.strip(), location.strip(), meaning.strip()
    if not 2 <= len(name) <= 30:
        raise ValidationFailed("标准名称应为2至30个字", code="bad_name")
    if category not in PlaceName.Category.values:
        raise ValidationFailed("请选择地名类别", code="bad_category")
    if not location or not meaning:
        raise ValidationFailed("请填写位置描述和命名理由", code="missing_field")
    clash = PlaceName.objects.filter(
        region_q(region.unit.county),
        name=name,
        category=category,
    ).exclude(status=PlaceName.Status.REJECTED)
    if clash.exists():
        raise ValidationFailed(f"本区县已有同类地名“{name}”，不应重名", code="duplicate_name")
    with transaction.atomic():
        place = PlaceName.objects.create(
            name=name,
            romanisation=romanise(name),
            category=category,
            region=region,
            location=location,
            meaning=meaning,
            proposed_by=user,
        )
        audit.record(
            user,
            AuditEvent.Action.CREATE,
            "place_name",
            place.pk,
            summary=f"申报地名“{name}”",
            region_code=region.code,
        )
    return place


def do_review_place_name(
    actor: User | None,
    place: PlaceName,
    *,
    approve: bool,
    approving_body: str,
    on: date,
    comment: str = "",
) -> PlaceName:
    """The county approves (it is the 批准机关 for roads and residential areas) or refuses."""
    if actor is None or not actor.can(Capability.APPROVE):
        raise PermissionDenied("只有区县审批人员可以审批地名")
    PlaceName.objects.get_visible(actor, pk=place.pk)
    if place.proposed_by_id == actor.pk:
        raise PermissionDenied("申报人不能审批自己申报的地名（审核分离）")
    with transaction.atomic():
        locked = PlaceName.objects.select_for_update().get(pk=place.pk)
        if locked.status != PlaceName.Status.PROPOSED:
            raise ValidationFailed("该地名已审批", code="already_reviewed")
        if approve and not approving_body.strip():
            raise ValidationFailed("请填写批准机关", code="missing_body")
        locked.status = PlaceName.Status.APPROVED if approve else PlaceName.Status.REJECTED
        locked.approving_body = approving_body.strip()[:80] if approve else ""
        locked.approved_on = on if approve else None
        locked.review_comment = comment.strip()[:300]
        locked.reviewed_by = actor
        locked.save(
            update_fields=[
                "status",
                "approving_body",
                "approved_on",
                "review_comment",
                "reviewed_by",
            ]
        )
        audit.record(
            actor,
            AuditEvent.Action.APPROVE,
            "place_name",
            locked.pk,
            summary=f"地名“{locked.name}”{locked.get_status_display()}",
            region_code=locked.region_id,
        )
    return locked


def do_announce_place_name(actor: User | None, place: PlaceName, *, on: date) -> PlaceName:
    user = _editor(actor)
    PlaceName.objects.get_visible(user, pk=place.pk)
    with transaction.atomic():
        locked = PlaceName.objects.select_for_update().get(pk=place.pk)
        if locked.status != PlaceName.Status.APPROVED:
            raise ValidationFailed("只有已批准的地名可以公告", code="not_approved")
        missing = [
            f
            for f in ANNOUNCEMENT_FIELDS
            if not getattr(locked, f if f != "region" else "region_id")
        ]
        if missing:
            raise ValidationFailed(f"公告缺少必备事项：{'、'.join(missing)}", code="missing_field")
        if on < (locked.approved_on or on):
            raise ValidationFailed("公告日期不能早于批准时间", code="bad_date")
        locked.status = PlaceName.Status.ANNOUNCED
        locked.announced_on = on
        locked.save(update_fields=["status", "announced_on"])
        audit.record(
            user,
            AuditEvent.Action.TRANSITION,
            "place_name",
            locked.pk,
            summary=f"公告标准地名“{locked.name}”",
            region_code=locked.region_id,
        )
    return locked


# ── the standard address register ────────────────────────────────────────────────────────────


def _segments(parts: AddressParts) -> list[tuple[str, str]]:
    levels: list[tuple[str, str]] = []
    if parts.road:
        levels.append((AddressLevel.ROAD, parts.road))
        if parts.number is not None:
            levels.append((AddressLevel.NUMBER, f"{parts.number}号"))
            if parts.building is not None:
                levels.append((AddressLevel.BUILDING, f"{parts.building}幢"))
                if parts.unit is not None:
                    levels.append((AddressLevel.UNIT, f"{parts.unit}单元"))
                if parts.room:
                    levels.append((AddressLevel.ROOM, f"{parts.room}室"))
    return levels


def names_a_road(text: str) -> bool:
    """Whether an address can go into the register (`register_address` refuses one without)."""
    return bool(_segments(parse_parts(text)))


def register_address(region: Region, text: str) -> StandardAddress:
    """Create (or find) every node of an address under a village or community; returns the
    deepest. The caller holds the transaction."""
    return register_addresses([(region, text)])[0]


#: Ids or labels in one `IN (…)` of the batch reads below, well under any database's limit.
IN_CHUNK = 500

# A node of the register before it has an id: (region code, its parent's key, level, label).
type NodeKey = tuple[str, "NodeKey | None", str, str]


def register_addresses(entries: Sequence[tuple[Region, str]]) -> list[StandardAddress]:
    """`register_address` for many addresses: the deepest node of each, in the order given. The
    register is read one query a level for the nodes already there, and the missing ones are
    written one `bulk_create` a level — the same nodes and codes as one address at a time (a
    road's sequence counts its community's roads in the order the addresses come). Refuses an
    address without a road before writing anything. The caller holds the transaction."""
    parsed: list[tuple[Region, list[tuple[str, str]]]] = []
    for region, text in entries:
        segments = _segments(parse_parts(text))
        if not segments:
            raise ValidationFailed(f"无法识别道路：{text}", code="no_road")
        parsed.append((region, segments))
    nodes: dict[NodeKey, StandardAddress] = {}
    keys: list[NodeKey | None] = [None] * len(parsed)
    prefixes = [region.name for region, _ in parsed]
    for depth in range(max((len(segments) for _, segments in parsed), default=0)):
        # The nodes this level needs, first asked first: (region, parent key, level, label, prefix)
        wanted: dict[NodeKey, tuple[Region, NodeKey | None, str, str, str]] = {}
        for n, (region, segments) in enumerate(parsed):
            if depth >= len(segments):
                continue
            level, label = segments[depth]
            key: NodeKey = (region.code, keys[n], level, label)
            wanted.setdefault(key, (region, keys[n], level, label, prefixes[n]))
            keys[n], prefixes[n] = key, prefixes[n] + label
        _read_existing(wanted, nodes, depth)
        _create_missing([k for k in wanted if k not in nodes], wanted, nodes)
    return [nodes[key] for key in keys if key is not None]


def _read_existing(
    wanted: dict[NodeKey, tuple[Region, NodeKey | None, str, str, str]],
    nodes: dict[NodeKey, StandardAddress],
    depth: int,
) -> None:
    """Put the nodes of `wanted` the register has already into `nodes`."""
    labels = sorted({label for _, _, _, label, _ in wanted.values()})
    found: dict[tuple[str, int | None, str, str], StandardAddress] = {}
    if depth == 0:
        regions = sorted({region.code for region, *_ in wanted.values()})
        for codes in batched(regions, IN_CHUNK):
            rows = StandardAddress.objects.filter(
                region_id__in=codes, parent__isnull=True, level=AddressLevel.ROAD, label__in=labels
            )
            for node in rows.order_by("pk"):
                found.setdefault((node.region_id, None, node.level, node.label), node)
    else:
        parents = sorted({nodes[p].pk for _, p, _, _, _ in wanted.values() if p is not None})
        for ids in batched(parents, IN_CHUNK):
            rows = StandardAddress.objects.filter(parent_id__in=ids, label__in=labels)
            for node in rows.order_by("pk"):
                found.setdefault((node.region_id, node.parent_id, node.level, node.label), node)
    for key, (region, parent, level, label, _) in wanted.items():
        there = found.get((region.code, nodes[parent].pk if parent else None, level, label))
        if there is not None:
            nodes[key] = there


def _create_missing(
    missing: list[NodeKey],
    wanted: dict[NodeKey, tuple[Region, NodeKey | None, str, str, str]],
    nodes: dict[NodeKey, StandardAddress],
) -> None:
    """Write the nodes of one level the register lacks (a road's code: its community's next
    sequence number; a lower node's: its parent's code and its number), in one `bulk_create`."""
    if not missing:
        return
    roads = [wanted[k][0] for k in missing if wanted[k][2] == AddressLevel.ROAD]
    sequence = _road_counts({r.code for r in roads})
    places = _announced_roads(roads, {wanted[k][3] for k in missing})
    created: list[StandardAddress] = []
    for key in missing:
        region, parent_key, level, label, prefix = wanted[key]
        parent = nodes[parent_key] if parent_key is not None else None
        if level == AddressLevel.ROAD:
            sequence[region.code] = sequence.get(region.code, 0) + 1
            code = f"{region.code}-{sequence[region.code]:04d}"
            place = places.get((region.unit.county.code, label))
        else:
            digits = "".join(c for c in label if c.isdigit())
            code = f"{parent.code if parent else region.code}-{digits}"
            place = None
        node = StandardAddress(
            region=region,
            parent=parent,
            level=level,
            label=label,
            code=code,
            full_text=f"{prefix}{label}",
            place_name=place,
        )
        nodes[key] = node
        created.append(node)
    StandardAddress.objects.bulk_create(created)
    if any(node.pk is None for node in created):  # a database that returns no ids from a batch
        ids: dict[str, int] = {}
        for part in batched([node.code for node in created], IN_CHUNK):
            ids.update(StandardAddress.objects.filter(code__in=part).values_list("code", "pk"))
        for node in created:
            node.pk = ids[node.code]


def _road_counts(regions: set[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for part in batched(sorted(regions), IN_CHUNK):
        rows = (
            StandardAddress.objects.filter(region_id__in=part, level=AddressLevel.ROAD)
            .values("region_id")
            .annotate(n=Count("id"))
            .values_list("region_id", "n")
        )
        counts.update(rows)
    return counts


def _announced_roads(roads: list[Region], labels: set[str]) -> dict[tuple[str, str], PlaceName]:
    """The announced standard name each new road takes, by (county, name): the first announced."""
    places: dict[tuple[str, str], PlaceName] = {}
    for county in sorted({r.unit.county.code for r in roads}):
        rows = PlaceName.objects.filter(
            region_q(RegionCode.of(county)),
            name__in=sorted(labels),
            status=PlaceName.Status.ANNOUNCED,
        )
        for place in rows.order_by("pk"):
            places.setdefault((county, place.name), place)
    return places


@dataclass(frozen=True, slots=True)
class Match:
    address: StandardAddress | None
    level: str  # the deepest level matched, "" when none
    reasons: tuple[str, ...]


def standardise(text: str, *, within: Region | None = None) -> Match:
    """Read a free-text address and find its node in the register, as deep as the text allows.

    A road name alone is ambiguous across communities: it matches only when exactly one
    community of the county (or `within`) has it — never a guess.
    """
    return standardise_many([(text, within)])[0]


def standardise_many(items: Sequence[tuple[str, Region | None]]) -> list[Match]:
    """`standardise` for many addresses, each `(text, within)`: the same matches, from a few
    queries for the whole batch — the county names once, the roads once a scope (`within` and
    the county named), then one query a level to descend — instead of some ten an address. Each
    distinct text is parsed once."""
    parsed: dict[str, tuple[AddressParts, list[tuple[str, str]]]] = {}
    for text, _ in items:
        if text not in parsed:
            parts = parse_parts(text)
            parsed[text] = (parts, _segments(parts))
    counties = _counties_named({p.county for p, segs in parsed.values() if segs and p.county})
    # The roads each scope may hold: (within, county) → road label → candidates.
    scopes: dict[tuple[str | None, str | None], set[str]] = {}
    for text, within in items:
        parts, segments = parsed[text]
        if segments:
            scope = (within.code if within else None, _county_code(parts, counties))
            scopes.setdefault(scope, set()).add(segments[0][1])
    roads = {scope: _roads(scope, labels) for scope, labels in scopes.items()}
    plans: list[tuple[str, list[StandardAddress]]] = []  # each item's text and its candidates
    for text, within in items:
        parts, segments = parsed[text]
        if not segments:
            plans.append((text, []))
            continue
        scope = (within.code if within else None, _county_code(parts, counties))
        candidates = roads[scope].get(segments[0][1], [])
        if parts.community:
            named = [r for r in candidates if r.region.name == parts.community]
            candidates = named or candidates
        plans.append((text, candidates))
    starts = [(c, parsed[text][1][1:]) for text, candidates in plans for c in candidates]
    descended = iter(_descend_many(starts))
    matches: list[Match] = []
    for text, candidates in plans:
        segments = parsed[text][1]
        if not segments:
            matches.append(Match(None, "", ("未识别出道路",)))
            continue
        deepest = [next(descended) for _ in candidates]
        matches.append(_match(segments, len(candidates), deepest))
    return matches


def _match(
    segments: list[tuple[str, str]],
    candidates: int,
    deepest: list[tuple[StandardAddress, list[str]]],
) -> Match:
    reasons = [f"道路“{segments[0][1]}”候选{candidates}处"]
    if candidates != 1:
        # Several communities share the road: descend each and keep the one that goes deepest.
        if not candidates:
            return Match(None, "", tuple(reasons))
        best = max(len(d[1]) for d in deepest)
        winners = [d for d in deepest if len(d[1]) == best]
        if len(winners) != 1 or best < len(segments) - 1:
            return Match(None, "", (*reasons, "多个社区有同名道路，无法唯一确定"))
        node, matched = winners[0]
    else:
        node, matched = deepest[0]
    if len(matched) < len(segments) - 1:
        reasons.append(f"匹配到{node.get_level_display()}，以下层级登记册中没有")
    return Match(node, node.level, (*reasons, f"标准地址：{node.full_text}"))


def _counties_named(names: set[str]) -> dict[str, Region]:
    """The city's counties by name, the first by code when two share one."""
    found: dict[str, Region] = {}
    if names:
        rows = Region.objects.filter(
            region_q(RegionCode.of(CITY), "code"), name__in=sorted(names), level="county"
        )
        for county in rows.order_by("code"):
            found.setdefault(county.name, county)
    return found


def _county_code(parts: AddressParts, counties: dict[str, Region]) -> str | None:
    county = counties.get(parts.county) if parts.county else None
    return county.code if county is not None else None


def _roads(
    scope: tuple[str | None, str | None], labels: set[str]
) -> dict[str, list[StandardAddress]]:
    within, county = scope
    found: dict[str, list[StandardAddress]] = {}
    for part in batched(sorted(labels), IN_CHUNK):
        rows = StandardAddress.objects.filter(level=AddressLevel.ROAD, label__in=part)
        if within is not None:
            rows = rows.filter(region_id=within)
        if county is not None:
            rows = rows.filter(region_q(RegionCode.of(county)))
        for road in rows.select_related("region").order_by("pk"):
            found.setdefault(road.label, []).append(road)
    return found


def _descend_many(
    starts: list[tuple[StandardAddress, list[tuple[str, str]]]],
) -> list[tuple[StandardAddress, list[str]]]:
    """From each road, down its address's levels while the register has the next node: the node
    reached and the labels matched, read one query a level for all of them."""
    reached: list[tuple[StandardAddress, list[str]]] = [(road, []) for road, _ in starts]
    active = [i for i, (_, rest) in enumerate(starts) if rest]
    depth = 0
    while active:
        labels = sorted({starts[i][1][depth][1] for i in active})
        parents = sorted({reached[i][0].pk for i in active})
        children: dict[tuple[int, str, str], StandardAddress] = {}
        for part in batched(parents, IN_CHUNK):
            rows = StandardAddress.objects.filter(parent_id__in=part, label__in=labels)
            for child in rows.order_by("pk"):
                assert child.parent_id is not None
                children.setdefault((child.parent_id, child.level, child.label), child)
        still: list[int] = []
        for i in active:
            node, matched = reached[i]
            level, label = starts[i][1][depth]
            below = children.get((node.pk, level, label))
            if below is None:
                continue
            reached[i] = (below, [*matched, label])
            if depth + 1 < len(starts[i][1]):
                still.append(i)
        active, depth = still, depth + 1
    return reached


def do_link_household_addresses(actor: User | None, households: list[Household]) -> int:
    """Link registry households to the register, by their free-text address; returns the count.
    One `standardise_many` for them all, the links written in bulk, one audit event."""
    if actor is not None and not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色不能关联标准地址")
    regions = Region.objects.in_bulk({h.region_id for h in households})
    matches = standardise_many([(h.address, regions[h.region_id]) for h in households])
    linked = 0
    with transaction.atomic():
        wanted: dict[int, tuple[Household, Match]] = {}
        for household, match in zip(households, matches, strict=True):
            if match.address is not None:
                wanted[household.pk] = (household, match)
                linked += 1
        existing: dict[int, HouseholdAddressLink] = {}
        for part in batched(list(wanted), IN_CHUNK):
            rows = HouseholdAddressLink.objects.select_for_update().filter(household_id__in=part)
            existing.update((link.household_id, link) for link in rows)
        now = timezone.now()
        new: list[HouseholdAddressLink] = []
        changed: list[HouseholdAddressLink] = []
        for household, match in wanted.values():
            link = existing.get(household.pk)
            if link is None:
                link = HouseholdAddressLink(household=household)
                new.append(link)
            else:
                changed.append(link)
            link.region_id = household.region_id
            link.address = match.address  # type: ignore[assignment]
            link.matched_level = match.level
            link.linked_at = now
        HouseholdAddressLink.objects.bulk_create(new)
        HouseholdAddressLink.objects.bulk_update(
            changed, ["region", "address", "matched_level", "linked_at"]
        )
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "household_address_link",
            "batch",
            summary=f"关联标准地址 {linked} 户",
        )
    return linked
