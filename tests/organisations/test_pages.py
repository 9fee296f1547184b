from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.test import Client

from minzheng.organisations.models import AnnualReport, Organisation

from .conftest import GROUP_CODE


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_organisation_page_shows_the_haishu_society(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    client = client_for(approver_haishu)
    org = haishu_science_society
    for url in (
        "/organisations/?q=科普",
        f"/organisations/{org.pk}/",
        "/organisations/annual/?year=2025",
        "/organisations/statistics/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "宁波市海曙区科普志愿者协会" in page.content.decode() or "statistics" in url
    detail = client.get(f"/organisations/{org.pk}/").content.decode()
    assert GROUP_CODE in detail
    assert "海曙区民政局" in detail
    stats = client.get("/organisations/statistics/").content.decode()
    # One organisation among 海曙's 1,041,285 residents: 0.0 per 10,000.
    assert '<div class="card-value" id="density">0.0' in stats
    assert "1041285" in stats


def test_the_certificate_carries_the_code_and_a_qr_to_the_public_page(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    client = client_for(approver_haishu)
    html = client.get(
        f"/organisations/{haishu_science_society.pk}/certificate/?format=html"
    ).content.decode()
    assert "社会团体法人登记证书" in html
    assert GROUP_CODE in html
    assert 'src="data:image/png;base64,' in html
    assert f"/organisations/public/{GROUP_CODE}/" in html
    public = Client().get(f"/organisations/public/{GROUP_CODE}/")
    assert public.status_code == 200
    assert "宁波市海曙区科普志愿者协会" in public.content.decode()


def test_the_certificate_pdf_is_a_pdf(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    response = client_for(approver_haishu).get(
        f"/organisations/{haishu_science_society.pk}/certificate/"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_another_county_reads_the_register_but_not_the_work_lists_and_edits_nothing(
    haishu_science_society: Organisation, approver_yinzhou: Any
) -> None:
    # The register is public (民政部令第60号): 鄞州 reads 海曙's organisation, without its
    # registration applications, its certificate or any form; the work lists stay 海曙's.
    client = client_for(approver_yinzhou)
    detail = client.get(f"/organisations/{haishu_science_society.pk}/").content.decode()
    assert "宁波市海曙区科普志愿者协会" in detail
    assert 'id="applications"' not in detail and "变更登记 / 注销登记" not in detail
    assert client.get(f"/organisations/{haishu_science_society.pk}/certificate/").status_code == 404
    assert "科普志愿者协会" in client.get("/organisations/").content.decode()
    assert "科普志愿者协会" not in client.get("/organisations/annual/").content.decode()


def test_a_bad_form_value_is_a_chinese_message_and_changes_nothing(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    client = client_for(approver_haishu)
    page = client.post(
        f"/organisations/{haishu_science_society.pk}/annual/",
        {
            "report_year": "2024",
            "on": "2025-03-01",
            "income": "12万",
            "expenditure": "1",
            "net_assets": "1",
            "activities": "x",
        },
        follow=True,
    )
    assert "年度总收入应为数字：12万" in page.content.decode()
    assert not AnnualReport.objects.exists()
    bad_year = client.get("/organisations/annual/?year=二〇二四")
    assert bad_year.status_code == 400


def test_a_caseworker_reads_but_cannot_change(
    haishu_science_society: Organisation, caseworker_nanmen: Any
) -> None:
    client = client_for(caseworker_nanmen)
    assert client.get("/organisations/").status_code == 200
    response = client.post(
        f"/organisations/{haishu_science_society.pk}/credit/",
        {"reason": "unreachable", "decided_on": "2025-06-03", "entered_on": "2025-06-03"},
    )
    assert response.status_code == 403


def test_the_api_lists_checks_codes_and_files_a_report(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    client = client_for(approver_haishu)
    listed = client.get("/api/v1/organisations/?q=科普").json()
    assert [(o["credit_code"], o["kind_label"], o["registered_capital_yuan"]) for o in listed] == [
        (GROUP_CODE, "社会团体", "30000.00")
    ]
    checked = client.post(
        "/api/v1/organisations/creditcodes/check",
        json.dumps({"codes": [GROUP_CODE, "51330203MJ0000018C"]}),
        content_type="application/json",
    ).json()
    assert [c["valid"] for c in checked] == [True, False]
    assert checked[1]["error"]["code"] == "bad_check_digit"
    url = f"/api/v1/organisations/{haishu_science_society.pk}/annual-reports"
    bad = client.post(
        url,
        json.dumps(
            {
                "report_year": 2024,
                "income": "-1",
                "expenditure": "0",
                "net_assets": "0",
                "activities": "x",
                "filed_on": "2025-03-01",
            }
        ),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json() == {"code": "bad_amount", "message": "年度总收入应为非负数：-1"}
    good = client.post(
        url,
        json.dumps(
            {
                "report_year": 2024,
                "income": "1000.5",
                "expenditure": "0",
                "net_assets": "0",
                "activities": "讲座",
                "filed_on": "2025-03-01",
            }
        ),
        content_type="application/json",
    )
    assert good.status_code == 200
    assert good.json()["status_label"] == "已报业务主管单位"
    assert AnnualReport.objects.get().filed_on == date(2025, 3, 1)


def test_the_legal_representative_is_linked_to_a_registry_person_by_id_number(
    haishu_science_society: Organisation, approver_haishu: Any, household_li_three_members: Any
) -> None:
    client = client_for(approver_haishu)
    url = f"/organisations/{haishu_science_society.pk}/legal-representative/"
    page = client.post(url, {"id_number": "330203195001011239"}, follow=True)
    assert "在您的管辖范围内没有找到该身份证号的登记人员" in page.content.decode()
    page = client.post(url, {"id_number": "330203195001011238"}, follow=True)
    assert "法定代表人已更新" in page.content.decode()
    org = Organisation.objects.get(pk=haishu_science_society.pk)
    assert (org.legal_rep_name, org.legal_rep_person_id) == (
        "李建国",
        household_li_three_members.head_id,
    )
    assert "（登记人员）" in page.content.decode().replace("</a>", "").replace(
        f'<a href="/registry/persons/{org.legal_rep_person_id}/">', ""
    )


def test_the_organisation_page_reminds_of_a_missing_annual_report(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    page = client_for(approver_haishu).get(f"/organisations/{haishu_science_society.pk}/")
    assert 'id="annual-reminder"' in page.content.decode()


def test_an_open_investigation_recorded_on_the_page_excludes_the_rating(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    client = client_for(approver_haishu)
    url = f"/organisations/{haishu_science_society.pk}/"
    page = client.post(
        url + "supervision/", {"penalised_on": "", "under_investigation": "1"}, follow=True
    )
    assert "监管信息已保存" in page.content.decode()
    assert "✘ 未因涉嫌违法被立案调查" in page.content.decode()
    bad = client.post(url + "supervision/", {"penalised_on": "2025-13-01"}, follow=True)
    assert "行政处罚日期格式应为YYYY-MM-DD：2025-13-01" in bad.content.decode()
    assert Organisation.objects.get(pk=haishu_science_society.pk).under_investigation
