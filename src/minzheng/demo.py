"""`minzheng demo`: a ready platform on the embedded database, with demo staff and people."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from minzheng.core.crypto import ensure_key_file, key_file_path, reset_keyring_cache
from minzheng.regions.loader import load_divisions

DEMO_PASSWORD = "Minzheng#2026"
DEMO_SEED = 2020

# username, role, region code, display name
DEMO_STAFF: tuple[tuple[str, str, str, str], ...] = (
    ("city_admin", "city_admin", "330200000000", "市局管理员"),
    ("approver_haishu", "county_approver", "330203000000", "海曙区审批员"),
    ("approver_yinzhou", "county_approver", "330212000000", "鄞州区审批员"),
    ("caseworker_nanmen", "township_caseworker", "330203001000", "南门街道经办员"),
    ("assistant_fuhu", "village_assistant", "330203001001", "福湖社区协理员"),
    ("auditor", "auditor", "330200000000", "审计员"),
    ("security_admin", "security_admin", "330200000000", "安全管理员"),
    ("sysadmin", "system_admin", "330200000000", "系统管理员"),
)


@dataclass
class DemoLogins:
    password: str
    accounts: list[tuple[str, str, str]] = field(default_factory=list)


def ensure_demo_staff() -> DemoLogins:
    from minzheng.accounts.actions import do_create_user
    from minzheng.accounts.models import User

    logins = DemoLogins(DEMO_PASSWORD)
    for username, role, region, name in DEMO_STAFF:
        user = User.objects.filter(username=username).select_related("region").first()
        if user is None:
            user = do_create_user(
                None,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                region_code=region,
                display_name=name,
            )
        logins.accounts.append((username, user.role_label, user.region.name))
    return logins


def prepare_demo(*, reset: bool = False) -> DemoLogins:
    database = settings.DATABASES["default"]
    if reset and database["ENGINE"].endswith("sqlite3"):
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            path = f"{database['NAME']}{suffix}"
            import os

            if os.path.exists(path):
                os.remove(path)
    ensure_key_file(key_file_path())
    reset_keyring_cache()
    call_command("migrate", interactive=False, verbosity=0)
    load_divisions()
    from minzheng.assistance.actions import do_load_parameter_catalog

    do_load_parameter_catalog(None)
    logins = ensure_demo_staff()
    from minzheng.accounts.demo import seed_demo as seed_accounts_demo

    seed_accounts_demo(DEMO_PASSWORD)
    from minzheng.registry.seed import seed_registry

    # A district-sized synthetic Ningbo: every county, the article's assistance groups scaled down.
    seed_registry("district", DEMO_SEED)
    from minzheng.verification.demo import seed_demo as seed_verification_demo

    seed_verification_demo()  # enrolled households, feeds with planted truths, a monitor run
    from minzheng.registry.year import seed_demo_history

    seed_allowances_before_history()
    # The last months replayed through the platform's own actions (docs/synthetic_city.md): price
    # indices, applications, reviews, 渐退, rolls approved, bank files, returns and re-issues.
    seed_demo_history()

    from minzheng.payments.demo import seed_demo as seed_payments

    seed_payments()  # last month's roll for 海曙, approved, with its bank file
    from minzheng.verification.demo import seed_recent_monitoring

    seed_recent_monitoring()  # last month's feeds for a sample of households, and its monitor run

    from minzheng.medical.demo import seed_demo as seed_medical

    seed_medical()

    from minzheng.organisations.demo import seed_demo as seed_organisations

    seed_organisations()

    from minzheng.civil.demo import seed_demo as seed_civil

    seed_civil()
    from minzheng.registry.demo import seed_demo as seed_migrants

    seed_migrants()  # migrants outside the registry needing 临时救助, for 海曙's approver
    from minzheng.children.demo import seed_demo as seed_children
    from minzheng.grievances.demo import seed_demo as seed_grievances
    from minzheng.outreach.demo import seed_demo as seed_outreach

    seed_children(), seed_grievances(), seed_outreach()  # docs/children, grievances, outreach
    from minzheng.inkind.demo import seed_demo as seed_inkind
    from minzheng.rescue.demo import seed_demo as seed_rescue

    seed_rescue(), seed_inkind()  # docs/rescue, docs/inkind (in-kind draws on the 大排摸 above)
    __import__("minzheng.linkage.demo", fromlist=["seed_demo"]).seed_demo()  # 多重身份
    from minzheng.assistance.demo import seed_demo as seed_policy

    seed_policy()  # a 海曙 standard proposal waiting for a second person
    from minzheng.eldercare.demo import seed_demo as seed_eldercare

    seed_eldercare()  # assessments, this month's 高龄津贴, meal points and meals
    from minzheng.institutions.demo import seed_demo as seed_institutions

    seed_institutions()  # institutions, beds, residents, inspections, 综合责任险 (docs/institutions)
    return logins


def seed_allowances_before_history() -> None:
    """高龄津贴 and the children's allowance (`ertong`) enrolled by their own actions in the first
    month of the replayed history, so the replayed rolls pay them and every month of the dashboard
    counts them. Idempotent: a second demo start finds them enrolled."""
    from datetime import timedelta

    from minzheng.children.demo import seed_demo as seed_children
    from minzheng.core import clock
    from minzheng.core.yearmonth import YearMonth
    from minzheng.eldercare.actions import do_enrol_allowances
    from minzheng.regions.models import Level, Region
    from minzheng.registry.year import DEMO_HISTORY_MONTHS

    start = YearMonth.of(clock.today()) - DEMO_HISTORY_MONTHS
    with clock.dated(start.first_day() + timedelta(days=1)):
        for county in Region.objects.filter(level=Level.COUNTY, parent_id="330200000000"):
            do_enrol_allowances(None, county.code, start)
        seed_children()  # identified and approved now: paid from the month after
