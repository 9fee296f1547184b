"""Scope at the row (#10 Deliver 5): 发放异常 by the viewer's own region; bank templates by county,
return-code changes only through maker-checker."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from minzheng.core.errors import PermissionDenied
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import (
    default_template,
    do_decide_return_codes,
    do_export_bank_file,
    do_import_bank_return,
    do_save_bank_template,
    exception_queue_for,
)
from minzheng.payments.models import BankTemplate
from minzheng.regions.models import Region
from tests.payments.conftest import approved_march, dibao_li, enrol, person_household, tekun_zhao

__all__ = ["approved_march", "dibao_li", "tekun_zhao"]  # the fixture, shared with the payment tests

pytestmark = pytest.mark.django_db


def _web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_village(regions: None) -> Region:
    """A village of another township of 海曙区 than 南门街道."""
    village = (
        Region.objects.filter(level="village", code__startswith="330203")
        .exclude(code__startswith="330203001")
        .order_by("code")
        .first()
    )
    assert village is not None
    return village


@pytest.fixture
def failed_lines(
    tekun_zhao: Any,
    other_village: Region,
    approver_haishu: Any,
    caseworker_nanmen: Any,
    make_staff: Any,
) -> dict[str, str]:
    """March 2020 in 海曙: 赵德顺 (福湖社区, 南门) and 钱桂芳 (another township); both transfers fail."""
    from minzheng.payments.actions import do_approve_roll, do_register_bank_account, do_run_roll

    qian = person_household(other_village.code, "钱桂芳", "330203194403021229", date(1944, 3, 2))
    enrol(
        qian,
        "tekun",
        "2020-01",
        "1325.00",
        person=qian.head,
        care_level="partial",
        components={"basic_living": "975.00", "care": "350.00"},
    )
    do_register_bank_account(
        caseworker_nanmen, tekun_zhao.person, bank_name="农业银行", number="6228480011112222333"
    )
    other = make_staff("caseworker_other", "township_caseworker", other_village.parent_id)
    do_register_bank_account(other, qian.head, bank_name="宁波银行", number="6222021234500001")
    checker = make_staff("approver_haishu_2", "county_approver", "330203000000")
    roll = do_approve_roll(checker, do_run_roll(approver_haishu, "330203", YearMonth(2020, 3)).roll)
    bank_file = do_export_bank_file(approver_haishu, roll)
    refs = {line.payee.name: line.reference for line in bank_file.lines.select_related("payee")}
    body = "".join(f"{ref},E102\n" for ref in refs.values())
    do_import_bank_return(approver_haishu, bank_file, body, filename="回盘.csv")
    return refs


def test_the_exception_queue_shows_each_viewer_their_own_region_only(
    failed_lines: dict[str, str],
    other_village: Region,
    caseworker_nanmen: Any,
    assistant_fuhu: Any,
    approver_haishu: Any,
    make_staff: Any,
) -> None:
    zhao, qian = failed_lines["赵德顺"], failed_lines["钱桂芳"]
    from minzheng.accounts.models import User

    other_caseworker = User.objects.get(username="caseworker_other")
    other_assistant = make_staff("assistant_other", "village_assistant", "330203001002")
    seen = {
        "county": _web(approver_haishu).get("/payments/exceptions/").content.decode(),
        "nanmen": _web(caseworker_nanmen).get("/payments/exceptions/").content.decode(),
        "fuhu": _web(assistant_fuhu).get("/payments/exceptions/").content.decode(),
        "other_township": _web(other_caseworker).get("/payments/exceptions/").content.decode(),
        "other_village": _web(other_assistant).get("/payments/exceptions/").content.decode(),
    }
    assert zhao in seen["county"] and qian in seen["county"]
    assert zhao in seen["nanmen"] and qian not in seen["nanmen"]
    assert zhao in seen["fuhu"] and qian not in seen["fuhu"]
    assert qian in seen["other_township"] and zhao not in seen["other_township"]
    assert zhao not in seen["other_village"] and qian not in seen["other_village"]
    assert [line.reference for line in exception_queue_for(caseworker_nanmen)] == [zhao]


def test_a_caseworker_cannot_correct_a_line_of_another_township(
    failed_lines: dict[str, str], caseworker_nanmen: Any
) -> None:
    from minzheng.payments.models import BankFileLine

    qian_line = BankFileLine.objects.get(reference=failed_lines["钱桂芳"])
    response = _web(caseworker_nanmen).post(
        f"/payments/exceptions/{qian_line.pk}/account/",
        {"bank_name": "农业银行", "number": "6228480099998888777"},
    )
    assert response.status_code == 404


FIELDS = '[{"field": "reference"}, {"field": "account"}, {"field": "amount_yuan"}]'


def _save(actor: Any, template: BankTemplate | None, name: str, codes: dict[str, str]) -> Any:
    return do_save_bank_template(
        actor,
        template,
        name=name,
        format="csv",
        encoding="utf-8",
        fields_json=FIELDS,
        return_codes_json=json.dumps(codes),
    )


def test_a_countys_templates_are_its_own_and_city_defaults_are_read_only(
    approver_haishu: Any, approver_yinzhou: Any, city_admin: Any
) -> None:
    haishu = _save(approver_haishu, None, "海曙农商行", {"0000": "paid"})
    assert haishu.county_id == "330203000000"
    default = default_template()
    yinzhou_page = _web(approver_yinzhou).get("/payments/templates/").content.decode()
    assert "海曙农商行" not in yinzhou_page and default.name in yinzhou_page
    assert _web(approver_yinzhou).get(f"/payments/templates/{haishu.pk}/").status_code == 404
    with pytest.raises(
        PermissionDenied, match="市级默认模板只能由市级维护，区县模板只能由本区县维护"
    ):
        _save(approver_yinzhou, haishu, "海曙农商行", {"0000": "paid", "9999": "paid"})
    # City defaults: counties read them, only the city edits them.
    assert _web(approver_haishu).get(f"/payments/templates/{default.pk}/").status_code == 403
    with pytest.raises(
        PermissionDenied, match="市级默认模板只能由市级维护，区县模板只能由本区县维护"
    ):
        _save(approver_haishu, default, default.name, {"0000": "paid"})
    _save(city_admin, default, default.name, {"0000": "paid", "E101": "wrong_account"})


def test_return_codes_change_only_when_a_second_person_approves(
    approver_haishu: Any, make_staff: Any
) -> None:
    second = make_staff("approver_haishu_2", "county_approver", "330203000000")
    template = _save(approver_haishu, None, "海曙农商行", {"0000": "paid"})
    assert template.return_codes == {}  # nothing counts as paid until checked
    with pytest.raises(PermissionDenied, match="回盘代码须由另一人复核，不能复核自己的修改"):
        do_decide_return_codes(approver_haishu, template, approve=True)
    template = do_decide_return_codes(second, template, approve=True)
    assert template.return_codes == {"0000": "paid"} and template.pending_return_codes is None
    # The maker tries to make a failure count as paid: it waits; the live mapping is unchanged.
    template = _save(approver_haishu, template, "海曙农商行", {"0000": "paid", "E101": "paid"})
    assert template.return_codes == {"0000": "paid"}
    assert template.pending_return_codes == {"0000": "paid", "E101": "paid"}
    page = _web(second).get(f"/payments/templates/{template.pk}/").content.decode()
    assert "待复核" in page and "批准变更" in page
    response = _web(second).post(
        f"/payments/templates/{template.pk}/codes/", {"decision": "reject"}
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.return_codes == {"0000": "paid"} and template.pending_return_codes is None


def test_another_countys_template_cannot_make_this_countys_bank_file(
    approved_march: Any, approver_haishu: Any, approver_yinzhou: Any
) -> None:
    from minzheng.core.errors import ValidationFailed

    yinzhou = _save(approver_yinzhou, None, "鄞州农商行", {"0000": "paid"})
    with pytest.raises(ValidationFailed, match="属于其他区县"):
        do_export_bank_file(approver_haishu, approved_march, yinzhou)
