"""Demo data for the institution registry, sized to the registry it lands in.

`seed_for_registry(day, seed)` is the hook: for every county with registry persons it registers
institutions whose beds come to the article's 5.57 per 100 elderly (registry persons aged 60+ on
`day`), 56 % of them nursing beds, about two thirds occupied by the county's elderly, one
inspection each (some with an open or overdue rectification), a 综合责任险 policy in force and a
few claims (paid, refused and waiting for the county). Rows are bulk-inserted, so the same hook
serves the demo's few thousand persons and the synthetic city's million; one audit event records
the run. Idempotent: with institutions present it adds nothing and returns 0."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from minzheng.accounts.scope import region_q
from minzheng.core import audit, clock
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import RegionCode
from minzheng.institutions.models import (
    Bed,
    Claim,
    Inspection,
    Institution,
    InsurancePolicy,
    Residency,
)
from minzheng.institutions.queries import elderly_count
from minzheng.institutions.rules import ARTICLE_NURSING_SHARE, ARTICLE_PER_100, elderly_born_by
from minzheng.regions.models import Level, Region
from minzheng.registry.models import Person

SEED = 5570
CITY = "330200000000"
FUHU = "330203001001"  # the demo's village assistant: one institution in the village itself
OCCUPANCY = 0.65  # illustrative
PREMIUM_PER_ELDERLY = Decimal("100.00")  # illustrative (no Ningbo figure found)
COVER_PER_ELDERLY = Decimal("65800.00")  # the article: 256.7 亿元 cover for 390,000 elderly
KINDS = (("public", 3), ("public_private", 2), ("private", 5))
DESCRIPTIONS = ("老人夜间如厕跌倒致骨折", "用餐时噎食送医", "床边摔伤", "走失后寻回，就医检查")
SUFFIX = {"public": "中心敬老院", "public_private": "颐养院", "private": "护理院"}


def _sizes(rng: random.Random, total: int) -> list[int]:
    sizes: list[int] = []
    while total > 0:
        n = min(total, rng.randint(30, 150))
        sizes.append(n)
        total -= n
    return sizes


def seed_for_registry(day: date | None = None, seed: int = SEED) -> int:
    """Returns the number of beds made (0 when institutions already exist)."""
    if Institution.objects.exists():
        return 0
    day = day or clock.today()
    rng = random.Random(seed)
    share = float(ARTICLE_NURSING_SHARE) / 100
    made = 0
    with transaction.atomic():
        for county in Region.objects.filter(level=Level.COUNTY, parent_id=CITY).order_by("code"):
            unit = RegionCode.of(county.code, county.level)
            elderly = elderly_count(unit, day)
            target = round(elderly * float(ARTICLE_PER_100) / 100)
            places = list(
                Region.objects.filter(region_q(unit, "code"), level=Level.TOWNSHIP)
                .filter(code__in=Person.objects.filter(region_q(unit)).values("region__parent_id"))
                .order_by("code")
            )
            if target <= 0 or not places:
                continue
            made += _seed_county(rng, county, unit, places, target, share, day)
        if made:
            audit.record(
                None,
                AuditEvent.Action.CREATE,
                "institution",
                "",
                summary=f"演示数据：按人员库生成养老机构床位 {made} 张",
            )
    return made


def _seed_county(
    rng: random.Random,
    county: Region,
    unit: RegionCode,
    places: list[Region],
    target: int,
    share: float,
    day: date,
) -> int:
    institutions: list[Institution] = []
    sizes = _sizes(rng, target)
    for n in range(len(sizes)):
        kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
        township = places[n % len(places)]
        region_id = township.code
        if n == 0 and unit.contains(FUHU) and Region.objects.filter(pk=FUHU).exists():
            region_id = FUHU
        institutions.append(
            Institution(
                name=f"{township.name}{SUFFIX[kind]}"
                + (f"（{n // len(places) + 1}）" if n >= len(places) else ""),
                kind=kind,
                licence_no=f"{unit.county_prefix}养备{day.year - 3}{n + 1:04d}",
                filed_on=day - timedelta(days=400 + rng.randint(0, 2000)),
                valid_until=None,
                region_id=region_id,
                address=f"{township.name}养老服务中心路{n + 1}号",
                operator=f"{township.name}养老服务有限公司"
                if kind != "public"
                else f"{township.name}人民政府",
            )
        )
    Institution.objects.bulk_create(institutions)
    institutions = list(Institution.objects.filter(region_q(unit)).order_by("id"))
    # Nursing beds: the article's share of the county's beds, spread over its institutions
    # (public homes a little above it, private ones a little below), exact in the total.
    nursing_left = round(sum(sizes) * share)
    beds: list[Bed] = []
    for k, (inst, size) in enumerate(zip(institutions, sizes, strict=True)):
        if k == len(sizes) - 1:
            nursing = nursing_left
        else:
            lean = {"public": 0.1, "public_private": 0.0, "private": -0.05}[inst.kind]
            nursing = round(size * min(max(share + lean, 0.0), 1.0))
        nursing = max(0, min(size, nursing, nursing_left))
        nursing_left -= nursing
        beds += [
            Bed(
                institution=inst,
                region_id=inst.region_id,
                kind="nursing" if b < nursing else "ordinary",
                number=str(b + 1),
            )
            for b in range(size)
        ]
    Bed.objects.bulk_create(beds, batch_size=2000)
    # Residents: the county's oldest living elderly, about two thirds of the beds.
    want = round(len(beds) * OCCUPANCY)
    people = list(
        Person.objects.filter(region_q(unit), birth_date__lte=elderly_born_by(day, 70))
        .filter(date_of_death__isnull=True)
        .order_by("birth_date", "id")
        .values_list("id", flat=True)[:want]
    )
    all_beds = list(
        Bed.objects.filter(region_q(unit))
        .order_by("id")
        .values_list("id", "institution_id", "region_id")
    )
    rng.shuffle(all_beds)
    residencies = [
        Residency(
            institution_id=inst_id,
            bed_id=bed_id,
            person_id=person_id,
            region_id=region_id,
            admitted_on=day - timedelta(days=rng.randint(1, 900)),
        )
        for person_id, (bed_id, inst_id, region_id) in zip(people, all_beds, strict=False)
    ]
    Residency.objects.bulk_create(residencies, batch_size=2000)
    residents = {i.pk: 0 for i in institutions}
    for r in residencies:
        residents[r.institution_id] += 1
    inspections, policies = [], []
    for n, inst in enumerate(institutions):
        inspected = day - timedelta(days=rng.randint(10, 200))
        result = ("pass", "pass", "rectify", "pass", "serious")[n % 5]
        rectify_by = inspected + timedelta(days=30) if result != "pass" else None
        done = rectify_by is not None and n % 3 == 0 and rectify_by < day
        inspections.append(
            Inspection(
                institution=inst,
                region_id=inst.region_id,
                inspected_on=inspected,
                findings=(
                    "消防设施完好，护理记录齐全"
                    if result == "pass"
                    else (
                        "部分房间未安装紧急呼叫装置"
                        if result == "rectify"
                        else "消防通道堵塞，疏散指示缺失"
                    )
                ),
                result=result,
                rectify_by=rectify_by,
                rectified_on=rectify_by - timedelta(days=3) if done and rectify_by else None,
            )
        )
        insured = max(residents[inst.pk], 1)
        policies.append(
            InsurancePolicy(
                institution=inst,
                region_id=inst.region_id,
                insurer=(
                    "中国人民财产保险股份有限公司宁波市分公司",
                    "中国太平洋财产保险股份有限公司宁波分公司",
                )[n % 2],
                policy_no=f"ZRX{unit.county_prefix}{day.year}{n + 1:05d}",
                starts_on=date(day.year, 1, 1),
                ends_on=date(day.year, 12, 31),
                premium=PREMIUM_PER_ELDERLY * insured,
                cover=COVER_PER_ELDERLY * insured,
                insured_elderly=insured,
            )
        )
    Inspection.objects.bulk_create(inspections)
    InsurancePolicy.objects.bulk_create(policies)
    saved = list(InsurancePolicy.objects.filter(region_q(unit)).order_by("id"))
    by_inst = {r.institution_id: r.person_id for r in residencies}
    claims = []
    statuses = ("paid", "filed", "refused", "paid")
    chosen = [(n, p, statuses[n % 4]) for n, p in enumerate(saved[::2])]
    if saved and all(status != "filed" for _, _, status in chosen):
        chosen.append((len(chosen), saved[0], "filed"))  # one waiting for the county's decision
    for n, policy, status in chosen:
        incident = max(policy.starts_on, day - timedelta(days=rng.randint(1, 120)))
        amount = Decimal(rng.randint(20, 500) * 100)
        claims.append(
            Claim(
                policy=policy,
                region_id=policy.region_id,
                person_id=by_inst.get(policy.institution_id),
                incident_on=min(incident, day),
                description=DESCRIPTIONS[n % len(DESCRIPTIONS)],
                claimed=amount,
                paid=(amount * Decimal("0.8")).quantize(Decimal("0.01"))
                if status == "paid"
                else None,
                status=status,
                decided_on=min(incident + timedelta(days=20), day) if status != "filed" else None,
                decision_note="不属于保险责任范围" if status == "refused" else "",
            )
        )
    Claim.objects.bulk_create(claims)
    return len(beds)


def seed_demo() -> int:
    return seed_for_registry()
