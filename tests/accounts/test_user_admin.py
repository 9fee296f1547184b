"""User administration (#13 Deliver 5) and one's own password (#10 Deliver 3)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.accounts.actions import do_decide_request, do_propose_grant
from minzheng.accounts.models import AccessRequest, LoginLog, User
from minzheng.api.actions import do_create_api_client
from minzheng.core.models import AuditEvent

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Harbour#Lights2027"


def _web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_everyone_changes_their_own_password_with_the_policy_shown(
    caseworker_nanmen: User, auditor: User
) -> None:
    for user in (caseworker_nanmen, auditor):
        web = _web(user)
        page = web.get("/account/password/").content.decode()
        assert "至少三类" in page and "10 个字符" in page
        weak = web.post(
            "/account/password/",
            {"old_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
        )
        assert weak.status_code == 400 and "密码" in weak.content.decode()
        wrong_old = web.post(
            "/account/password/",
            {
                "old_password": "nope",
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
        )
        assert "原密码不正确" in wrong_old.content.decode()
        done = web.post(
            "/account/password/",
            {
                "old_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
        )
        assert done.status_code == 302
        # Still signed in (the session follows the new hash), and the new password works.
        assert web.get("/").status_code == 200
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)
    assert AuditEvent.objects.filter(summary="修改本人密码").count() == 2


def test_a_new_account_from_the_sysadmin_must_change_its_password_first(
    sysadmin: User, security_admin: User
) -> None:
    web = _web(sysadmin)
    web.post(
        "/system/users/",
        {
            "username": "new_assistant",
            "password": PASSWORD,
            "role": "village_assistant",
            "r1": "330203000000",
            "r2": "330203001000",
            "r3": "330203001001",
        },
    )
    user = User.objects.get(username="new_assistant")
    assert user.region_id == "330203001001" and user.must_change_password
    do_decide_request(security_admin, AccessRequest.objects.get(user=user), approve=True)
    client = Client()
    response = client.post("/login/", {"username": "new_assistant", "password": PASSWORD})
    assert response["Location"] == "/account/password/"
    for url in ("/", "/registry/persons/", "/system/users/", "/audit/"):
        assert client.get(url)["Location"] == "/account/password/", url
    client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert client.get("/registry/persons/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password


def test_the_region_picker_reaches_villages_and_levels_read_in_chinese(sysadmin: User) -> None:
    web = _web(sysadmin)
    page = web.get("/system/users/").content.decode()
    assert "海曙区" in page and "村社协理员（管辖村（社区））" in page
    townships = web.get("/system/regions/options/", {"level": "township", "r1": "330203000000"})
    assert "南门街道" in townships.content.decode()
    villages = web.get("/system/regions/options/", {"level": "village", "r2": "330203001000"})
    assert "福湖社区" in villages.content.decode()
    # A level that does not fit the role: the message names the levels in Chinese.
    response = web.post(
        "/system/users/",
        {"username": "x1", "password": PASSWORD, "role": "village_assistant", "r1": "330203000000"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "村社协理员的管辖区域应为村（社区）级，海曙区是县（市、区）级" in body
    visible = re.sub(r"<[^>]+>", " ", body)
    assert "village" not in visible and "county" not in visible


def test_the_sysadmin_edits_disables_and_proposes_from_the_edit_page(
    sysadmin: User, caseworker_nanmen: User
) -> None:
    web = _web(sysadmin)
    url = f"/system/users/{caseworker_nanmen.pk}/"
    assert web.get(url).status_code == 200
    web.post(url, {"what": "profile", "display_name": "南门经办员甲", "is_active": "0"})
    caseworker_nanmen.refresh_from_db()
    assert caseworker_nanmen.display_name == "南门经办员甲" and not caseworker_nanmen.is_active
    refused = Client().post("/login/", {"username": "caseworker_nanmen", "password": PASSWORD})
    assert refused.status_code == 200 and "用户名或密码错误" in refused.content.decode()
    web.post(
        url,
        {
            "what": "grant",
            "role": "village_assistant",
            "r1": "330203000000",
            "r2": "330203001000",
            "r3": "330203001001",
        },
    )
    proposal = AccessRequest.objects.get(user=caseworker_nanmen, kind="grant")
    assert (proposal.role, proposal.region_id, proposal.status) == (
        "village_assistant",
        "330203001001",
        "pending",
    )
    web.post(url, {"what": "reset", "password": NEW_PASSWORD})
    assert AccessRequest.objects.filter(user=caseworker_nanmen, kind="reset_password").exists()
    page = web.get(url).content.decode()
    assert "重置密码" in page and "待审批" in page and "村社协理员" in page


def test_the_login_log_filters_by_user_address_result_and_date(
    security_admin: User, caseworker_nanmen: User
) -> None:
    Client().post(
        "/login/", {"username": "caseworker_nanmen", "password": "bad"}, REMOTE_ADDR="10.0.0.1"
    )
    Client().post(
        "/login/", {"username": "caseworker_nanmen", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    Client().post("/login/", {"username": "someone", "password": "bad"}, REMOTE_ADDR="10.0.0.3")
    web = _web(security_admin)

    def rows(**query: str) -> int:
        return web.get("/security/login-log/", query).content.decode().count("<tr><td>")

    assert rows() == 3
    assert rows(username="caseworker_nanmen") == 2
    assert rows(ip="10.0.0.3") == 1
    assert rows(result="success") == 1 and rows(result="failure") == 2
    today = timezone.localdate()
    assert rows(start=str(today), end=str(today)) == 3
    assert rows(start=str(today + timedelta(days=1))) == 0
    assert rows(start="2026-13-01") == 3  # a bad date is ignored, not a 500
    assert LoginLog.objects.count() == 3


def test_partner_tokens_can_be_disabled_and_expire(
    household_li_three_members: Any, sysadmin: User
) -> None:
    client, token = do_create_api_client(
        None, name="医保局", scopes=["registry:read"], region_code="330203000000"
    )
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert partner.get("/api/v1/registry/persons").status_code == 200
    web = _web(sysadmin)
    web.post(f"/system/api-clients/{client.pk}/access/", {"active": "0", "expires_on": ""})
    assert partner.get("/api/v1/registry/persons").status_code == 401
    tomorrow = timezone.localdate() + timedelta(days=1)
    web.post(
        f"/system/api-clients/{client.pk}/access/", {"active": "1", "expires_on": str(tomorrow)}
    )
    assert partner.get("/api/v1/registry/persons").status_code == 200
    assert "有效期至 " + str(tomorrow) in web.get("/system/api-clients/").content.decode()
    client.refresh_from_db()
    import time_machine

    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        assert partner.get("/api/v1/registry/persons").status_code == 401
    bad = web.post(
        f"/system/api-clients/{client.pk}/access/", {"active": "1", "expires_on": "明天"}
    )
    assert bad.status_code == 302
    assert "有效期应为日期" in web.get("/system/api-clients/").content.decode()


def test_only_the_sysadmin_manages_accounts(
    caseworker_nanmen: User, security_admin: User, city_admin: User
) -> None:
    for user in (security_admin, city_admin, caseworker_nanmen):
        web = _web(user)
        assert web.get("/system/users/").status_code == 403
        assert web.get(f"/system/users/{caseworker_nanmen.pk}/").status_code == 403
    assert _web(city_admin).get("/security/requests/").status_code == 403
    with pytest.raises(Exception, match="系统管理员"):
        do_propose_grant(
            security_admin, caseworker_nanmen, role="city_admin", region_code="330200000000"
        )


def test_more_case_scopes_for_an_existing_client_wait_for_approval(
    sysadmin: User, security_admin: User
) -> None:
    client, _ = do_create_api_client(
        None, name="测算", scopes=["eligibility:evaluate"], region_code="330203000000"
    )
    web = _web(sysadmin)
    web.post(f"/system/api-clients/{client.pk}/scopes/", {"scopes": ["registry:read"]})
    client.refresh_from_db()
    assert client.scopes == ["eligibility:evaluate"]
    proposal = AccessRequest.objects.get(api_client=client)
    do_decide_request(security_admin, proposal, approve=True)
    client.refresh_from_db()
    assert client.scopes == ["eligibility:evaluate", "registry:read"]
    web.post(f"/system/api-clients/{client.pk}/scopes/", {"scopes": []})
    assert "没有需要审批的数据授权范围" in web.get("/system/api-clients/").content.decode()


def test_accounts_created_with_one_shared_hash_sign_in_and_refuse_a_bad_one(
    regions: None,
) -> None:
    from django.contrib.auth import authenticate
    from django.contrib.auth.hashers import make_password

    from minzheng.accounts.actions import do_create_user
    from minzheng.core.errors import ValidationFailed

    shared = make_password(NEW_PASSWORD)
    for username in ("demo_one", "demo_two"):
        do_create_user(
            None,
            username=username,
            password=NEW_PASSWORD,
            role="auditor",
            region_code="330200000000",
            password_hash=shared,
        )
        assert authenticate(username=username, password=NEW_PASSWORD) is not None
        assert authenticate(username=username, password=PASSWORD) is None
    with pytest.raises(ValidationFailed, match="密码摘要格式不正确"):
        do_create_user(
            None,
            username="demo_three",
            password=NEW_PASSWORD,
            role="auditor",
            region_code="330200000000",
            password_hash=NEW_PASSWORD,  # a plain text is not a hash
        )
    with pytest.raises(ValidationFailed, match="密码"):
        do_create_user(  # the rules still judge the password itself
            None,
            username="demo_four",
            password="short",
            role="auditor",
            region_code="330200000000",
            password_hash=make_password("short"),
        )
    assert not User.objects.filter(username__in=["demo_three", "demo_four"]).exists()
