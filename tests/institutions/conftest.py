"""An institution in 福湖社区 (南门街道, 海曙) registered by 南门's caseworker, with beds and a policy."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from minzheng.institutions import actions

FUHU = "330203001001"


@pytest.fixture
def home(caseworker_nanmen: Any) -> Any:
    """福湖颐养院: 3 nursing and 2 ordinary beds."""
    institution = actions.do_register_institution(
        caseworker_nanmen,
        name="福湖颐养院",
        kind="public_private",
        licence_no="330203养备20200001",
        filed_on=date(2020, 5, 1),
        valid_until=None,
        region_code=FUHU,
        operator="宁波福湖养老服务有限公司",
    )
    actions.do_add_beds(caseworker_nanmen, institution.pk, kind="nursing", count=3)
    actions.do_add_beds(caseworker_nanmen, institution.pk, kind="ordinary", count=2)
    return institution


@pytest.fixture
def policy(home: Any, caseworker_nanmen: Any) -> Any:
    today = timezone.localdate()
    return actions.do_add_policy(
        caseworker_nanmen,
        home.pk,
        insurer="中国人民财产保险股份有限公司宁波市分公司",
        policy_no="ZRX-TEST-1",
        starts_on=today - timedelta(days=100),
        ends_on=today + timedelta(days=265),
        premium="500.00",
        cover="30000.00",
        insured_elderly=5,
    )
