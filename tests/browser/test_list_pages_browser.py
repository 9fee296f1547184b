"""List pages, pickers, breadcrumbs and the reason dialog, driven in Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from ..conftest import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_searches_persons_by_a_picked_village_and_pages(
    page: Any, caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.click("#sidebar >> text=人员查询")
    assert page.inner_text("nav.breadcrumb") == "首页 › 救助对象 › 人员查询"
    # The region picker: 南门街道's villages, chosen from a list, no code typed.
    village = page.locator("#person-search select[aria-label='村（社区）']")
    village.select_option(label="福湖社区")
    page.fill("#person-search input[name=q]", "李")
    page.click("#person-search button.primary")
    page.wait_for_url("**region=330203001001**")
    rows = page.inner_text("#rows tbody")
    assert "李建国" in rows and "李明" in rows and "王秀英" not in rows
    assert "共 2 条" in page.inner_text("#rows .pager")
    # The picker shows the chosen village again after the search.
    assert village.input_value() == "330203001001"
    with page.expect_download() as download:
        page.click("#person-export")
    assert download.value.suggested_filename == "人员名单.xlsx"


def test_revealing_a_number_asks_for_a_reason_first(
    page: Any, caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    from minzheng.core.models import AuditEvent

    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto(f"/registry/persons/{household_li_three_members.head_id}/")
    assert page.inner_text("nav.breadcrumb").startswith("首页 › 救助对象 › 人员查询 › 李建国")
    page.click("#id-number + button")
    page.click("#confirm-dialog [data-confirm-ok]")  # no reason: refused in the dialog
    assert page.is_visible("#confirm-dialog [data-confirm-reason-missing]")
    assert page.inner_text("#id-number") == "330203********1238"
    page.fill("#confirm-dialog [data-confirm-reason-input]", "核对低保申请材料")
    page.click("#confirm-dialog [data-confirm-ok]")
    page.wait_for_selector("#id-number >> text=330203195001011238")
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_PII).get()
    assert event.summary == "查看李建国的身份证号明文（理由：核对低保申请材料）"


def test_the_person_picker_fills_the_id_from_a_name(
    page: Any, caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto(f"/registry/households/{household_li_three_members.pk}/")
    page.click("#change-add_member summary")
    picker = page.locator("#change-add_member .person-picker")
    picker.locator(".person-picker-query").fill("王")
    picker.locator("button:has-text('王秀英')").click()
    assert "已选：王秀英（330203********2346，福湖社区）" in picker.inner_text()
    wang = household_li_three_members.memberships.get(person__name="王秀英").person_id
    assert picker.locator("input[name=person_id]").input_value() == str(wang)


def test_unlocking_an_account_asks_for_a_reason_and_records_it(
    page: Any, security_admin: Any, caseworker_nanmen: Any
) -> None:
    from minzheng.accounts.models import User
    from minzheng.core.models import AuditEvent

    User.objects.filter(pk=caseworker_nanmen.pk).update(locked_at=timezone.now())
    log_in(page, "security_admin", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.click("#sidebar >> text=账号解锁")
    page.click("tr:has-text('caseworker_nanmen') button:has-text('解锁')")
    page.fill("#confirm-dialog [data-confirm-reason-input]", "本人来电核实身份")
    page.click("#confirm-dialog [data-confirm-ok]")
    page.wait_for_selector("text=已解除 caseworker_nanmen 的登录限制")
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UNLOCK).get()
    assert event.summary == "解锁 caseworker_nanmen（理由：本人来电核实身份）"


def test_the_household_picker_fills_the_merge_form(
    page: Any, caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    from datetime import date

    from minzheng.registry.models import ChangeRequest
    from tests.conftest import _household

    other = _household(
        "330203001001",
        "海曙区南门街道福湖社区解放南路14号",
        [("李秀兰", "330203196004051221", "head", date(1960, 4, 5), "")],
    )
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto(f"/registry/households/{household_li_three_members.pk}/")
    page.click("#change-merge_households summary")
    picker = page.locator("#change-merge_households .household-picker")
    picker.locator(".person-picker-query").fill("李秀")
    picker.locator("button:has-text('李秀兰户')").click()
    assert f"已选：李秀兰户（福湖社区，编号{other.pk}）" in picker.inner_text()
    page.fill("#change-merge_households input[name=reason]", "两户共同生活，申请合户")
    page.click("#change-merge_households button.primary")
    page.wait_for_load_state("networkidle")
    change = ChangeRequest.objects.get(kind="merge_households")
    assert change.payload["from_household_id"] == other.pk


def test_the_hukou_region_is_picked_from_the_whole_city(
    page: Any, caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    from minzheng.registry.models import Person

    head = household_li_three_members.head
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto(f"/registry/persons/{head.pk}/")
    page.click("#edit-person summary")
    picker = page.locator("#edit-person .region-picker")
    picker.locator("select[data-level='0']").select_option("330212000000")  # 鄞州区, another county
    picker.locator("select[data-level='1'] option[value='330212003000']").wait_for(state="attached")
    picker.locator("select[data-level='1']").select_option("330212003000")
    picker.locator("select[data-level='2'] option[value='330212003001']").wait_for(state="attached")
    picker.locator("select[data-level='2']").select_option("330212003001")
    assert picker.locator("input[name=hukou_region]").input_value() == "330212003001"
    page.click("#edit-person button.primary")
    page.wait_for_load_state("networkidle")
    assert Person.objects.get(pk=head.pk).hukou_region_id == "330212003001"
