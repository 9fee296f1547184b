"""三员分立 that holds (#10 Deliver 3): each path the review used to read case data as an administrator.

On the old code the system administrator created a city_admin with a password it chose and
logged in as it, or registered a partner with registry:read for the whole city, and read case data.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from minzheng.accounts.actions import (
    do_create_user,
    do_decide_request,
    do_propose_grant,
    do_propose_password_reset,
)
from minzheng.accounts.models import AccessRequest, User
from minzheng.api.actions import do_create_api_client
from minzheng.core.errors import PermissionDenied

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another#Pass2027"
MARKERS = ("李建国", "330203********1238", "解放南路")


def _login(username: str, password: str, ip: str = "10.1.1.1") -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def _case_pages(client: Client) -> str:
    pages = ["/", "/registry/persons/?q=李", "/registry/households/", "/applications/"]
    api = client.get("/api/v1/registry/persons", {"q": "李"})
    html = "".join(client.get(url).content.decode() for url in pages)
    return html + json.dumps(api.json(), ensure_ascii=False)


def _sees_case_data(client: Client) -> bool:
    body = _case_pages(client)
    return any(marker in body for marker in MARKERS)


def test_a_city_admin_created_by_the_sysadmin_has_no_power_until_approved(
    household_li_three_members: Any, sysadmin: User, security_admin: User
) -> None:
    web = Client()
    web.force_login(sysadmin)
    response = web.post(
        "/system/users/",
        {
            "username": "shadow_admin",
            "password": PASSWORD,
            "role": "city_admin",
            "r1": "330200000000",
        },
    )
    assert response.status_code == 302
    shadow = User.objects.get(username="shadow_admin")
    assert shadow.role == "" and shadow.must_change_password
    # The sysadmin logs in as it with the password it chose: only the change page opens …
    client = _login("shadow_admin", PASSWORD)
    assert client.get("/registry/persons/")["Location"] == "/account/password/"
    assert client.get("/api/v1/registry/persons").status_code == 403
    # … and after setting a new password the account still sees nothing: no role yet.
    client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert not _sees_case_data(client)
    assert "尚未授权" in client.get("/").content.decode()
    # Only the security administrator's approval gives the role (the positive control).
    [proposal] = AccessRequest.objects.filter(user=shadow)
    do_decide_request(security_admin, proposal, approve=True)
    assert _sees_case_data(client)


def test_the_sysadmin_cannot_approve_its_own_proposal_nor_grant_itself(
    sysadmin: User, security_admin: User, caseworker_nanmen: User
) -> None:
    proposal = do_propose_grant(
        sysadmin, caseworker_nanmen, role="county_approver", region_code="330203000000"
    )
    with pytest.raises(PermissionDenied, match="只有安全管理员可以审批授权申请"):
        do_decide_request(sysadmin, proposal, approve=True)
    web = Client()
    web.force_login(sysadmin)
    assert (
        web.post(f"/security/requests/{proposal.pk}/decide/", {"decision": "approve"}).status_code
        == 403
    )
    with pytest.raises(PermissionDenied, match="不能为自己的账号申请授权"):
        do_propose_grant(sysadmin, sysadmin, role="city_admin", region_code="330200000000")
    caseworker_nanmen.refresh_from_db()
    assert caseworker_nanmen.role == "township_caseworker"  # unchanged until approved
    do_decide_request(security_admin, proposal, approve=True)
    caseworker_nanmen.refresh_from_db()
    assert (caseworker_nanmen.role, caseworker_nanmen.region_id) == (
        "county_approver",
        "330203000000",
    )


def test_a_security_admin_cannot_approve_a_grant_for_itself(
    sysadmin: User, security_admin: User
) -> None:
    proposal = do_propose_grant(
        sysadmin, security_admin, role="city_admin", region_code="330200000000"
    )
    with pytest.raises(PermissionDenied, match="不能审批自己提出或与自己账号有关的申请"):
        do_decide_request(security_admin, proposal, approve=True)


def test_a_password_reset_by_the_sysadmin_does_nothing_until_approved_and_is_one_time(
    household_li_three_members: Any,
    sysadmin: User,
    security_admin: User,
    caseworker_nanmen: User,
) -> None:
    proposal = do_propose_password_reset(sysadmin, caseworker_nanmen, password=NEW_PASSWORD)
    # Not approved: the reset password does not open the account; the owner's still does.
    refused = Client().post(
        "/login/",
        {"username": "caseworker_nanmen", "password": NEW_PASSWORD},
        REMOTE_ADDR="10.9.9.9",
    )
    assert refused.status_code == 200
    assert _login("caseworker_nanmen", PASSWORD).get("/").status_code == 200
    do_decide_request(security_admin, proposal, approve=True)
    client = _login("caseworker_nanmen", NEW_PASSWORD)
    # One-time: nothing but the change page until the owner sets their own.
    assert client.get("/registry/persons/")["Location"] == "/account/password/"
    assert not _sees_case_data(client)
    proposal.refresh_from_db()
    assert proposal.password_hash == ""


def test_a_partner_client_from_the_sysadmin_gets_case_scopes_only_when_approved(
    household_li_three_members: Any, sysadmin: User, security_admin: User
) -> None:
    web = Client()
    web.force_login(sysadmin)
    page = web.post(
        "/system/api-clients/",
        {"name": "影子客户端", "region": "330200000000", "scopes": ["registry:read"]},
    ).content.decode()
    token = page.split('<code class="token">')[1].split("</code>")[0]
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = partner.get("/api/v1/registry/persons", {"q": "李"})
    assert response.status_code == 403 and "李建国" not in response.content.decode()
    [proposal] = AccessRequest.objects.filter(kind="api_scopes")
    assert proposal.scopes == ["registry:read"]
    do_decide_request(security_admin, proposal, approve=True)
    response = partner.get("/api/v1/registry/persons", {"q": "李"})
    assert response.status_code == 200 and "李建国" in [p["name"] for p in response.json()]


def test_the_command_line_installer_still_grants_directly(regions: None) -> None:
    user = do_create_user(
        None,
        username="installer_made",
        password=PASSWORD,
        role="city_admin",
        region_code="330200000000",
    )
    client, _ = do_create_api_client(
        None, name="医保", scopes=["registry:read"], region_code="330203000000"
    )
    assert user.role == "city_admin" and not user.must_change_password
    assert client.scopes == ["registry:read"]


@pytest.mark.parametrize("who", ["sysadmin", "security_admin", "auditor"])
def test_no_administrator_reads_case_data_anywhere(
    household_li_three_members: Any, who: str, request: pytest.FixtureRequest
) -> None:
    admin = request.getfixturevalue(who)
    client = Client()
    client.force_login(admin)
    assert not _sees_case_data(client)
    # Not in the audit log either (the auditor's page): names and addresses are hidden.
    assert not any(m in client.get("/audit/").content.decode() for m in MARKERS)


def test_the_security_admin_approves_in_the_browser_queue(
    sysadmin: User, security_admin: User, caseworker_nanmen: User
) -> None:
    do_propose_grant(
        sysadmin, caseworker_nanmen, role="county_approver", region_code="330203000000"
    )
    web = Client()
    web.force_login(security_admin)
    queue = web.get("/security/requests/").content.decode()
    assert "授予角色与管辖区域" in queue and "县级审核审批员" in queue and "海曙区" in queue
    assert "county_approver" not in queue
    [proposal] = AccessRequest.objects.filter(status="pending")
    # A rejection needs a reason.
    web.post(f"/security/requests/{proposal.pk}/decide/", {"decision": "reject"})
    proposal.refresh_from_db()
    assert proposal.status == "pending"
    web.post(
        f"/security/requests/{proposal.pk}/decide/", {"decision": "reject", "note": "未见调岗文件"}
    )
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and proposal.decided_by == security_admin
    caseworker_nanmen.refresh_from_db()
    assert caseworker_nanmen.role == "township_caseworker"
