"""In Chromium: a township caseworker registers an institution (region picker), adds beds, admits
an elderly person (person picker), records an inspection (a missing deadline refused first) and a
policy and a claim; the county approver closes the claim through the reason dialog."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from minzheng.institutions import actions
from minzheng.institutions.models import Bed, Claim, Inspection, Institution, Residency
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_registers_an_institution_and_admits_a_resident(
    page: Any, caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    today = timezone.localdate()
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.click("#sidebar >> text=养老机构")
    assert page.inner_text("nav.breadcrumb") == "首页 › 养老服务 › 养老机构"
    page.wait_for_selector("[data-region-picker] .picker-level")  # the picker moves the button
    page.click("#register-institution")
    page.fill("input[name=name]", "福湖颐养院")
    page.select_option("select[name=kind]", label="公建民营")
    page.fill("input[name=licence_no]", "330203养备20240001")
    page.fill("input[name=filed_on]", (today - timedelta(days=300)).isoformat())
    page.fill("input[name=operator]", "宁波福湖养老服务有限公司")
    page.locator("#institution-form select[aria-label='村（社区）']").select_option(
        label="福湖社区"
    )
    page.click("#save-institution")
    page.wait_for_selector("#beds")
    institution = Institution.objects.get()
    assert (institution.region_id, institution.kind) == ("330203001001", "public_private")
    assert "已登记养老机构：福湖颐养院" in page.content()

    page.select_option("#add-beds select[name=kind]", label="护理型床位")
    page.fill("#add-beds input[name=count]", "3")
    page.click("#add-beds button")
    page.wait_for_selector("text=已增加护理型床位 3 张")
    page.select_option("#add-beds select[name=kind]", label="普通床位")
    page.fill("#add-beds input[name=count]", "2")
    page.click("#add-beds button")
    page.wait_for_selector("text=已增加普通床位 2 张")
    assert page.inner_text("#bed-total") == "5"

    picker = page.locator("#admit .person-picker")
    picker.locator(".person-picker-query").fill("李建")
    picker.locator("button:has-text('李建国')").click()
    page.select_option("#admit select[name=bed]", label="2号（护理型床位）")
    page.click("#admit-button")
    page.wait_for_selector("text=李建国已入住2号床")
    assert "李建国" in page.inner_text("#residents") and page.inner_text("#occupied-total") == "1"

    # An inspection needing rectification without a deadline is refused and saves nothing.
    page.select_option("#inspect select[name=result]", label="限期整改")
    page.fill("#inspect textarea[name=findings]", "部分房间未安装紧急呼叫装置")
    page.click("#inspect-button")
    page.wait_for_selector("#error")
    assert "限期整改须填写整改期限" in page.inner_text("#error")
    assert not Inspection.objects.exists()
    page.select_option("#inspect select[name=result]", label="限期整改")
    page.fill("#inspect textarea[name=findings]", "部分房间未安装紧急呼叫装置")
    page.fill("#inspect input[name=rectify_by]", (today + timedelta(days=30)).isoformat())
    page.click("#inspect-button")
    page.wait_for_selector("text=已记录检查结果")
    assert "限期整改" in page.inner_text("#inspections")

    page.fill("#add-policy input[name=insurer]", "中国人民财产保险股份有限公司宁波市分公司")
    page.fill("#add-policy input[name=policy_no]", "ZRX2026-0001")
    page.fill("#add-policy input[name=starts_on]", (today - timedelta(days=30)).isoformat())
    page.fill("#add-policy input[name=ends_on]", (today + timedelta(days=334)).isoformat())
    page.fill("#add-policy input[name=premium]", "600")
    page.fill("#add-policy input[name=cover]", "300000")
    page.fill("#add-policy input[name=insured_elderly]", "5")
    page.click("#add-policy button")
    page.wait_for_selector("text=已登记综合责任险保单")
    assert "600.00" in page.inner_text("#policies")

    claim_picker = page.locator("#file-claim .person-picker")
    claim_picker.locator(".person-picker-query").fill("李建")
    claim_picker.locator("button:has-text('李建国')").click()
    page.fill("#file-claim input[name=claimed]", "8000")
    page.fill("#file-claim input[name=description]", "夜间如厕跌倒")
    page.click("#claim-button")
    page.wait_for_selector("text=已登记责任险报案")
    assert "8,000.00" in page.inner_text("#claims") and "已报案" in page.inner_text("#claims")

    residency = Residency.objects.get()
    assert (residency.person.name, residency.bed.number, residency.bed.kind) == (
        "李建国",
        "2",
        "nursing",
    )
    assert Bed.objects.filter(institution=institution).count() == 5
    claim = Claim.objects.get()
    assert (str(claim.claimed), claim.person_id, claim.status) == (
        "8000.00",
        residency.person_id,
        "filed",
    )


def test_the_approver_refuses_a_claim_with_a_reason(
    page: Any, caseworker_nanmen: Any, approver_haishu: Any, home: Any, policy: Any
) -> None:
    claim = actions.do_file_claim(
        caseworker_nanmen,
        policy.pk,
        incident_on=timezone.localdate(),
        description="噎食送医",
        claimed="1000",
    )
    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto(f"/institutions/{home.pk}/")
    page.click("#claims button:has-text('不予赔付')")
    page.fill("#confirm-dialog [data-confirm-reason-input]", "不属于保险责任范围")
    page.click("#confirm-dialog [data-confirm-ok]")
    page.wait_for_selector("text=理赔已结案：不予赔付")
    claim.refresh_from_db()
    assert (claim.status, claim.decision_note) == ("refused", "不属于保险责任范围")
