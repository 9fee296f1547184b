"""The demo's registry — 100,000 synthetic residents, every one with a distinct valid ID number —
sends nobody to review: no two of them share enough to be worth a clerk's look. (Before the fix
it sent 14 pairs at probability 1.000, 杨涛 and 张海峰 among them with only a birth date in
common.)"""

from __future__ import annotations

from datetime import date

import pytest

from minzheng.linkage.actions import do_run_linkage
from minzheng.linkage.models import CandidatePair
from minzheng.registry.models import Person
from minzheng.registry.seed import seed_registry

DEMO_SEED = 2020  # core.demo.DEMO_SEED


@pytest.mark.django_db
def test_the_demo_registry_yields_no_candidate_pair(regions: None) -> None:
    seed_registry("district", DEMO_SEED)
    assert Person.objects.count() == 100_000

    run = do_run_linkage(None, today=date(2026, 12, 1))

    assert run.records == 100_000
    assert run.pairs_queued == 0
    assert CandidatePair.objects.count() == 0
