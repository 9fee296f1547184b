"""The pages: lists with their search, pager and export; the detail page's forms; bad input gets a
Chinese error, a 400 and no change; no page shows a raw code to any role."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.institutions import actions
from minzheng.institutions.models import Bed, Claim, Inspection, Institution, Residency
from tests.dictionary.test_no_raw_codes_on_pages import leaks, visible_text

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**over: str) -> dict[str, str]:
    return {
        "name": "南门颐乐园",
        "kind": "private",
        "licence_no": "330203养备20240007",
        "filed_on": "2024-03-01",
        "valid_until": "",
        "operator": "宁波颐乐养老服务有限公司",
        "region": "330203001000",
        "address": "开明街1号",
    } | over


def test_register_through_the_form_and_bad_input_changes_nothing(caseworker_nanmen: Any) -> None:
    client = _client(caseworker_nanmen)
    bad = [
        (_form(name=""), "请填写机构名称"),
        (_form(kind="state"), "请选择举办性质"),
        (_form(filed_on="2024-02-30"), "备案日期应为 YYYY-MM-DD 的有效日期"),
        (_form(region="330212003001"), "不在您的管辖范围内"),
        (_form(region="abc"), "请选择所在区划"),
        (_form(name="a\x00b"), "空字符"),
        (_form(filed_on=(timezone.localdate() + timedelta(days=1)).isoformat()), "不能晚于今天"),
    ]
    for form, message in bad:
        response = client.post("/institutions/new/", form)
        assert response.status_code == 400, form
        assert message in response.content.decode(), (form, message)
    assert not Institution.objects.exists()
    response = client.post("/institutions/new/", _form())
    made = Institution.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/institutions/{made.pk}/"
    assert (made.name, made.kind, made.region_id) == ("南门颐乐园", "private", "330203001000")


def test_detail_forms_beds_admit_inspect_claim(
    home: Any, policy: Any, caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    client = _client(caseworker_nanmen)
    url = f"/institutions/{home.pk}/"
    today = timezone.localdate().isoformat()
    for count, message in (
        ("0", "床位数应至少为 1"),
        ("abc", "床位数应为"),
        ("501", "最多增加 500"),
    ):
        response = client.post(url, {"op": "beds", "kind": "nursing", "count": count})
        assert response.status_code == 400 and message in response.content.decode()
    assert Bed.objects.count() == 5
    assert client.post(url, {"op": "beds", "kind": "nursing", "count": "2"}).status_code == 302
    assert Bed.objects.filter(kind="nursing").count() == 5
    li = household_li_three_members.head
    bed = Bed.objects.filter(institution=home, kind="ordinary").first()
    assert bed is not None
    response = client.post(
        url, {"op": "admit", "person_id": "", "bed": str(bed.pk), "admitted_on": today}
    )
    assert response.status_code == 400 and "入住老人应为正整数" in response.content.decode()
    response = client.post(
        url, {"op": "admit", "person_id": str(li.pk), "bed": str(bed.pk), "admitted_on": today}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "李建国已入住4号床" in page and 'id="occupied-total">1<' in page
    response = client.post(
        url,
        {
            "op": "inspect",
            "inspected_on": today,
            "result": "rectify",
            "rectify_by": "",
            "findings": "x",
        },
    )
    assert response.status_code == 400 and "限期整改须填写整改期限" in response.content.decode()
    response = client.post(
        url, {"op": "inspect", "inspected_on": today, "result": "pass", "findings": "消防合格"}
    )
    assert response.status_code == 302 and Inspection.objects.get().result == "pass"
    response = client.post(
        url,
        {
            "op": "claim",
            "policy": str(policy.pk),
            "incident_on": today,
            "claimed": "-5",
            "description": "跌倒",
            "person_id": str(li.pk),
        },
    )
    assert response.status_code == 400 and "报案金额不能为负数" in response.content.decode()
    response = client.post(
        url,
        {
            "op": "claim",
            "policy": str(policy.pk),
            "incident_on": today,
            "claimed": "3200.50",
            "description": "跌倒",
            "person_id": str(li.pk),
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert (str(claim.claimed), claim.person_id, claim.status) == ("3200.50", li.pk, "filed")
    assert client.post(url, {"op": "nonsense"}).status_code == 400
    residency = Residency.objects.get()
    response = client.post(
        url,
        {"op": "discharge", "residency": str(residency.pk), "discharged_on": today, "reason": "x"},
    )
    assert response.status_code == 400 and "请选择离院原因" in response.content.decode()


def test_the_approver_decides_a_claim_with_the_dialog_reason(
    home: Any, policy: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    claim = actions.do_file_claim(
        caseworker_nanmen,
        policy.pk,
        incident_on=timezone.localdate(),
        description="跌倒",
        claimed="1000",
    )
    client = _client(approver_haishu)
    url = f"/institutions/{home.pk}/"
    page = client.get(url).content.decode()
    assert "data-confirm-reason" in page and "不予赔付" in page
    response = client.post(
        url, {"op": "decide", "claim": str(claim.pk), "decision": "refuse", "note": ""}
    )
    assert response.status_code == 400 and "请填写结案说明" in response.content.decode()
    response = client.post(
        url,
        {
            "op": "decide",
            "claim": str(claim.pk),
            "decision": "pay",
            "paid": "800",
            "note": "按责赔付",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, str(claim.paid), claim.decision_note) == ("paid", "800.00", "按责赔付")
    insurance = client.get("/institutions/insurance/").content.decode()
    assert 'id="paid-total">800.00<' in insurance


def test_lists_exports_and_scope(
    home: Any, caseworker_nanmen: Any, approver_yinzhou: Any, city_admin: Any
) -> None:
    from openpyxl import load_workbook

    client = _client(city_admin)
    page = client.get("/institutions/?kind=public_private").content.decode()
    assert "福湖颐养院" in page and "共 <strong>1</strong> 条" in page
    assert "福湖颐养院" not in client.get("/institutions/?kind=private").content.decode()
    assert "福湖颐养院" not in client.get("/institutions/?region=330212000000").content.decode()
    response = client.get("/institutions/?format=xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:2] == ["机构名称", "举办性质"] and rows[1][:2] == ["福湖颐养院", "公建民营"]
    assert rows[1][6:8] in ([5, 3], ["5", "3"])
    other = _client(approver_yinzhou)
    assert "福湖颐养院" not in other.get("/institutions/").content.decode()
    assert other.get(f"/institutions/{home.pk}/").status_code == 404
    assert client.get("/institutions/?region=330212000000x").status_code in (400, 404)


def test_indicators_count_beds_against_the_registry_elderly(
    home: Any, caseworker_nanmen: Any, approver_haishu: Any, household_li_three_members: Any
) -> None:
    # 海曙 has two persons aged 60+ (李建国, 王秀英) and five beds: 250 per 100, 60 % nursing.
    page = _client(approver_haishu).get("/institutions/indicators/").content.decode()
    assert (
        "<td>海曙区</td><td>1</td><td>5</td><td>3</td><td>60.00%</td><td>0</td><td>0.00%</td><td>2</td><td>250.00</td>"
        in page
    )
    assert "5.57" in page and "87,000+" in page
    bad = _client(approver_haishu).get("/institutions/indicators/?day=2024-13-01")
    assert bad.status_code == 200 and "统计日期应为 YYYY-MM-DD" in bad.content.decode()


def test_no_institution_page_shows_a_raw_code(
    home: Any,
    policy: Any,
    caseworker_nanmen: Any,
    approver_haishu: Any,
    city_admin: Any,
    assistant_fuhu: Any,
    household_li_three_members: Any,
) -> None:
    today = timezone.localdate()
    li = household_li_three_members.head
    bed = Bed.objects.filter(institution=home).first()
    assert bed is not None
    r = actions.do_admit(
        caseworker_nanmen, home.pk, person_id=li.pk, bed_id=bed.pk, admitted_on=today
    )
    actions.do_discharge(caseworker_nanmen, r.pk, discharged_on=today, reason="transfer")
    actions.do_record_inspection(
        caseworker_nanmen,
        home.pk,
        inspected_on=today - timedelta(days=3),
        findings="通道堵塞",
        result="serious",
        rectify_by=today + timedelta(days=10),
    )
    c = actions.do_file_claim(
        caseworker_nanmen, policy.pk, incident_on=today, description="跌倒", claimed="10"
    )
    actions.do_decide_claim(approver_haishu, c.pk, pay=False, note="不属于保险责任")
    actions.do_file_claim(
        caseworker_nanmen, policy.pk, incident_on=today, description="噎食", claimed="20"
    )
    # The seed hook's inspections have no inspector: the page shows — instead of failing.
    Inspection.objects.create(
        institution=home,
        region_id=home.region_id,
        inspected_on=today,
        findings="消防合格",
        result="pass",
    )
    pages = [
        "/institutions/",
        f"/institutions/{home.pk}/",
        "/institutions/new/",
        "/institutions/residents/?state=all",
        "/institutions/inspections/",
        "/institutions/inspections/?overdue=1",
        "/institutions/insurance/",
        "/institutions/indicators/",
        "/system/audit/",
    ]
    from minzheng.accounts.models import User

    usernames = frozenset(User.objects.values_list("username", flat=True))
    opened = 0
    for user in (caseworker_nanmen, approver_haishu, city_admin, assistant_fuhu):
        client = _client(user)
        for url in pages:
            response = client.get(url)
            if response.status_code != 200:
                continue
            opened += 1
            assert leaks(visible_text(response.content.decode()), usernames) == [], (user, url)
    assert opened >= 28
