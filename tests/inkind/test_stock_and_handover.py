"""实物救助 end to end: quilts into 南门街道's store, a list drawn from 低保 households or from a
大排摸 campaign, the hand-over confirmed by QR or by a signature checked by its content, stock
issued (never below zero — the database refuses it too), the value booked on the ledger beside
cash, vouchers with their expiry at the boundary."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction

from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.inkind import actions
from minzheng.inkind.demo import signature_png
from minzheng.inkind.models import Handover, Movement, Stock
from minzheng.payments.models import PaymentLine
from tests.outreach.test_campaign import nanmen  # noqa: F401 — the fixture, by name

from .conftest import NANMEN

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)


def png(colour: int, size: tuple[int, int] = (200, 80)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", size, colour).save(out, format="PNG")
    return out.getvalue()


@time_machine.travel(DAY, tick=False)
def test_a_programme_list_is_handed_over_by_qr_and_booked_on_the_ledger(
    quilt: Any, li_on_dibao: Any, caseworker_nanmen: Any
) -> None:
    actions.do_receive_stock(caseworker_nanmen, quilt, township=NANMEN, quantity=3, note="调拨")
    d = actions.do_create_distribution(
        caseworker_nanmen,
        name="冬季送温暖",
        township=NANMEN,
        item=quilt,
        quantity_each=2,
        programme="dibao",
    )
    h = Handover.objects.get(distribution=d)
    assert (h.recipient.name, h.quantity, h.value) == ("李建国", 2, Decimal("300.00"))
    done = actions.do_confirm_handover(None, h, via=Handover.Via.QR)
    assert (done.status, done.confirmed_via) == ("confirmed", "qr")
    assert Stock.objects.get(item=quilt, region_id=NANMEN).quantity == 1
    assert list(Movement.objects.order_by("id").values_list("kind", "quantity", "balance")) == [
        ("receipt", 3, 3),
        ("issue", 2, 1),
    ]
    line = PaymentLine.objects.get(pk=done.payment_line_id)
    assert (line.source, line.kind, line.programme, line.amount_fen) == (
        "k",
        "inkind",
        "dibao",
        30000,
    )
    assert (line.debit, line.credit, line.payee_id) == ("expense", "inventory", h.recipient_id)
    with pytest.raises(ValidationFailed, match="该户已签收，不能重复领取"):
        actions.do_confirm_handover(None, h, via=Handover.Via.QR)
    assert PaymentLine.objects.filter(source="k").count() == 1


@time_machine.travel(DAY, tick=False)
def test_stock_never_goes_below_zero(quilt: Any, li_on_dibao: Any, caseworker_nanmen: Any) -> None:
    actions.do_receive_stock(caseworker_nanmen, quilt, township=NANMEN, quantity=1, note="")
    d = actions.do_create_distribution(
        caseworker_nanmen,
        name="送温暖",
        township=NANMEN,
        item=quilt,
        quantity_each=2,
        programme="dibao",
    )
    h = Handover.objects.get(distribution=d)
    with pytest.raises(ValidationFailed, match="棉被库存不足：需要2床，库存1床"):
        actions.do_confirm_handover(None, h, via=Handover.Via.QR)
    h.refresh_from_db()
    assert h.status == "pending" and PaymentLine.objects.count() == 0
    assert Stock.objects.get().quantity == 1
    # Whatever the code does, the database itself refuses a negative stock.
    with pytest.raises(IntegrityError, match="stock_never_negative"), transaction.atomic():
        Stock.objects.filter(pk=Stock.objects.get().pk).update(quantity=-1)


@time_machine.travel(DAY, tick=False)
def test_a_signature_is_checked_by_its_content(
    quilt: Any, li_on_dibao: Any, caseworker_nanmen: Any
) -> None:
    with pytest.raises(ValidationFailed, match="签字图片是空白的"):
        actions.check_signature(png(255))
    with pytest.raises(ValidationFailed, match="图片不像签字"):
        actions.check_signature(png(0))
    with pytest.raises(
        ValidationFailed,
        match="文件类型不被接受：只接受JPEG 图片、PNG 图片（按文件内容判断，不看扩展名）",
    ):
        actions.check_signature(b"%PDF-1.4 not an image")
    good = actions.check_signature(signature_png())
    actions.do_receive_stock(caseworker_nanmen, quilt, township=NANMEN, quantity=5, note="")
    d = actions.do_create_distribution(
        caseworker_nanmen,
        name="送温暖",
        township=NANMEN,
        item=quilt,
        quantity_each=1,
        programme="dibao",
    )
    h = Handover.objects.get(distribution=d)
    with pytest.raises(PermissionDenied, match="签字确认须由工作人员上传"):
        actions.do_confirm_handover(None, h, via=Handover.Via.SIGNATURE, signature=good)
    done = actions.do_confirm_handover(
        caseworker_nanmen, h, via=Handover.Via.SIGNATURE, signature=good
    )
    assert done.confirmed_via == "signature" and len(done.signature_sha256) == 64


@time_machine.travel(DAY, tick=False)
def test_a_campaign_list_takes_the_townships_targets(
    quilt: Any,
    nanmen: dict[str, Any],  # noqa: F811
    caseworker_nanmen: Any,
    caseworker_xiaying: Any,
) -> None:
    from minzheng.outreach.actions import do_start_campaign

    campaign = do_start_campaign(
        caseworker_nanmen, name="冬季大排摸", rules=["elderly_alone", "severe_disability"]
    )
    d = actions.do_create_distribution(
        caseworker_nanmen,
        name="棉被",
        township=NANMEN,
        item=quilt,
        quantity_each=1,
        campaign=campaign,
    )
    assert sorted(
        Handover.objects.filter(distribution=d).values_list("recipient__name", flat=True)
    ) == [
        "孙老太",
        "钱伟",
    ]
    with pytest.raises(ValidationFailed, match="请选择管辖范围内的乡镇"):
        actions.do_create_distribution(
            caseworker_xiaying,
            name="棉被",
            township=NANMEN,
            item=quilt,
            quantity_each=1,
            campaign=campaign,
        )
    with pytest.raises(ValidationFailed, match="请选择一个大排摸或一个救助项目"):
        actions.do_create_distribution(
            caseworker_nanmen,
            name="棉被",
            township=NANMEN,
            item=quilt,
            quantity_each=1,
            programme="nothing",
        )


def test_a_voucher_is_booked_when_issued_and_refused_after_its_expiry(
    li_on_dibao: Any, caseworker_nanmen: Any
) -> None:
    with time_machine.travel(DAY, tick=False) as clock:
        with pytest.raises(ValidationFailed, match="有效期应晚于今天"):
            actions.do_issue_voucher(
                caseworker_nanmen,
                li_on_dibao,
                value=Decimal("200"),
                purpose="购物",
                expires_on=DAY,
            )
        v = actions.do_issue_voucher(
            caseworker_nanmen,
            li_on_dibao,
            value=Decimal("200.00"),
            purpose="指定超市购物",
            expires_on=DAY + timedelta(days=10),
        )
        line = PaymentLine.objects.get(pk=v.payment_line_id)
        assert (line.kind, line.amount_fen, line.credit) == ("voucher", 20000, "payable")
        clock.move_to(DAY + timedelta(days=11))
        with pytest.raises(ValidationFailed, match="该券已于2026-11-30过期"):
            actions.do_redeem_voucher(caseworker_nanmen, v, day=DAY + timedelta(days=11))
        used = actions.do_redeem_voucher(caseworker_nanmen, v, day=DAY + timedelta(days=10))
        assert (used.status, used.redeemed_on) == ("redeemed", date(2026, 11, 30))
    assert actions.parse_money("12.50") == Decimal("12.50")
    for bad in ("abc", "0", "1.234", "-5"):
        with pytest.raises(ValidationFailed) as caught:
            actions.parse_money(bad)
        assert caught.value.code == "bad_amount"
