"""适老化改造 through the actions: the whole workflow to the ledger, the cap of the article, photos
checked by content, permissions and scope, and bad input that changes nothing."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from minzheng.core.errors import DomainError, NotFound, PermissionDenied
from minzheng.core.models import AuditEvent
from minzheng.eldercare import adaptation
from minzheng.eldercare.home_queries import adaptation_figures
from minzheng.eldercare.models import Adaptation, AdaptationPhoto
from minzheng.payments.models import PaymentLine

D = Decimal
LARGE = (
    ("anti_slip_floor", 1, "6800"),
    ("wheelchair_ramp", 1, "3200"),
    ("bedside_rail", 2, "650"),
    ("grab_bar", 4, "280"),
    ("smart_alarm", 1, "1200"),
)


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, format="PNG")
    return out.getvalue()


def planned(caseworker: Any, person: Any, items: Any = LARGE) -> Adaptation:
    today = timezone.localdate()
    row = adaptation.do_apply(caseworker, person.pk, applied_by="self")
    adaptation.do_record_visit(
        caseworker, row.pk, visited_on=today, notes="卫生间湿滑", contractor="甬安适老工程公司"
    )
    for code, quantity, price in items:
        adaptation.do_add_item(
            caseworker, row.pk, code=code, quantity=quantity, unit_price=D(price)
        )
    return Adaptation.objects.get(pk=row.pk)


def test_a_home_is_adapted_from_application_to_the_ledger(
    elders_fuhu: dict[str, Any], caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    person = elders_fuhu["钱永福"]
    row = planned(caseworker_nanmen, person)
    # 6800 + 3200 + 1300 = 11300, then grab bars 1120 of which 700 fit: the cap of 12,000 元;
    # the alarm (self-paid) is the household's.
    assert (row.status, row.cap, row.total, row.subsidy, row.own_share) == (
        "visited",
        D("12000.00"),
        D("13620.00"),
        D("12000.00"),
        D("1620.00"),
    )
    assert [(i.code, i.subsidy, i.own_share) for i in row.items.all()][3:] == [
        ("grab_bar", D("700.00"), D("420.00")),
        ("smart_alarm", D("0.00"), D("1200.00")),
    ]
    # Removing the large floor item reprices the rest: everything basic is then within the cap.
    floor = row.items.get(code="anti_slip_floor")
    adaptation.do_remove_item(caseworker_nanmen, row.pk, floor.pk)
    row.refresh_from_db()
    assert (row.subsidy, row.own_share) == (D("5620.00"), D("1200.00"))
    adaptation.do_add_item(
        caseworker_nanmen, row.pk, code="anti_slip_floor", quantity=1, unit_price=D("6800")
    )
    adaptation.do_decide(approver_haishu, row.pk, approve=True, reason="")
    adaptation.do_complete(
        caseworker_nanmen,
        row.pk,
        completed_on=timezone.localdate(),
        notes="验收合格",
        photos=[png(), png()],
    )
    assert AdaptationPhoto.objects.filter(adaptation=row).count() == 2
    paid = adaptation.do_pay(approver_haishu, row.pk)
    line = PaymentLine.objects.get(pk=paid.payment_line_id)
    assert (line.source, line.kind, line.programme, line.amount_fen, line.region_id) == (
        "a",
        "adapt_payable",
        "shilaohua",
        1_200_000,
        person.region_id,
    )
    assert (line.debit, line.credit, line.payee_id) == ("expense", "payable", None)
    assert paid.status == "paid" and paid.paid_by == approver_haishu
    events = AuditEvent.objects.filter(object_type="home_adaptation", object_id=str(row.pk))
    assert events.count() == 12  # apply, visit, 5 items, remove, add, approve, complete, pay
    [figures] = adaptation_figures(approver_haishu)
    assert (figures.county, figures.adapted, figures.paid, figures.subsidy_paid) == (
        "海曙区",
        1,
        1,
        D("12000.00"),
    )
    # Paid once: a second payment is refused and the ledger keeps one line.
    with pytest.raises(DomainError, match="已支付"):
        adaptation.do_pay(approver_haishu, row.pk)
    assert PaymentLine.objects.filter(kind="adapt_payable").count() == 1


def test_a_page_renamed_jpg_is_refused_and_nothing_is_recorded(
    elders_fuhu: dict[str, Any], caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    row = planned(caseworker_nanmen, elders_fuhu["钱阿婆"], LARGE[:1])
    adaptation.do_decide(approver_haishu, row.pk, approve=True, reason="")
    for photos, message in (
        ([b"<html><script>alert(1)</script></html>"], "文件类型不被接受"),
        ([png(), b"\xff\xd8\xffnot really a jpeg"], "图片已损坏"),
        ([], "请上传至少一张验收照片"),
    ):
        with pytest.raises(DomainError, match=message):
            adaptation.do_complete(
                caseworker_nanmen,
                row.pk,
                completed_on=timezone.localdate(),
                notes="验收",
                photos=photos,
            )
    row.refresh_from_db()
    assert row.status == "approved" and not AdaptationPhoto.objects.exists()


def test_permissions_and_scope(
    elders_fuhu: dict[str, Any],
    caseworker_nanmen: Any,
    caseworker_xiaying: Any,
    approver_haishu: Any,
    approver_yinzhou: Any,
    auditor: Any,
) -> None:
    person = elders_fuhu["孙桂兰"]
    with pytest.raises(PermissionDenied, match="只有乡镇经办员、村社协理员可以受理适老化改造申请"):
        adaptation.do_apply(approver_haishu, person.pk, applied_by="self")
    with pytest.raises(PermissionDenied, match="只有乡镇经办员、村社协理员可以受理适老化改造申请"):
        adaptation.do_apply(auditor, person.pk, applied_by="self")
    with pytest.raises(
        NotFound, match="人员不存在或不在您的管辖范围内"
    ):  # 下应街道 (鄞州) cannot reach a 海曙 person
        adaptation.do_apply(caseworker_xiaying, person.pk, applied_by="self")
    row = planned(caseworker_nanmen, person, LARGE[1:2])
    with pytest.raises(PermissionDenied, match="只有县级审核审批员可以审批适老化改造"):
        adaptation.do_decide(caseworker_nanmen, row.pk, approve=True, reason="")
    with pytest.raises(NotFound, match="适老化改造记录不存在或不在您的管辖范围内"):
        adaptation.do_decide(approver_yinzhou, row.pk, approve=True, reason="")
    with pytest.raises(NotFound, match="适老化改造记录不存在或不在您的管辖范围内"):
        adaptation.do_add_item(
            caseworker_xiaying, row.pk, code="wheelchair_ramp", quantity=1, unit_price=D("1")
        )
    assert Adaptation.objects.visible_to(approver_yinzhou).count() == 0
    assert Adaptation.objects.visible_to(approver_haishu).count() == 1
    row.refresh_from_db()
    assert (row.status, row.items.count()) == ("visited", 1)


def test_bad_input_changes_nothing(
    elders_fuhu: dict[str, Any],
    household_li_three_members: Any,
    caseworker_nanmen: Any,
    approver_haishu: Any,
) -> None:
    from minzheng.registry.models import Person

    li_ming = Person.objects.get(name="李明")
    with pytest.raises(DomainError, match="未满60周岁"):
        adaptation.do_apply(caseworker_nanmen, li_ming.pk, applied_by="self")
    person = elders_fuhu["钱老太"]
    with pytest.raises(DomainError, match="请选择申请方式"):
        adaptation.do_apply(caseworker_nanmen, person.pk, applied_by="neighbour")
    with pytest.raises(DomainError, match="请填写代办人姓名"):
        adaptation.do_apply(caseworker_nanmen, person.pk, applied_by="family")
    assert not Adaptation.objects.exists()
    row = adaptation.do_apply(
        caseworker_nanmen, person.pk, applied_by="family", applicant_name="钱女"
    )
    with pytest.raises(DomainError, match="已有办理中"):
        adaptation.do_apply(caseworker_nanmen, person.pk, applied_by="self")
    with pytest.raises(DomainError, match="只能在“已入户评估”时进行"):
        adaptation.do_add_item(
            caseworker_nanmen, row.pk, code="wheelchair_ramp", quantity=1, unit_price=D("100")
        )
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError, match="不能晚于今天"):
        adaptation.do_record_visit(
            caseworker_nanmen, row.pk, visited_on=tomorrow, notes="x", contractor="y"
        )
    with pytest.raises(DomainError, match="请填写施工单位"):
        adaptation.do_record_visit(
            caseworker_nanmen, row.pk, visited_on=timezone.localdate(), notes="x", contractor=" "
        )
    adaptation.do_record_visit(
        caseworker_nanmen, row.pk, visited_on=timezone.localdate(), notes="x", contractor="y"
    )
    with pytest.raises(DomainError, match="改造项目清单为空"):
        adaptation.do_decide(approver_haishu, row.pk, approve=True, reason="")
    adaptation.do_add_item(
        caseworker_nanmen, row.pk, code="wheelchair_ramp", quantity=1, unit_price=D("100")
    )
    with pytest.raises(DomainError, match="已在清单中"):
        adaptation.do_add_item(
            caseworker_nanmen, row.pk, code="wheelchair_ramp", quantity=1, unit_price=D("100")
        )
    with pytest.raises(DomainError, match="请填写审批意见"):
        adaptation.do_decide(approver_haishu, row.pk, approve=False, reason="  ")
    with pytest.raises(DomainError, match="只能在“已验收”时进行"):
        adaptation.do_pay(approver_haishu, row.pk)
    row.refresh_from_db()
    assert (row.status, row.items.count(), row.subsidy) == ("visited", 1, D("100.00"))
    refused = adaptation.do_decide(approver_haishu, row.pk, approve=False, reason="已享受同类补贴")
    assert (refused.status, refused.decision_reason) == ("refused", "已享受同类补贴")
    assert not PaymentLine.objects.exists()
