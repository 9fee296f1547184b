from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from minzheng.medical.models import Hospital, Settlement
from minzheng.registry.models import Person
from tests.medical.conftest import LI_JIANGUO, ZHOU_HAIYAN, body, post


def _staff(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_settlement_list_is_region_scoped(
    patients: Any, hospital: Client, caseworker_nanmen: Any, caseworker_xiaying: Any
) -> None:
    post(hospital, body("ZY-1", LI_JIANGUO))  # 海曙 resident
    post(hospital, body("ZY-2", ZHOU_HAIYAN))  # 鄞州 resident, same hospital
    haishu = _staff(caseworker_nanmen).get("/medical/settlements/").content.decode()
    assert "李建国" in haishu and "周海燕" not in haishu and "特困" in haishu
    yinzhou = _staff(caseworker_xiaying).get("/medical/settlements/").content.decode()
    assert "周海燕" in yinzhou and "李建国" not in yinzhou
    other = Settlement.objects.get(claim_id="ZY-1").pk
    assert _staff(caseworker_xiaying).get(f"/medical/settlements/{other}/").status_code == 404


def test_the_detail_page_explains_each_layer(
    patients: Any, hospital: Client, caseworker_nanmen: Any
) -> None:
    post(hospital, body("ZY-1", LI_JIANGUO))
    page = (
        _staff(caseworker_nanmen)
        .get(f"/medical/settlements/{Settlement.objects.get().pk}/")
        .content.decode()
    )
    for text in (
        "基本医疗保险",
        "大病保险",
        "其他补充保险",
        "医疗救助",
        "国办发〔2021〕42号",
        "2450.00",
    ):
        assert text in page


def test_the_hospital_daily_list_and_the_person_page(
    patients: Any, hospital: Client, approver_haishu: Any
) -> None:
    this_year = {
        "admitted_on": f"{timezone.localdate().year}-01-02",
        "discharged_on": f"{timezone.localdate().year}-01-09",
    }
    post(hospital, body("ZY-1", LI_JIANGUO, **this_year))
    post(hospital, body("ZY-2", ZHOU_HAIYAN, **this_year))  # 鄞州 resident: not listed for 海曙
    staff = _staff(approver_haishu)
    daily = staff.get(
        f"/medical/hospitals/{Hospital.objects.get().pk}/daily/",
        {"day": timezone.localdate().isoformat()},
    ).content.decode()
    assert "有效结算 1 笔，医疗救助合计 2450.00 元" in daily and "周海燕" not in daily
    exported = staff.get(
        f"/medical/hospitals/{Hospital.objects.get().pk}/daily/",
        {"day": timezone.localdate().isoformat(), "format": "csv"},
    ).content.decode()
    assert exported.splitlines()[1].startswith("ZY-1,2450.00,")
    person = Person.objects.get(name="李建国")
    page = staff.get(f"/registry/persons/{person.pk}/").content.decode()
    assert "医疗救助结算" in page and "已用救助额度 2450.00 元" in page


def test_the_menu_shows_the_medical_pages(
    patients: Any, caseworker_nanmen: Any, sysadmin: Any
) -> None:
    page = _staff(caseworker_nanmen).get("/medical/settlements/").content.decode()
    assert "医院月结单" in page and "医院对账" in page
    admin = _staff(sysadmin).get("/medical/hospitals/").content.decode()
    assert "登记定点医院" in admin


def test_the_system_administrator_registers_a_hospital_in_the_browser(
    regions: None, sysadmin: Any
) -> None:
    from minzheng.api.actions import do_create_api_client

    do_create_api_client(
        None, name="鄞州人民医院", scopes=["medical:settle"], region_code="330212000000"
    )
    admin = _staff(sysadmin)
    response = admin.post(
        "/medical/hospitals/",
        {
            "code": "H330212",
            "name": "鄞州人民医院",
            "region": "330212000000",
            "client": "鄞州人民医院",
        },
    )
    assert response.status_code == 302 and Hospital.objects.get().code == "H330212"
    again = admin.post(
        "/medical/hospitals/",
        {"code": "H330212", "name": "重复", "region": "330212000000", "client": "鄞州人民医院"},
    ).content.decode()
    assert "医疗机构代码已存在" in again
