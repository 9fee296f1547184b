from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client

from minzheng.core.models import AuditEvent
from minzheng.registry.models import Person


def test_id_and_phone_numbers_are_not_stored_in_clear(household_li_three_members: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_person")
        rows = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert "330203195001011238" not in rows and "13805741234" not in rows
    assert "330203********1238" in rows  # the masked form is kept for lists


def test_a_caseworker_sees_masked_numbers_until_revealing_and_the_reveal_is_audited(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    head = household_li_three_members.head
    client = Client()
    client.force_login(caseworker_nanmen)
    page = client.get(f"/registry/persons/{head.pk}/").content.decode()
    assert "330203********1238" in page and "330203195001011238" not in page
    assert "显示完整号码" in page
    assert not AuditEvent.objects.filter(action="view_pii").exists()
    revealed = client.post(f"/registry/persons/{head.pk}/reveal/id_number/").content.decode()
    assert "330203195001011238" in revealed
    event = AuditEvent.objects.get(action="view_pii")
    assert event.person_id == head.pk and event.actor_name == "caseworker_nanmen"
    assert "身份证号" in event.summary


def test_a_village_assistant_cannot_reveal_and_nothing_is_logged_as_seen(
    household_li_three_members: Any, assistant_fuhu: Any
) -> None:
    head = household_li_three_members.head
    client = Client()
    client.force_login(assistant_fuhu)
    page = client.get(f"/registry/persons/{head.pk}/").content.decode()
    assert "李建国" in page and "显示完整号码" not in page
    response = client.post(f"/registry/persons/{head.pk}/reveal/id_number/")
    assert response.status_code == 403 and "330203195001011238" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="view_pii").exists()


def test_a_full_id_number_finds_the_person_through_the_blind_index(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    page = client.get(
        "/registry/persons/", {"q": "３３０２０３１９５００１０１１２３８"}
    ).content.decode()
    assert "李建国" in page and "王秀英" not in page
    by_phone = client.get("/registry/persons/", {"q": "13805745678"}).content.decode()
    assert "王秀英" in by_phone and "李建国" not in by_phone
    assert Person.objects.count() == 3


def test_the_auditor_finds_views_of_a_person(
    household_li_three_members: Any, caseworker_nanmen: Any, auditor: Any
) -> None:
    head = household_li_three_members.head
    client = Client()
    client.force_login(caseworker_nanmen)
    client.post(f"/registry/persons/{head.pk}/reveal/phone/")
    audit_client = Client()
    audit_client.force_login(auditor)
    page = audit_client.get("/audit/", {"person": head.pk, "action": "view_pii"}).content.decode()
    # The auditor sees the event, the person's name masked (三员分立: events, not case data).
    assert "查看李*国的手机号明文" in page
    assert "李建国" not in page
    empty = audit_client.get(
        "/audit/", {"person": head.pk + 1000, "action": "view_pii"}
    ).content.decode()
    assert "没有符合条件的记录" in empty
