"""The hotline desk logs a call in one step; the resident submits, reads the reply and rates it on
the portal; Chinese errors; another county sees nothing; no raw code on any page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minzheng.grievances.models import Appeal, Grievance
from tests.conftest import PASSWORD
from tests.dictionary.test_no_raw_codes_on_pages import leaks, visible_text

from .conftest import portal_client

pytestmark = pytest.mark.django_db


def staff(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_hotline_desk_logs_a_12345_transfer_in_one_step(
    li_jianguo: Any, caseworker_nanmen: Any
) -> None:
    answer = staff(caseworker_nanmen).post(
        "/grievances/hotline/",
        {
            "channel": "transfer_12345",
            "external_ref": "NB-12345-0007",
            "kind": "request",
            "category": "service",
            "caller_name": "李建国",
            "phone": "13805741234",
            "subject_id_number": "330203195001011238",
            "content": "老伴住院，想问临时救助怎么申请。",
        },
    )
    g = Grievance.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/grievances/{g.pk}/"
    assert (g.channel, g.kind, g.subject_person_id, g.region_id) == (
        "transfer_12345",
        "request",
        li_jianguo.pk,
        "330203001001",
    )
    page = staff(caseworker_nanmen).get(f"/grievances/{g.pk}/").content.decode()
    assert "12345转办（工单号 NB-12345-0007）" in page and "138****1234" in page


def test_the_desk_refuses_bad_input_in_chinese(li_jianguo: Any, caseworker_nanmen: Any) -> None:
    client = staff(caseworker_nanmen)
    answer = client.post(
        "/grievances/hotline/",
        {"channel": "hotline", "kind": "complaint", "category": "other", "content": "服务态度差"},
    )
    assert "请选择所涉村（社区）" in answer.content.decode()
    answer = client.post(
        "/grievances/hotline/",
        {
            "channel": "hotline",
            "kind": "complaint",
            "category": "other",
            "content": "服务态度差，请处理",
            "subject_id_number": "330212200305060012",
        },
    )
    assert "未在您的管辖范围内找到该身份证号的人员" in answer.content.decode()
    assert not Grievance.objects.exists()


def test_the_resident_submits_reads_the_reply_and_rates_it_on_the_portal(
    li_jianguo: Any, caseworker_nanmen: Any, caseworker_xiaying: Any
) -> None:
    resident = portal_client(li_jianguo)
    answer = resident.post(
        "/portal/grievances/",
        {"kind": "complaint", "category": "payment", "content": "十月低保金少发了一百元。"},
    )
    g = Grievance.objects.get()
    assert answer["Location"] == f"/portal/grievances/{g.pk}/"
    assert "正在办理" in resident.get(answer["Location"]).content.decode()
    assert staff(caseworker_xiaying).get(f"/grievances/{g.pk}/").status_code == 404
    staff(caseworker_nanmen).post(
        f"/grievances/{g.pk}/reply/", {"reply": "经核查，十月扣减系渐退期调整，附计算明细。"}
    )
    page = resident.get(f"/portal/grievances/{g.pk}/").content.decode()
    assert "渐退期调整" in page and "已答复待评价" in page
    resident.post(f"/portal/grievances/{g.pk}/", {"satisfaction": "satisfied"})
    g.refresh_from_db()
    assert (g.status, g.satisfaction) == ("closed", "satisfied")
    assert Client().get(f"/portal/grievances/{g.pk}/").status_code == 302  # not signed in


def test_appeals_page_records_an_appeal_and_no_page_shows_a_raw_code(
    li_jianguo: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    client = staff(caseworker_nanmen)
    client.post(
        "/grievances/hotline/",
        {
            "channel": "letter",
            "kind": "fraud",
            "category": "eligibility",
            "content": "举报李建国隐瞒经营收入。",
            "subject_id_number": "330203195001011238",
        },
    )
    client.post(
        "/grievances/appeals/",
        {
            "kind": "litigation",
            "id_number": "330203195001011238",
            "decision": "终止低保决定",
            "body": "海曙区人民法院",
            "filed_on": "2025-11-03",
        },
    )
    assert Appeal.objects.get().kind == "litigation"
    g = Grievance.objects.get()
    names = frozenset({caseworker_nanmen.username, approver_haishu.username})
    for user in (caseworker_nanmen, approver_haishu):
        c = staff(user)
        for url in [
            "/grievances/",
            f"/grievances/{g.pk}/",
            "/grievances/hotline/",
            "/grievances/appeals/",
        ]:
            response = c.get(url)
            assert response.status_code == 200, url
            assert leaks(visible_text(response.content.decode()), names) == [], url
    resident = portal_client(li_jianguo)
    for url in ["/portal/grievances/"]:
        assert leaks(visible_text(resident.get(url).content.decode())) == []
