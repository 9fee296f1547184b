"""A hand-over list names a living member, never a dead head: 李建国 (head) died before the list
was drawn, so his wife 王秀英 receives for the family; a household whose members are all dead is
not listed, and gets no voucher (issue #14: the demo's 实物救助 list named dead heads)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from minzheng.core.errors import ValidationFailed
from minzheng.inkind import actions
from minzheng.inkind.models import Handover
from minzheng.registry.actions import do_record_death
from minzheng.registry.models import Person

from .conftest import NANMEN

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)


def _quilts_for_dibao(caseworker: Any, quilt: Any) -> list[tuple[str, str]]:
    d = actions.do_create_distribution(
        caseworker,
        name="冬季送温暖",
        township=NANMEN,
        item=quilt,
        quantity_each=1,
        programme="dibao",
    )
    rows = Handover.objects.filter(distribution=d).select_related("household__head", "recipient")
    return [(h.household.head.name, h.recipient.name) for h in rows]  # type: ignore[union-attr]


@time_machine.travel(DAY, tick=False)
def test_the_wife_receives_when_the_head_has_died(
    quilt: Any, li_on_dibao: Any, caseworker_nanmen: Any
) -> None:
    head = Person.objects.get(name="李建国")
    do_record_death(None, head, DAY - timedelta(days=10), source="公安")
    assert _quilts_for_dibao(caseworker_nanmen, quilt) == [("李建国", "王秀英")]


@time_machine.travel(DAY, tick=False)
def test_the_living_head_receives(quilt: Any, li_on_dibao: Any, caseworker_nanmen: Any) -> None:
    assert _quilts_for_dibao(caseworker_nanmen, quilt) == [("李建国", "李建国")]


@time_machine.travel(DAY, tick=False)
def test_a_family_with_nobody_alive_is_not_listed_and_gets_no_voucher(
    quilt: Any, li_on_dibao: Any, caseworker_nanmen: Any
) -> None:
    for person in Person.objects.filter(name__in=("李建国", "王秀英", "李明")):
        do_record_death(None, person, DAY - timedelta(days=3), source="公安")
    with pytest.raises(ValidationFailed, match="名单来源中没有本乡镇（街道）的家庭"):
        _quilts_for_dibao(caseworker_nanmen, quilt)
    with pytest.raises(ValidationFailed, match="该户没有在世的家庭成员，不能发券"):
        actions.do_issue_voucher(
            caseworker_nanmen,
            li_on_dibao,
            value=Decimal("200.00"),
            purpose="指定超市购买生活用品",
            expires_on=DAY + timedelta(days=30),
        )
