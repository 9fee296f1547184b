"""The demo's campaign: targets in 海曙, a third of them visited, about one in ten newly covered."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng.outreach.demo import seed_demo
from minzheng.outreach.models import Target

from .test_campaign import nanmen  # noqa: F401 — the fixture, by name

pytestmark = pytest.mark.django_db


def test_the_demo_runs_one_campaign_once(
    nanmen: dict[str, Any],  # noqa: F811
    approver_haishu: Any,
) -> None:
    assert seed_demo() == 4
    assert Target.objects.exclude(outcome="").count() == 2  # targets 1 and 4 of 4
    assert seed_demo() == 0
