"""Demo: 临时救助 recorded by the demo caseworker — migrants outside the registry, and two
families of 福湖社区 (the demo village assistant's).

One of the synthetic city's planted cases (docs/synthetic_city.md): people from other provinces,
in no household of the registry, whose one-off payment waits for the county approver. In 福湖社区
a family's head was taken into hospital last month (approved by 海曙's approver) and another
family's kitchen burned this week (waiting for him).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from minzheng.core.regioncode import county_of
from minzheng.registry import economy

if TYPE_CHECKING:
    from minzheng.accounts.models import User

DEMO_MIGRANTS = 4
CASEWORKER = "caseworker_nanmen"
APPROVER = "approver_haishu"
VILLAGE = "330203001001"  # 福湖社区
# (reason, months of the 低保 standard, days ago, approved)
VILLAGE_CASES: tuple[tuple[str, int, int, bool], ...] = (
    ("户主突发脑梗住院，医保报销后自付费用较高", 2, 24, True),
    ("厨房失火，炊具和被褥损毁，生活暂时困难", 1, 3, False),
)


def seed_demo(count: int = DEMO_MIGRANTS, seed: int = 2020) -> int:
    """Record `count` migrants' 临时救助 cases (drafts for 海曙's approver); idempotent."""
    from minzheng.accounts.models import User
    from minzheng.assistance.policy import load_policy
    from minzheng.assistance.queries import parameter_set
    from minzheng.core.clock import today
    from minzheng.payments.actions import do_create_temporary_case
    from minzheng.payments.models import TemporaryCase

    caseworker = User.objects.filter(username=CASEWORKER).select_related("region").first()
    if caseworker is None or caseworker.region is None:
        return 0
    made = seed_village_cases(caseworker)
    if TemporaryCase.objects.filter(person__isnull=True, made_by=caseworker).exists():
        return made
    region = caseworker.region
    standard = load_policy(parameter_set(county_of(region.code), today())).standard.value
    for migrant in economy.migrants(np.random.default_rng([seed, 7]), count):
        do_create_temporary_case(
            caseworker,
            region=region,
            amount=Decimal(standard * migrant.standard_multiple),
            reason=f"外来务工人员：{migrant.reason}",
            bank_name="中国农业银行宁波分行",
            account_number=migrant.account_number,
            name=migrant.name,
            id_number=migrant.id_number,
        )
        made += 1
    return made


def seed_village_cases(caseworker: User) -> int:
    """福湖社区's two 临时救助 cases, for its first families' heads; nothing when they exist."""
    from minzheng.accounts.models import User
    from minzheng.assistance.policy import load_policy
    from minzheng.assistance.queries import parameter_set
    from minzheng.core import clock
    from minzheng.payments.actions import do_create_temporary_case, do_decide_temporary_case
    from minzheng.payments.models import TemporaryCase
    from minzheng.registry.models import Household

    if TemporaryCase.objects.filter(region_id=VILLAGE, person__isnull=False).exists():
        return 0
    approver = User.objects.filter(username=APPROVER).first()
    heads = [
        h.head
        for h in Household.objects.filter(
            region_id=VILLAGE, closed_on__isnull=True, head__isnull=False
        )
        .select_related("head", "head__region")
        .order_by("pk")[: len(VILLAGE_CASES)]
    ]
    if not heads:
        return 0
    today = clock.today()
    standard = load_policy(parameter_set(county_of(VILLAGE), today)).standard.value
    rng = np.random.default_rng([2020, 8])
    made = 0
    for head, (reason, months, days_ago, approved) in zip(heads, VILLAGE_CASES, strict=False):
        if head is None or head.region is None:
            continue
        with clock.dated(today - timedelta(days=days_ago)):
            case = do_create_temporary_case(
                caseworker,
                region=head.region,
                amount=Decimal(standard * months),
                reason=reason,
                bank_name="宁波银行海曙支行",
                account_number="6230" + "".join(str(d) for d in rng.integers(0, 10, 15)),
                person=head,
            )
        if approved and approver is not None:
            with clock.dated(today - timedelta(days=days_ago - 2)):
                do_decide_temporary_case(approver, case, approve=True)
        made += 1
    return made
