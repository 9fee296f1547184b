"""Demo data for the account pages: a proposal waiting in 授权审批 and a partner client with an expiry."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone


def seed_demo(password: str) -> None:
    from minzheng.accounts.actions import do_create_user
    from minzheng.accounts.models import User
    from minzheng.api.actions import do_create_api_client
    from minzheng.api.models import ApiClient

    sysadmin = User.objects.filter(username="sysadmin").first()
    if sysadmin is None:
        return
    if not User.objects.filter(username="assistant_heshan").exists():
        # The system administrator proposes; the demo's security_admin approves in 授权审批.
        do_create_user(
            sysadmin,
            username="assistant_heshan",
            password=password,
            role="village_assistant",
            region_code="330203001002",
            display_name="新任村社协理员（待审批）",
        )
    if not ApiClient.objects.filter(name="海曙区人民医院（演示）").exists():
        do_create_api_client(
            sysadmin,
            name="海曙区人民医院（演示）",
            scopes=["eligibility:evaluate", "registry:read"],
            region_code="330203000000",
            expires_at=timezone.now() + timedelta(days=365),
        )
