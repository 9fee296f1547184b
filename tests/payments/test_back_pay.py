"""补发: a correction for past months is a reasoned back-pay, approved by a second person, audited,
and paid once by the county's next roll — never a back-dated policy value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from minzheng.assistance import actions as assistance
from minzheng.core.errors import NotFound, PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import do_run_roll as run_roll
from minzheng.payments.backpay import do_approve_back_pay, do_propose_back_pay
from minzheng.payments.models import BackPay, PaymentLine
from tests.applications.conftest import at
from tests.conftest import PASSWORD
from tests.payments.conftest import enrol

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 3)


@pytest.fixture
def li_dibao(household_li_three_members: Any) -> Any:
    """李建国's family on 低保 from 2026-09 at 150 元; September and October were paid 50 元 short."""
    return enrol(household_li_three_members, "dibao", "2026-09", "150.00")


@pytest.fixture
def second_approver(make_staff: Any) -> Any:
    return make_staff("approver_haishu_2", "county_approver", "330203000000")


def _propose(actor: Any, enrolment: Any, **kw: str) -> BackPay:
    fields = {
        "from_month": "2026-09",
        "to_month": "2026-10",
        "monthly_amount": "50",
        "reason": "九、十月份按旧标准少发，按复核结论补发差额",
    } | kw
    return do_propose_back_pay(actor, enrolment, **fields)


def test_a_back_pay_waits_for_a_second_person_and_the_next_roll_pays_it_once(
    li_dibao: Any, caseworker_nanmen: Any, approver_haishu: Any, second_approver: Any
) -> None:
    with time_machine.travel(at(TODAY), tick=False):
        back_pay = _propose(approver_haishu, li_dibao)
        assert (back_pay.status, back_pay.total) == (BackPay.Status.PENDING, Decimal("100.00"))
        assert back_pay.payee == li_dibao.household.head
        with pytest.raises(PermissionDenied, match="提出人不能审批"):
            do_approve_back_pay(approver_haishu, back_pay)
        with pytest.raises(PermissionDenied, match="您的角色无权审批补发"):
            do_approve_back_pay(caseworker_nanmen, back_pay)  # no approval role

        run_roll(None, "330203", YearMonth(2026, 12))
        assert not PaymentLine.objects.filter(source="b").exists()  # pending: nothing paid

        approved = do_approve_back_pay(second_approver, back_pay)
        assert approved.pay_month == date(2026, 12, 1) and approved.approved_by == second_approver
        run_roll(None, "330203", YearMonth(2026, 12))
        run_roll(None, "330203", YearMonth(2026, 12))  # a re-run pays nothing twice
    line = PaymentLine.objects.get(source="b", source_id=back_pay.pk)
    assert (line.amount, line.kind, line.is_arrears) == (Decimal("100.00"), "benefit", True)
    assert line.payee_id == li_dibao.household.head_id and line.programme == "dibao"
    events = AuditEvent.objects.filter(object_type="back_pay", object_id=str(back_pay.pk))
    assert [(e.action, e.after["total"], e.after["status"]) for e in events.order_by("at")] == [
        ("create", "100.00", "pending"),
        ("approve", "100.00", "approved"),
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"to_month": "2026-12"}, "只用于已过去的月份"),
        ({"from_month": "2026-10", "to_month": "2026-09"}, "起始月份不能晚于截止月份"),
        ({"from_month": "2026-08"}, "超出该救助对象的保障期间"),
        ({"monthly_amount": "五十"}, "每月补发金额"),
        ({"monthly_amount": "0"}, "应大于0"),
        ({"reason": " "}, "请写明补发理由"),
        ({"from_month": "2026/09"}, "格式应为 YYYY-MM"),
    ],
)
def test_bad_back_pays_are_refused_in_chinese_and_nothing_is_stored(
    li_dibao: Any, caseworker_nanmen: Any, fields: dict[str, str], message: str
) -> None:
    with time_machine.travel(at(TODAY), tick=False), pytest.raises(ValidationFailed, match=message):
        _propose(caseworker_nanmen, li_dibao, **fields)
    assert not BackPay.objects.exists() and not AuditEvent.objects.filter(object_type="back_pay")


def test_months_already_under_a_back_pay_are_refused(li_dibao: Any, caseworker_nanmen: Any) -> None:
    with time_machine.travel(at(TODAY), tick=False):
        _propose(caseworker_nanmen, li_dibao)
        with pytest.raises(ValidationFailed, match="已有待审批或已审批的补发"):
            _propose(caseworker_nanmen, li_dibao, from_month="2026-10", to_month="2026-11")


def test_another_county_can_neither_propose_nor_approve(
    li_dibao: Any, caseworker_nanmen: Any, approver_yinzhou: Any
) -> None:
    with time_machine.travel(at(TODAY), tick=False):
        with pytest.raises(NotFound, match="记录不存在或不在您的管辖范围内"):
            _propose(approver_yinzhou, li_dibao)
        back_pay = _propose(caseworker_nanmen, li_dibao)
        with pytest.raises(NotFound, match="记录不存在或不在您的管辖范围内"):
            do_approve_back_pay(approver_yinzhou, back_pay)


def test_a_policy_value_cannot_be_back_dated_instead(approver_haishu: Any, city_admin: Any) -> None:
    assistance.do_load_parameter_catalog(None)
    with time_machine.travel(at(TODAY), tick=False), pytest.raises(ValidationFailed, match="补发"):
        assistance.do_propose_parameter(
            approver_haishu,
            key="dibao.standard_monthly",
            region_code="330203",
            effective_from=date(2026, 9, 1),
            value="800",
            source="测试：追溯调整（原文未见）",
        )


def test_the_pages_propose_then_a_second_person_approves(
    li_dibao: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    head = li_dibao.household.head
    maker, checker = Client(), Client()
    maker.login(username="caseworker_nanmen", password=PASSWORD)
    checker.login(username="approver_haishu", password=PASSWORD)
    with time_machine.travel(at(TODAY), tick=False):
        history = maker.get(f"/payments/persons/{head.pk}/history/").content.decode()
        assert f"/payments/back-pays/new/{head.pk}/" in history
        form = maker.get(f"/payments/back-pays/new/{head.pk}/").content.decode()
        assert "低保，2026-09起" in form
        bad = maker.post(
            f"/payments/back-pays/new/{head.pk}/",
            {
                "enrolment": li_dibao.pk,
                "from_month": "2026-09",
                "to_month": "2026-12",
                "amount": "50",
                "reason": "少发差额补发",
            },
        )
        assert bad.status_code == 400 and "只用于已过去的月份" in bad.content.decode()
        done = maker.post(
            f"/payments/back-pays/new/{head.pk}/",
            {
                "enrolment": li_dibao.pk,
                "from_month": "2026-09",
                "to_month": "2026-10",
                "amount": "50",
                "reason": "少发差额补发",
            },
        )
        assert done.status_code == 302
        back_pay = BackPay.objects.get()
        mine = maker.get("/payments/back-pays/").content.decode()
        assert "待审批" in mine and "100.00" in mine and 'value="approve"' not in mine
        page = checker.get("/payments/back-pays/").content.decode()
        assert 'value="approve"' in page
        checker.post("/payments/back-pays/", {"back_pay": back_pay.pk, "action": "approve"})
    back_pay.refresh_from_db()
    assert back_pay.status == BackPay.Status.APPROVED and back_pay.approved_by == approver_haishu
