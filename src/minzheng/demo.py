"""`minzheng demo`: a ready platform on the embedded database, with demo staff and people."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from typing import Any

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
    from django.contrib.auth.hashers import make_password

    from minzheng.accounts.actions import do_create_user
    from minzheng.accounts.models import User

    logins = DemoLogins(DEMO_PASSWORD)
    shared_hash = ""  # one PBKDF2 hash of the printed password for every new demo account
    for username, role, region, name in DEMO_STAFF:
        user = User.objects.filter(username=username).select_related("region").first()
        if user is None:
            shared_hash = shared_hash or make_password(DEMO_PASSWORD)
            user = do_create_user(
                None,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                region_code=region,
                display_name=name,
                password_hash=shared_hash,
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
    from minzheng.assistance.queries import parameters_cached

    with sqlite_bulk_build(), parameters_cached():
        return _build()


def _build() -> DemoLogins:
    with step("建表（migrate）"):
        migrate_from_cache()
    with step("行政区划与政策参数"):
        load_divisions()
        from minzheng.assistance.actions import do_load_parameter_catalog

        do_load_parameter_catalog(None)
    with step("演示账号"):
        logins = ensure_demo_staff()
        from minzheng.accounts.demo import seed_demo as seed_accounts_demo

        seed_accounts_demo(DEMO_PASSWORD)
    with step("合成宁波（区县规模）"):
        from minzheng.registry.seed import seed_registry

        # A district-sized synthetic Ningbo: every county, the article's assistance groups scaled
        # down.
        seed_registry("district", DEMO_SEED)
    with step("核对示例（前月部门数据与预警）"):
        from minzheng.verification.demo import seed_demo as seed_verification_demo

        seed_verification_demo()  # enrolled households, feeds with planted truths, a monitor run
    with step("高龄津贴与儿童生活费"):
        seed_allowances_before_history()
    with step("快速通道（三快一缓）"):
        from minzheng.applications.demo import seed_fast_track

        seed_fast_track()  # each demo county's, for a replayed month: its applications go through it
    with step(f"近{_history_months()}个月的业务回放"):
        from minzheng.registry.year import seed_demo_history

        # The last months replayed through the platform's own actions (docs/synthetic_city.md):
        # price indices, applications, reviews, 渐退, rolls approved, bank files, returns and
        # re-issues.
        seed_demo_history()
    with step("海曙上月花名册"):
        from minzheng.payments.demo import seed_demo as seed_payments

        seed_payments()  # last month's roll for 海曙, approved, with its bank file
    with step("上月动态监测与预警办结"):
        from minzheng.verification.demo import seed_handled_warnings, seed_recent_monitoring

        seed_recent_monitoring()  # last month's feeds for a sample of households, its monitor run
        seed_handled_warnings()  # the month before last's warnings: half handled, half overdue
    with step("福湖社区的申请与变更"):
        from minzheng.applications.demo import seed_demo as seed_village

        seed_village()  # the village assistant's applications at every step, a household change
    seeds = (
        ("医疗救助", "minzheng.medical.demo"),
        ("社会组织", "minzheng.organisations.demo"),
        ("婚姻、收养与殡葬", "minzheng.civil.demo"),
        ("流动人口临时救助", "minzheng.registry.demo"),  # for 海曙's approver
        ("困境儿童", "minzheng.children.demo"),
        ("信访投诉", "minzheng.grievances.demo"),
        ("主动发现", "minzheng.outreach.demo"),
        ("流浪乞讨救助", "minzheng.rescue.demo"),
        ("实物救助", "minzheng.inkind.demo"),  # draws on the 大排摸 above
        ("多重身份", "minzheng.linkage.demo"),
        ("标准调整提案", "minzheng.assistance.demo"),  # a 海曙 proposal waiting for a second person
        ("养老服务", "minzheng.eldercare.demo"),  # assessments, 高龄津贴, meal points and meals
        ("养老机构", "minzheng.institutions.demo"),  # beds, residents, inspections, 综合责任险
        ("存量数据迁移", "minzheng.adoption.demo"),  # last: its new people move no draw
    )
    for label, module in seeds:
        with step(label):
            __import__(module, fromlist=["seed_demo"]).seed_demo()
    with step("家庭户导入（后台任务）"):
        from minzheng.registry.demo import seed_household_import

        seed_household_import()  # last: the family it adds changes no other seed's choice
    return logins


# While the demo builds, SQLite need not wait for the disk at each WAL checkpoint, and a larger
# page cache keeps the registry's indexes in memory. A crash during the build loses only the
# build (`minzheng demo --reset` starts again); serving switches back to settings.py's pragmas.
BULK_PRAGMAS = ("PRAGMA synchronous=OFF", "PRAGMA cache_size=-131072", "PRAGMA temp_store=MEMORY")
SERVING_PRAGMAS = ("PRAGMA synchronous=NORMAL", "PRAGMA cache_size=-2000", "PRAGMA temp_store=0")


@contextmanager
def sqlite_bulk_build() -> Iterator[None]:
    """The bulk pragmas on every SQLite connection opened inside, the normal ones after."""
    from django.db.backends.signals import connection_created

    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        yield
        return

    def bulk(sender: object, connection: Any, **kwargs: object) -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                for pragma in BULK_PRAGMAS:
                    cursor.execute(pragma)

    connection_created.connect(bulk, weak=False)
    if connection.connection is not None:
        bulk(None, connection)
    try:
        yield
    finally:
        connection_created.disconnect(bulk)
        if connection.connection is not None:
            with connection.cursor() as cursor:
                for pragma in SERVING_PRAGMAS:
                    cursor.execute(pragma)


def migrate_from_cache() -> None:
    """`migrate`, with a copy of the empty migrated SQLite file kept in var/ across --reset and
    keyed by a hash of every migration file: a fresh demo copies it instead of running every
    migration again (zulip keeps its test database template the same way). Without a copy, an
    empty SQLite file gets the migrated schema in one pass (`core.freshschema`: under a second,
    where replaying the migrations takes about 20). Another engine, or a database that has rows
    already, simply migrates."""
    import shutil
    from pathlib import Path

    from minzheng.core.freshschema import build_fresh_schema, can_build_fresh

    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("sqlite3"):
        call_command("migrate", interactive=False, verbosity=0)
        return
    target = Path(database["NAME"])
    cache = Path(settings.VAR_DIR) / f"migrated-{migrations_hash()}.sqlite3"
    fresh = not target.exists() or can_build_fresh()  # no file, or one without a table
    if fresh and cache.exists():
        connection.close()
        shutil.copyfile(cache, target)
    elif fresh:
        build_fresh_schema()
    call_command("migrate", interactive=False, verbosity=0)  # nothing to do after either
    if fresh and not cache.exists():
        connection.close()
        for stale in Path(settings.VAR_DIR).glob("migrated-*.sqlite3"):
            stale.unlink()
        partial = cache.with_suffix(".part")
        with closing(sqlite3.connect(target)) as source, closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)  # a consistent copy even with the WAL file beside it
        partial.replace(cache)


def migrations_hash() -> str:
    """A hash of every migration file's name and bytes, and of Django's version."""
    import hashlib
    from pathlib import Path

    import django

    root = Path(__file__).parent
    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(root.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _history_months() -> int:
    from minzheng.registry.year import DEMO_HISTORY_MONTHS

    return DEMO_HISTORY_MONTHS


@contextmanager
def step(label: str) -> Iterator[None]:
    """One progress line a seed step, with its seconds, so a slow start says where its time goes."""
    started = time.perf_counter()
    print(f"  {label}……", end="", flush=True)
    yield
    print(f"{time.perf_counter() - started:.1f} 秒", flush=True)


def seed_allowances_before_history() -> None:
    """高龄津贴 and the children's allowance (`ertong`) enrolled by their own actions in the first
    month of the replayed history, so the replayed rolls pay them and every month of the dashboard
    counts them. Idempotent: a second demo start finds the month's run done and them enrolled."""
    from datetime import timedelta

    from minzheng.children.demo import seed_demo as seed_children
    from minzheng.core import clock
    from minzheng.core.yearmonth import YearMonth
    from minzheng.eldercare.demo import enrol_allowances_once
    from minzheng.regions.models import Level, Region
    from minzheng.registry.year import DEMO_HISTORY_MONTHS

    start = YearMonth.of(clock.today()) - DEMO_HISTORY_MONTHS
    with clock.dated(start.first_day() + timedelta(days=1)):
        for county in Region.objects.filter(level=Level.COUNTY, parent_id="330200000000"):
            enrol_allowances_once(county.code, start)
        seed_children()  # identified and approved now: paid from the month after
