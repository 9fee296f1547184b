from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.core.audit import AuditEvent
from minzheng.core.creditcode import build
from minzheng.core.errors import DomainError, NotFound, PermissionDenied
from minzheng.organisations import actions
from minzheng.organisations.models import Organisation, RegistrationApplication

from .conftest import GROUP_CODE, HAISHU

DATA = {
    "name": "宁波市海曙区社区养老服务中心",
    "kind": "social_service",
    "supervising_unit": "海曙区民政局",
    "legal_rep_name": "陈晓红",
    "registered_capital": "100000.00",
    "scope": "居家养老上门服务",
}


def accept(actor: Any, on: date = date(2025, 9, 26), **changes: Any) -> RegistrationApplication:
    return actions.do_accept_registration(
        actor, type="establish", region_code=HAISHU, data={**DATA, **changes}, accepted_on=on
    )


def test_deadlines_are_counted_in_working_days_across_the_national_day_holiday(
    catalog: None, approver_haishu: Any
) -> None:
    # Friday 26 Sep 2025: 28 Sep and 11 Oct are make-up working days, 1–8 Oct are holidays.
    app = accept(approver_haishu)
    assert app.review_due == date(2025, 10, 16)  # 10 working days (illustrative parameter)
    assert app.decision_due == date(2025, 10, 30)  # 20 working days (illustrative parameter)
    assert app.parameter_versions == [
        "organisations.registration.review_working_days@000000@2020-01-01",
        "organisations.registration.decision_working_days@000000@2020-01-01",
    ]
    assert app.number == "SZDJ2025000001"


def test_establishment_goes_through_review_and_approval_and_creates_the_organisation(
    catalog: None, approver_haishu: Any
) -> None:
    app = accept(approver_haishu)
    actions.do_review_registration(
        approver_haishu, app.pk, passed=True, note="", on=date(2025, 10, 9)
    )
    code = build("5", "2", "330203", "MJ000002")
    app = actions.do_decide_registration(
        approver_haishu, app.pk, approve=True, on=date(2025, 10, 10), credit_code=code.lower()
    )
    org = app.organisation
    assert org is not None
    assert (org.credit_code, org.kind, org.authority) == (code, "social_service", "海曙区民政局")
    assert org.registered_capital == Decimal("100000.00")
    assert org.certificate_valid_until == date(2030, 10, 9)  # 5 years (illustrative)
    assert app.status == "approved"
    assert (
        AuditEvent.objects.filter(object_type="organisation_application", action="approve").count()
        == 1
    )


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (build("9", "1", "330203", "MJ000002"), "credit_code_kind_mismatch"),  # a company's code
        (build("5", "1", "330203", "MJ000002"), "credit_code_kind_mismatch"),  # a social group's
        (build("5", "2", "330212", "MJ000002"), "credit_code_region_mismatch"),  # 鄞州's
        ("52330203MJ00000264", "bad_check_digit"),
    ],
)
def test_a_credit_code_that_does_not_fit_is_refused_and_nothing_is_created(
    catalog: None, approver_haishu: Any, code: str, error: str
) -> None:
    app = accept(approver_haishu)
    actions.do_review_registration(
        approver_haishu, app.pk, passed=True, note="", on=date(2025, 10, 9)
    )
    with pytest.raises(DomainError) as caught:
        actions.do_decide_registration(
            approver_haishu, app.pk, approve=True, on=date(2025, 10, 10), credit_code=code
        )
    assert caught.value.code == error
    assert not Organisation.objects.exists()
    assert RegistrationApplication.objects.get().status == "reviewed"


def test_bad_capital_is_a_chinese_error(catalog: None, approver_haishu: Any) -> None:
    with pytest.raises(DomainError) as caught:
        accept(approver_haishu, registered_capital="十万")
    assert caught.value.code == "bad_amount"
    assert caught.value.message == "注册资金应为数字：十万"
    assert not RegistrationApplication.objects.exists()


def test_a_change_applies_only_the_changed_particulars(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    app = actions.do_accept_registration(
        approver_haishu,
        type="change",
        region_code=HAISHU,
        data={"legal_rep_name": "李秀英", "registered_capital": "50000"},
        accepted_on=date(2025, 3, 3),
        organisation_id=haishu_science_society.pk,
    )
    actions.do_review_registration(
        approver_haishu, app.pk, passed=True, note="", on=date(2025, 3, 4)
    )
    actions.do_decide_registration(approver_haishu, app.pk, approve=True, on=date(2025, 3, 5))
    org = Organisation.objects.get(pk=haishu_science_society.pk)
    assert (org.legal_rep_name, org.registered_capital) == ("李秀英", Decimal("50000.00"))
    assert org.scope == "学术交流、科普宣传"


def test_deregistration_closes_the_organisation(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    app = actions.do_accept_registration(
        approver_haishu,
        type="deregister",
        region_code=HAISHU,
        data={},
        accepted_on=date(2025, 3, 3),
        organisation_id=haishu_science_society.pk,
        reason="清算完成",
    )
    actions.do_review_registration(
        approver_haishu, app.pk, passed=True, note="", on=date(2025, 3, 4)
    )
    actions.do_decide_registration(approver_haishu, app.pk, approve=True, on=date(2025, 3, 5))
    assert Organisation.objects.get(pk=haishu_science_society.pk).status == "deregistered"


def test_another_county_cannot_see_or_act_on_a_haishu_organisation(
    haishu_science_society: Organisation, approver_yinzhou: Any, caseworker_nanmen: Any
) -> None:
    assert not Organisation.objects.visible_to(approver_yinzhou).exists()
    with pytest.raises(NotFound, match="记录不存在或不在您的管辖范围内"):
        actions.do_accept_registration(
            approver_yinzhou,
            type="deregister",
            region_code=HAISHU,
            data={},
            accepted_on=date(2025, 3, 3),
            organisation_id=haishu_science_society.pk,
            reason="x",
        )
    with pytest.raises(PermissionDenied, match="您的角色无权办理社会组织登记管理事项"):
        accept(caseworker_nanmen)
    assert haishu_science_society.credit_code == GROUP_CODE
