"""The elderly-care pages, with data behind them, show no raw code to any role (the dictionary
sweep's own checker, over pages the menu sweep reaches only empty)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from minzheng.core.yearmonth import YearMonth
from minzheng.eldercare.actions import do_enrol_allowances, do_record_assessment
from minzheng.eldercare.models import Assessment
from minzheng.eldercare.rules import ITEMS, Conditions, RiskEvent
from tests.dictionary.test_no_raw_codes_on_pages import leaks, visible_text


def test_no_eldercare_page_shows_a_raw_code(
    elders_fuhu: dict[str, Any],
    caseworker_nanmen: Any,
    approver_haishu: Any,
    city_admin: Any,
    assistant_fuhu: Any,
) -> None:
    today = timezone.localdate()
    person = elders_fuhu["钱阿婆"]
    do_record_assessment(
        caseworker_nanmen,
        person.pk,
        answers={i.code: 0 if i.group == "self_care" else i.max_points for i in ITEMS},
        conditions=Conditions(),
        assessed_on=today - timedelta(days=500),
    )
    do_record_assessment(
        caseworker_nanmen,
        person.pk,
        answers={i.code: 0 for i in ITEMS},
        conditions=Conditions(
            dementia=True,
            risk_events=((RiskEvent.SELF_HARM, today), (RiskEvent.CHOKING, today)),
        ),
        assessed_on=today,
        reason="change",
    )
    do_enrol_allowances(approver_haishu, "330203", YearMonth.of(today))
    latest = Assessment.objects.order_by("-assessed_on").first()
    assert latest is not None
    pages = [
        "/eldercare/assessments/",
        "/eldercare/assessments/?due=1",
        f"/eldercare/assessments/{latest.pk}/",
        f"/eldercare/assessments/new/?person={person.pk}",
        "/eldercare/assessments/new/?q=钱",
        "/eldercare/allowances/",
    ]
    from minzheng.accounts.models import User

    usernames = frozenset(User.objects.values_list("username", flat=True))  # data, not codes
    opened = 0
    for user in (caseworker_nanmen, approver_haishu, city_admin, assistant_fuhu):
        client = Client()
        client.force_login(user)
        for url in pages:
            response = client.get(url)
            if response.status_code != 200:
                continue
            opened += 1
            text = visible_text(response.content.decode())
            assert leaks(text, usernames) == [], url
    assert opened >= 20
