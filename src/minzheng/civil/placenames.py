"""Place names and standard addresses (地名, 一址通).

Standard names follow 地名管理条例 (国务院令第753号, 2022-05-01施行): a name is proposed, reviewed
and approved, then announced with the fields the 备案公告办法 (2023-06) requires — 标准名称,
罗马字母拼写, 所属政区, 位置描述, 批准机关, 批准时间.

The standard address register holds region → road → number → building → unit → room, each node
with a code; `standardise` reads a free-text address into it and says how deep it matched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
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


def register_address(region: Region, text: str) -> StandardAddress:
    """Create (or find) every node of an address under a village or community; returns the
    deepest. The caller holds the transaction."""
    parts = parse_parts(text)
    segments = _segments(parts)
    if not segments:
        raise ValidationFailed(f"无法识别道路：{text}", code="no_road")
    parent: StandardAddress | None = None
    prefix = f"{region.name}"
    for level, label in segments:
        node = StandardAddress.objects.filter(
            region=region, parent=parent, level=level, label=label
        ).first()
        if node is None:
            if level == AddressLevel.ROAD:
                seq = (
                    StandardAddress.objects.filter(region=region, level=AddressLevel.ROAD).count()
                    + 1
                )
                code = f"{region.code}-{seq:04d}"
            else:
                digits = "".join(c for c in label if c.isdigit())
                code = f"{parent.code if parent else region.code}-{digits}"
            place = (
                PlaceName.objects.filter(
                    region_q(region.unit.county),
                    name=label,
                    status=PlaceName.Status.ANNOUNCED,
                ).first()
                if level == AddressLevel.ROAD
                else None
            )
            node = StandardAddress.objects.create(
                region=region,
                parent=parent,
                level=level,
                label=label,
                code=code,
                full_text=f"{prefix}{label}",
                place_name=place,
            )
        parent, prefix = node, f"{prefix}{label}"
    assert parent is not None
    return parent


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
    parts = parse_parts(text)
    segments = _segments(parts)
    if not segments:
        return Match(None, "", ("未识别出道路",))
    roads = StandardAddress.objects.filter(level=AddressLevel.ROAD, label=segments[0][1])
    if within is not None:
        roads = roads.filter(region=within)
    if parts.county:
        county = Region.objects.filter(
            region_q(RegionCode.of(CITY), "code"), name=parts.county, level="county"
        ).first()
        if county is not None:
            roads = roads.filter(region_q(county.unit))
    candidates = list(roads.select_related("region"))
    if parts.community:
        named = [r for r in candidates if r.region.name == parts.community]
        candidates = named or candidates
    reasons = [f"道路“{segments[0][1]}”候选{len(candidates)}处"]
    if len(candidates) != 1:
        # Several communities share the road: descend each and keep the one that goes deepest.
        if not candidates:
            return Match(None, "", tuple(reasons))
        deepest = [_descend(c, segments[1:]) for c in candidates]
        best = max(len(d[1]) for d in deepest)
        winners = [d for d in deepest if len(d[1]) == best]
        if len(winners) != 1 or best < len(segments) - 1:
            return Match(None, "", (*reasons, "多个社区有同名道路，无法唯一确定"))
        node, matched = winners[0]
    else:
        node, matched = _descend(candidates[0], segments[1:])
    level = node.level
    if len(matched) < len(segments) - 1:
        reasons.append(f"匹配到{node.get_level_display()}，以下层级登记册中没有")
    return Match(node, level, (*reasons, f"标准地址：{node.full_text}"))


def _descend(
    road: StandardAddress, rest: list[tuple[str, str]]
) -> tuple[StandardAddress, list[str]]:
    node, matched = road, []
    for level, label in rest:
        child = StandardAddress.objects.filter(parent=node, level=level, label=label).first()
        if child is None:
            break
        node = child
        matched.append(label)
    return node, matched


def do_link_household_addresses(actor: User | None, households: list[Household]) -> int:
    """Link registry households to the register, by their free-text address; returns the count."""
    if actor is not None and not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色不能关联标准地址")
    linked = 0
    with transaction.atomic():
        for household in households:
            region = Region.objects.get(code=household.region_id)
            match = standardise(household.address, within=region)
            if match.address is None:
                continue
            HouseholdAddressLink.objects.update_or_create(
                household=household,
                defaults={
                    "region_id": household.region_id,
                    "address": match.address,
                    "matched_level": match.level,
                },
            )
            linked += 1
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "household_address_link",
            "batch",
            summary=f"关联标准地址 {linked} 户",
        )
    return linked
