"""The demo shows the account pages with real data, and its printed logins work directly."""

from __future__ import annotations

import pytest
from django.test import Client

from minzheng.accounts.demo import seed_demo
from minzheng.accounts.models import AccessRequest, User
from minzheng.demo import DEMO_PASSWORD, ensure_demo_staff

pytestmark = pytest.mark.django_db


def test_demo_logins_work_directly_and_a_proposal_waits(regions: None) -> None:
    logins = ensure_demo_staff()
    seed_demo(DEMO_PASSWORD)
    seed_demo(DEMO_PASSWORD)  # idempotent
    for username, _, _ in logins.accounts:
        client = Client()
        response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response["Location"] == "/", username
        assert not User.objects.get(username=username).must_change_password
    kinds = sorted(AccessRequest.objects.filter(status="pending").values_list("kind", flat=True))
    assert kinds == ["api_scopes", "grant"]
    security = Client()
    security.force_login(User.objects.get(username="security_admin"))
    page = security.get("/security/requests/").content.decode()
    assert "assistant_heshan" in page and "海曙区人民医院（演示）" in page
