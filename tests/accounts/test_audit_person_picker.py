"""审计日志's person filter is a person picker (no typed internal id); the auditor, who holds no
case data, gets its choices from the audit page's own endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minzheng.accounts.models import User
from minzheng.core import audit
from minzheng.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_auditor_picks_a_person_and_the_log_filters_by_them(
    household_li_three_members: Any, household_zhou_yinzhou: Any, auditor: User, client: Client
) -> None:
    li, zhou = household_li_three_members.head, household_zhou_yinzhou.head
    for person in (li, zhou):
        audit.record(
            None,
            AuditEvent.Action.VIEW_PII,
            "person",
            person.pk,
            summary=f"查看#{person.pk}",
            person_id=person.pk,
        )
    client.force_login(auditor)
    page = client.get("/audit/").content.decode()
    assert 'data-url="/audit/person-pick/"' in page and 'name="person"' in page
    assert 'inputmode="numeric"' not in page  # no typed id any more

    choices = client.get("/audit/person-pick/", {"q": "李建"}).json()["results"]
    assert choices == [{"id": li.pk, "label": "李*国（330203********1238，福湖社区）"}]
    by_id = client.get("/audit/person-pick/", {"q": "330227197809123320"}).json()["results"]
    assert [c["id"] for c in by_id] == [zhou.pk]
    # Only persons the trail names: 王秀英 (李建国's wife) has no event.
    assert client.get("/audit/person-pick/", {"q": "王"}).json()["results"] == []

    page = client.get("/audit/", {"person": li.pk}).content.decode()
    assert "已选：李*国（330203********1238，福湖社区）" in page
    assert f"查看#{li.pk}" in page and f"查看#{zhou.pk}" not in page


def test_the_pick_endpoint_is_the_auditors_only(caseworker_nanmen: User, client: Client) -> None:
    client.force_login(caseworker_nanmen)
    assert client.get("/audit/person-pick/", {"q": "李"}).status_code == 403
