"""The seed hook sizes the institutions to the registry: 5.57 beds per 100 elderly and 56 %
nursing beds, residents among the county's elderly, inspections, policies and claims on every
role's page — and a second run adds nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from minzheng.institutions import queries
from minzheng.institutions.demo import seed_for_registry
from minzheng.institutions.models import Claim, Inspection, Institution, InsurancePolicy, Residency
from minzheng.registry.models import Person

pytestmark = pytest.mark.django_db


def _elderly(regions: None, n: int) -> None:
    """n persons of 福湖社区 born 1930–1964 (all 60+ on the day), and 100 younger ones."""
    Person.objects.bulk_create(
        [
            Person(
                name=f"老人{k}",
                sex="女",
                birth_date=date(1930 + k % 35, 1 + k % 12, 1),
                region_id="330203001001",
            )
            for k in range(n)
        ]
        + [
            Person(name=f"青年{k}", sex="男", birth_date=date(1990, 1, 1), region_id="330203001001")
            for k in range(100)
        ]
    )


def test_the_hook_sizes_beds_to_the_registry(
    regions: None,
    city_admin: Any,
    assistant_fuhu: Any,
    caseworker_nanmen: Any,
    approver_haishu: Any,
) -> None:
    _elderly(regions, 2_000)
    day = timezone.localdate()
    made = seed_for_registry(day, seed=7)
    rows, total = queries.indicators(city_admin, day)
    haishu = next(r for r in rows if r.name == "海曙区")
    # round(2,000 × 5.57 ÷ 100) = 111 beds; round(111 × 56 %) = 62 nursing.
    assert (made, haishu.beds, haishu.elderly) == (111, 111, 2_000)
    assert haishu.per_100 == Decimal("5.55")
    assert (haishu.nursing_beds, haishu.nursing_share) == (62, Decimal("55.86"))
    # About two thirds occupied, by persons aged 70+, each in one bed.
    assert haishu.occupied == Residency.objects.count() == round(111 * 0.65)
    assert all(
        r.person.birth_date <= date(day.year - 70, day.month, day.day)
        for r in Residency.objects.select_related("person")
    )
    assert total.beds == 111  # the other counties have no persons, so no beds
    # Every institution inspected and insured in force; some claims waiting for the county.
    n = Institution.objects.count()
    assert Inspection.objects.count() == n == InsurancePolicy.objects.count()
    assert Claim.objects.filter(status="filed").exists() or n < 2
    # The village assistant and the township caseworker both see an institution.
    assert queries.institutions_visible(assistant_fuhu).count() == 1
    assert queries.institutions_visible(caseworker_nanmen).count() == n
    assert queries.insurance_totals(approver_haishu, day).elderly == haishu.occupied
    assert seed_for_registry(day) == 0
    assert Institution.objects.count() == n
