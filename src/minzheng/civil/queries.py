"""Reads for the civil pages and statistics — always through the region scope."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from minzheng.accounts.scope import ScopedActor
from minzheng.civil.models import (
    ECO_METHODS,
    Burial,
    BurialMethod,
    DivorceApplication,
    JointCase,
    MarriageRegistration,
    RegistrationKind,
)
from minzheng.core.regioncode import county_of, full_code
from minzheng.regions.models import Region


def registrations(actor: ScopedActor, q: str = "") -> QuerySet[MarriageRegistration]:
    rows = MarriageRegistration.objects.visible_to(actor).select_related(
        "office", "party_a", "party_b"
    )
    q = q.strip()
    if q:
        rows = rows.filter(
            Q(certificate_number__icontains=q) | Q(party_a__name=q) | Q(party_b__name=q)
        )
    return rows.order_by("-registered_on", "-pk")


def divorces(actor: ScopedActor, status: str = "") -> QuerySet[DivorceApplication]:
    rows = DivorceApplication.objects.visible_to(actor).select_related(
        "office", "party_a", "party_b", "marriage", "withdrawn_by"
    )
    if status in DivorceApplication.Status.values:
        rows = rows.filter(status=status)
    return rows.order_by("-received_on", "-pk")


def joint_cases(actor: ScopedActor, kind: str = "") -> QuerySet[JointCase]:
    rows = JointCase.objects.visible_to(actor).select_related("person")
    if kind in JointCase.Kind.values:
        rows = rows.filter(kind=kind)
    return rows.order_by("status", "-opened_at", "-pk")


@dataclass(frozen=True, slots=True)
class CountyFigures:
    code: str
    name: str
    marriages: int
    divorces: int
    reissues: int
    cancellations: int
    divorce_withdrawn: int
    divorce_deemed_withdrawn: int
    burials: int
    eco_burials: int
    by_method: dict[str, int]

    @property
    def eco_share(self) -> Decimal | None:
        if not self.burials:
            return None
        return (Decimal(self.eco_burials) * 100 / self.burials).quantize(Decimal("0.1"))


def figures(actor: ScopedActor, year: int | None = None) -> list[CountyFigures]:
    """Registrations, divorce outcomes and the eco-burial share by county (by the row's region)."""
    regs = MarriageRegistration.objects.visible_to(actor)
    divs = DivorceApplication.objects.visible_to(actor)
    burials = Burial.objects.visible_to(actor)
    if year is not None:
        regs = regs.filter(registered_on__year=year)
        divs = divs.filter(received_on__year=year)
        burials = burials.filter(buried_on__year=year)
    counts: dict[str, dict[str, int]] = {}

    def add(county: str, key: str, n: int) -> None:
        counts.setdefault(county, {})[key] = counts.get(county, {}).get(key, 0) + n

    for row in regs.values("region_id", "kind").annotate(n=Count("id")):
        add(county_of(row["region_id"]), row["kind"], row["n"])
    for d in divs.values("region_id", "status").annotate(n=Count("id")):
        add(county_of(d["region_id"]), f"divorce_{d['status']}", d["n"])
    for b in burials.values("region_id", "method").annotate(n=Count("id")):
        add(county_of(b["region_id"]), f"burial_{b['method']}", b["n"])
    names = {
        county_of(r.code): r.name
        for r in Region.objects.filter(code__in=[full_code(c) for c in counts])
    }
    out = []
    for code in sorted(counts):
        c = counts[code]
        by_method = {m.label: c.get(f"burial_{m.value}", 0) for m in BurialMethod}
        out.append(
            CountyFigures(
                code,
                names.get(code, code),
                c.get(RegistrationKind.MARRIAGE, 0),
                c.get(RegistrationKind.DIVORCE, 0),
                c.get(RegistrationKind.REISSUE, 0),
                c.get(RegistrationKind.CANCELLATION, 0),
                c.get("divorce_withdrawn", 0),
                c.get("divorce_deemed_withdrawn", 0),
                sum(by_method.values()),
                sum(c.get(f"burial_{m.value}", 0) for m in ECO_METHODS),
                by_method,
            )
        )
    return out
