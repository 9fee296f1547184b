"""The civil pages, the resident portal pages and the API, as a caseworker, a resident and a partner."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.civil import joint, marriage
from minzheng.civil.models import (
    JointCase,
    MarriageAppointment,
    MarriageRegistration,
    QingmingReservation,
)
from minzheng.registry.models import Person
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PAGES = (
    "/civil/marriage/",
    "/civil/appointments/",
    "/civil/divorces/",
    "/civil/funeral/",
    "/civil/qingming/",
    "/civil/joint/",
    "/civil/statistics/",
    "/civil/place-names/",
    "/civil/addresses/?text=人民路375号",
)


def _login(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _resident(person: Person) -> Client:
    client = Client()
    session = client.session
    session["portal_person"] = person.pk
    session.save()
    return client


@pytest.mark.parametrize("url", PAGES)
def test_every_page_opens_for_a_caseworker(
    url: str, caseworker_nanmen: Any, office_haishu: Any
) -> None:
    assert _login(caseworker_nanmen).get(url).status_code == 200


def test_the_auditor_sees_no_civil_page(auditor: Any) -> None:
    assert _login(auditor).get("/civil/marriage/").status_code == 403


def test_a_marriage_registered_on_the_page_and_its_certificate_pdf(
    approver_haishu: Any,
    office_haishu: Any,
    household_li_three_members: Any,
    household_zhou_yinzhou: Any,
    parameters_loaded: None,
) -> None:
    client = _login(approver_haishu)
    refused = client.post(
        "/civil/marriage/",
        {"office": office_haishu.pk, "id_a": "330203198006204438", "id_b": "330227197809123320"},
    )
    assert refused.status_code == 400
    assert "身份证" in refused.content.decode()
    response = client.post(
        "/civil/marriage/",
        {
            "office": office_haishu.pk,
            "id_a": "330203198006204438",
            "id_b": "330227197809123320",
            "id_cards_checked": "1",
            "declaration_signed": "1",
        },
    )
    assert response.status_code == 302
    reg = MarriageRegistration.objects.get()
    pdf = client.get(f"/civil/marriage/{reg.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_resident_books_a_marriage_slot_on_the_portal(
    office_haishu: Any, household_li_three_members: Any
) -> None:
    li_ming = Person.objects.get(name="李明")
    client = _resident(li_ming)
    page = client.get("/portal/civil/marriage/")
    assert page.status_code == 200
    slot = next(s for s in marriage.open_slots(office_haishu, timezone.localdate() + timedelta(1)))
    response = client.post(
        "/portal/civil/marriage/",
        {
            "office": office_haishu.pk,
            "kind": "marriage",
            "partner_name": "周海燕",
            "slot": f"{slot.day.isoformat()}|{slot.period}",
        },
    )
    appointment = MarriageAppointment.objects.get()
    assert response.status_code == 302
    assert (appointment.booker, appointment.day, appointment.channel) == (
        li_ming,
        slot.day,
        "portal",
    )


def test_a_resident_books_a_qingming_slot_and_gets_a_qr_pass(
    cemetery_fuquan: Any, household_li_three_members: Any, approver_yinzhou: Any
) -> None:
    li_ming = Person.objects.get(name="李明")
    day = timezone.localdate() + timedelta(days=3)
    response = _resident(li_ming).post(
        "/portal/civil/qingming/",
        {
            "cemetery": cemetery_fuquan.pk,
            "day": day.isoformat(),
            "slot": "08-10",
            "party_size": "3",
        },
    )
    reservation = QingmingReservation.objects.get()
    assert response.status_code == 302
    page = _resident(li_ming).get(response["Location"])
    assert reservation.token in page.content.decode()
    # The gate of the 鄞州 cemetery (county staff) admits it on the day only.
    from minzheng.civil.funeral import do_admit

    with pytest.raises(Exception, match="今日不能入园"):
        do_admit(approver_yinzhou, reservation.token, on=day - timedelta(days=1))
    assert do_admit(approver_yinzhou, reservation.token, on=day).status == "admitted"


def test_an_oversized_party_is_refused_with_a_chinese_message(
    cemetery_fuquan: Any, household_li_three_members: Any
) -> None:
    li_ming = Person.objects.get(name="李明")
    response = _resident(li_ming).post(
        "/portal/civil/qingming/",
        {"cemetery": cemetery_fuquan.pk, "day": "2030-04-05", "slot": "08-10", "party_size": "9"},
    )
    assert response.status_code == 400
    assert "每次预约人数为1至6人" in response.content.decode()
    assert not QingmingReservation.objects.exists()


def test_the_family_follows_the_after_death_case_on_the_portal(
    household_li_three_members: Any, parameters_loaded: None
) -> None:
    head = Person.objects.get(name="李建国")
    case = joint.open_after_death_case(head, date(2020, 2, 20), "police")
    page = _resident(Person.objects.get(name="王秀英")).get(
        f"/portal/civil/after-death/{case.token}/"
    )
    assert page.status_code == 200
    assert "登记死亡信息" in page.content.decode()


def test_the_death_feed_opens_one_case_through_the_api(
    caseworker_nanmen: Any, household_li_three_members: Any, parameters_loaded: None
) -> None:
    head = Person.objects.get(name="李建国")
    client = _login(caseworker_nanmen)
    body = {"person_id": head.pk, "death_date": "2020-02-20", "source": "police"}
    first = client.post("/api/v1/civil/after-death", body, content_type="application/json")
    again = client.post("/api/v1/civil/after-death", body, content_type="application/json")
    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert JointCase.objects.count() == 1
    bad = client.post(
        "/api/v1/civil/after-death", {**body, "source": "rumour"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "bad_source"


def test_another_county_cannot_report_a_haishu_death(
    caseworker_xiaying: Any, household_li_three_members: Any
) -> None:
    head = Person.objects.get(name="李建国")
    response = _login(caseworker_xiaying).post(
        "/api/v1/civil/after-death",
        {"person_id": head.pk, "death_date": "2020-02-20", "source": "police"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not JointCase.objects.exists()


def test_a_caseworker_opens_the_marriage_household_case_from_the_certificate(
    approver_haishu: Any,
    caseworker_nanmen: Any,
    office_haishu: Any,
    household_li_three_members: Any,
    parameters_loaded: None,
) -> None:
    from minzheng.registry.models import ChangeRequest

    from .conftest import single_person

    bride = single_person("330203001001", "陈静", "330203199203150022", date(1992, 3, 15)).head
    # A second member, so that she is not the last one of her household.
    li_ming = Person.objects.get(name="李明")
    reg = marriage.do_register_marriage(
        approver_haishu,
        office=office_haishu,
        party_a=li_ming,
        party_b=bride,
        on=date(2025, 6, 3),
        id_cards_checked=True,
        declaration_signed=True,
    )
    from minzheng.registry.models import Membership

    Membership.objects.create(
        household=bride.memberships.get().household,
        person=Person.objects.create(
            name="陈母", region_id="330203001001", birth_date=date(1965, 1, 1)
        ),
        relationship="parent",
        valid_from=date(2018, 1, 1),
    )
    response = _login(caseworker_nanmen).post(
        "/civil/joint/",
        {
            "action": "marriage_household",
            "certificate_number": reg.certificate_number,
            "moving": "b",
        },
    )
    case = JointCase.objects.get(kind="marriage_household")
    assert response.status_code == 302 and response["Location"].endswith(f"/civil/joint/{case.pk}/")
    change = ChangeRequest.objects.get()
    assert (change.kind, change.payload["person_id"], change.payload["to_household_id"]) == (
        "move_member",
        bride.pk,
        household_li_three_members.pk,
    )
    items = {i.code: i.status for i in case.items.all()}
    assert items == {
        "marriage_registered": "done",
        "household_change": "pending",
        "reevaluate": "pending",
    }
    from minzheng.registry.actions import do_approve_change_request

    do_approve_change_request(approver_haishu, change.pk, comment="结婚证齐全")
    case = joint.refresh_case(case)
    items = {i.code: (i.status, i.detail) for i in case.items.all()}
    assert items["household_change"][0] == "done"
    assert items["reevaluate"] == ("done", "两户均未享受救助，无需核定")
    assert case.status == "done"
