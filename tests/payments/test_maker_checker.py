from __future__ import annotations

from typing import Any

import pytest

from minzheng.core.errors import NotFound, PermissionDenied, ValidationFailed
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import do_approve_roll, do_export_bank_file, do_run_roll
from minzheng.payments.models import Roll

from .conftest import enrol

pytestmark = pytest.mark.django_db
MARCH = YearMonth(2020, 3)


@pytest.fixture
def second_approver_haishu(make_staff: Any) -> Any:
    return make_staff("approver_haishu_2", "county_approver", "330203000000")


def test_the_maker_cannot_approve_their_own_roll(dibao_li: Any, approver_haishu: Any) -> None:
    roll = do_run_roll(approver_haishu, "330203", MARCH).roll
    with pytest.raises(PermissionDenied, match="制单人不能审批"):
        do_approve_roll(approver_haishu, roll)
    assert Roll.objects.get(pk=roll.pk).status == "draft"


def test_a_caseworker_cannot_approve_a_roll(
    dibao_li: Any, approver_haishu: Any, caseworker_nanmen: Any
) -> None:
    roll = do_run_roll(approver_haishu, "330203", MARCH).roll
    with pytest.raises(PermissionDenied, match="您的角色无权执行此操作"):
        do_approve_roll(caseworker_nanmen, roll)


def test_another_countys_approver_cannot_see_the_roll(
    dibao_li: Any, approver_haishu: Any, approver_yinzhou: Any
) -> None:
    roll = do_run_roll(approver_haishu, "330203", MARCH).roll
    with pytest.raises(NotFound, match="记录不存在或不在您的管辖范围内"):
        do_approve_roll(approver_yinzhou, roll)


def test_a_township_caseworker_cannot_make_a_county_roll(caseworker_nanmen: Any) -> None:
    with pytest.raises(PermissionDenied, match="只能由县级或市级人员生成全县花名册"):
        do_run_roll(caseworker_nanmen, "330203", MARCH)


def test_an_unapproved_roll_cannot_be_exported(dibao_li: Any, approver_haishu: Any) -> None:
    roll = do_run_roll(approver_haishu, "330203", MARCH).roll
    with pytest.raises(ValidationFailed, match="未经审批"):
        do_export_bank_file(approver_haishu, roll)


def test_a_change_after_approval_goes_into_a_new_version(
    dibao_li: Any, tekun_zhao: Any, approver_haishu: Any, second_approver_haishu: Any
) -> None:
    first = do_run_roll(approver_haishu, "330203", MARCH).roll
    do_approve_roll(second_approver_haishu, first)
    with pytest.raises(ValidationFailed, match="已审批"):
        do_approve_roll(second_approver_haishu, first)

    nothing_new = do_run_roll(approver_haishu, "330203", MARCH)
    assert nothing_new.inserted == 0
    assert Roll.objects.filter(county_id="330203000000").count() == 1

    from datetime import date

    from .conftest import person_household

    late = person_household("330203001001", "孙桂芳", "330203196003031225", date(1960, 3, 3))
    enrol(late, "dibao", "2020-03", "480.00", person=late.head)
    second = do_run_roll(approver_haishu, "330203", MARCH).roll
    assert (first.version, second.version) == (1, 2)
    assert first.lines.count() == 2 and second.lines.count() == 1
    assert Roll.objects.get(pk=second.pk).status == "draft"
