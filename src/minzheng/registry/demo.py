"""Demo: migrants outside the registry who need 临时救助, recorded by the demo caseworker.

One of the synthetic city's planted cases (docs/synthetic_city.md): people from other provinces,
in no household of the registry, whose one-off payment waits for the county approver.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from minzheng.core.regioncode import county_of
from minzheng.registry import economy

DEMO_MIGRANTS = 4
CASEWORKER = "caseworker_nanmen"


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
    if TemporaryCase.objects.filter(person__isnull=True, made_by=caseworker).exists():
        return 0
    region = caseworker.region
    standard = load_policy(parameter_set(county_of(region.code), today())).standard.value
    made = 0
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
