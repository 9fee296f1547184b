"""Shared fixtures: a fresh keyring, Ningbo's divisions, and named people who read like the domain."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest

from minzheng import bytecode

os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API runs an event loop


bytecode.keep_aside()  # the tests and the commands they start: minzheng/bytecode.py
# Each test run counts its own metrics (prometheus multi-process files), not earlier runs'.
os.environ.setdefault("MINZHENG_METRICS_DIR", tempfile.mkdtemp(prefix="minzheng-metrics-"))


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get("MINZHENG_KEYS"):
        from minzheng.core.crypto import Keyring

        os.environ["MINZHENG_KEYS"] = Keyring.generate().to_json()
    # py4j logs "Closing down clientserver connection" from a finaliser at interpreter exit, when
    # the log stream is already closed: a harmless "--- Logging error ---" after every Spark run.
    logging.getLogger("py4j").setLevel(logging.WARNING)


# The divisions' rows as first loaded (sha256 over every column, in code order): a transactional
# test's flush keeps them when they still read so, and drops them when the test changed them.
_PRISTINE_DIVISIONS: dict[str, str] = {}


def _divisions_checksum(connection: Any) -> str:
    import hashlib

    from minzheng.regions.models import Region

    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT code, name, level, parent_id, generated, source FROM {Region._meta.db_table}"
            " ORDER BY code"
        )
        for row in cursor.fetchall():
            digest.update(repr((row[0], row[1], row[2], row[3], bool(row[4]), row[5])).encode())
    return digest.hexdigest()


@pytest.fixture(autouse=True)
def _cache_emptied() -> None:
    """Each test starts with an empty cache: pages keep computed figures in Django's cache keyed
    by the rows' ids and times, and a rolled-back test's ids are handed out again (SQLite), its
    times repeated under a frozen clock."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _audit_guard_opened_for_flush() -> Iterator[None]:
    """Transactional tests wipe the database; the audit triggers let only that flush through.

    The flush keeps Ningbo's divisions (3,040 rows, loaded again for every transactional test
    that needs them otherwise) when their checksum is the one they were loaded with; a test that
    changed, added or removed a division leaves them checked out, and they are dropped."""
    from django.core.management.commands import flush as flush_command
    from django.core.management.sql import sql_flush
    from django.db.backends.base.operations import BaseDatabaseOperations

    from minzheng.core.dbguard import audit_purge_allowed
    from minzheng.regions.models import Region

    original = BaseDatabaseOperations.execute_sql_flush
    kept = Region._meta.db_table

    def flush_sql_keeping_divisions(style: Any, connection: Any, **options: Any) -> list[str]:
        tables = connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        return list(connection.ops.sql_flush(style, [t for t in tables if t != kept], **options))

    def flush(self: BaseDatabaseOperations, sql_list: list[str]) -> None:
        with audit_purge_allowed():
            original(self, sql_list)
        pristine = _PRISTINE_DIVISIONS.get(self.connection.alias)
        if pristine is None or _divisions_checksum(self.connection) != pristine:
            # One statement: the parent links point inside the table being emptied.
            with self.connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {kept}")

    BaseDatabaseOperations.execute_sql_flush = flush  # type: ignore[method-assign]
    flush_command.sql_flush = flush_sql_keeping_divisions  # type: ignore[attr-defined]
    yield
    BaseDatabaseOperations.execute_sql_flush = original  # type: ignore[method-assign]
    flush_command.sql_flush = sql_flush  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_use_migrations: bool,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """pytest-django's own set-up, but the test database is made from a copy of an earlier run's
    freshly migrated one while nothing that shapes it has changed (`tests/migrated_template.py`);
    otherwise every migration runs and a new copy is kept. `--reuse-db` and `--nomigrations`
    behave as in pytest-django; `--create-db` migrates from scratch."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    from tests.migrated_template import Template

    keepdb = django_db_keepdb and not django_db_createdb
    if not django_db_use_migrations:
        _disable_migrations()
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    templates = {}
    if django_db_use_migrations and not keepdb:
        for alias in aliases:
            template = Template.for_connection(connections[alias])
            if template is not None:
                templates[alias] = template
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        restored = {
            alias
            for alias, template in templates.items()
            if not django_db_createdb and template.restore()
        }
        # An SQLite file copied into place is kept, not recreated; PostgreSQL names the copy as
        # the template of its CREATE DATABASE.
        sqlite_copied = any(templates[a].vendor == "sqlite" for a in restored)
        db_cfg = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=keepdb or sqlite_copied,
        )
        for alias, template in templates.items():
            template.forget()
            if alias not in restored:
                try:
                    template.save()
                except Exception as error:  # the run goes on; the next one migrates again
                    request.node.warn(
                        pytest.PytestWarning(f"no copy of the test database: {error}")
                    )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=verbosity)


PASSWORD = "Minzheng#2026"


def _commit_divisions_and_catalogue(blocker: Any) -> None:
    """Ningbo's divisions and the policy catalogue committed, when they are not there already."""
    from django.db import connection

    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.assistance.models import PolicyParameter
    from minzheng.regions.loader import load_divisions
    from minzheng.regions.models import Region

    with blocker.unblock():
        if not Region.objects.filter(level="village").exists():
            load_divisions()
            _PRISTINE_DIVISIONS[connection.alias] = _divisions_checksum(connection)
        if not PolicyParameter.objects.exists():
            do_load_parameter_catalog(None)
            # The load's own audit event would outlive every test's transaction: tests that
            # count audit events start from none, as on a new platform.
            from minzheng.core.dbguard import audit_purge_allowed

            with audit_purge_allowed(), connection.cursor() as cursor:
                cursor.execute("DELETE FROM core_auditevent")


# Set while a module's shared transaction is open (`shared_by_the_module`).
_MODULE_TRANSACTION_OPEN = False


def _transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or {"transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _divisions_committed(request: pytest.FixtureRequest) -> None:
    """Ningbo's 3,040 divisions and the policy catalogue (every policy value is a database row,
    as in production), committed once instead of inserted again for every test.

    Runs before the test's own transaction starts (autouse fixtures come first), and only for
    tests that ask for `regions`. A transactional test's flush keeps the divisions while their
    checksum is the one recorded here (`_audit_guard_opened_for_flush`) and removes the
    catalogue; the next test that needs them commits what is missing again.
    """
    if _MODULE_TRANSACTION_OPEN and _transactional(request):
        pytest.fail(
            "a transactional test cannot run inside a module's shared transaction"
            " (`shared_by_the_module`): move it to a module of its own"
        )
    if "regions" not in request.fixturenames:
        return
    request.getfixturevalue("django_db_setup")
    _commit_divisions_and_catalogue(request.getfixturevalue("django_db_blocker"))


@contextmanager
def shared_by_the_module(blocker: Any) -> Iterator[None]:
    """A transaction that a whole test module's tests nest in, for data that costs seconds to
    build (a synthetic city, a month of feeds) and that every test of the module reads.

    The divisions and the catalogue are committed first; then a transaction opens, the fixture
    builds its data inside it (within `blocker.unblock()`) and yields. Each test's own
    transaction (pytest-django's `TestCase` atomic) becomes a savepoint inside this one and is
    rolled back after the test, so no test sees another's writes; the module's data is rolled
    back when the module ends, so no other module sees it. Only for modules without
    transactional tests (a flush inside the open transaction would empty it)."""
    from django.db import transaction

    global _MODULE_TRANSACTION_OPEN
    _commit_divisions_and_catalogue(blocker)
    _MODULE_TRANSACTION_OPEN = True
    with blocker.unblock():
        atomic = transaction.atomic()
        # Marked as the test runner's own: a `durable=True` block inside a test is still allowed.
        atomic._from_testcase = True  # type: ignore[attr-defined]
        atomic.__enter__()
    try:
        yield
    finally:
        with blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        _MODULE_TRANSACTION_OPEN = False


@pytest.fixture
def regions(db: None) -> None:
    """The divisions and the policy catalogue are there (see `_divisions_committed`)."""


@pytest.fixture
def make_staff(regions: None) -> Callable[..., Any]:
    from minzheng.accounts.actions import do_create_user

    def make(username: str, role: str, region: str) -> Any:
        return do_create_user(
            None, username=username, password=PASSWORD, role=role, region_code=region
        )

    return make


@pytest.fixture
def city_admin(make_staff: Callable[..., Any]) -> Any:
    return make_staff("city_admin", "city_admin", "330200000000")


@pytest.fixture
def approver_haishu(make_staff: Callable[..., Any]) -> Any:
    return make_staff("approver_haishu", "county_approver", "330203000000")


@pytest.fixture
def approver_yinzhou(make_staff: Callable[..., Any]) -> Any:
    return make_staff("approver_yinzhou", "county_approver", "330212000000")


@pytest.fixture
def caseworker_nanmen(make_staff: Callable[..., Any]) -> Any:
    return make_staff("caseworker_nanmen", "township_caseworker", "330203001000")


@pytest.fixture
def caseworker_xiaying(make_staff: Callable[..., Any]) -> Any:
    return make_staff("caseworker_xiaying", "township_caseworker", "330212003000")


@pytest.fixture
def assistant_fuhu(make_staff: Callable[..., Any]) -> Any:
    return make_staff("assistant_fuhu", "village_assistant", "330203001001")


@pytest.fixture
def auditor(make_staff: Callable[..., Any]) -> Any:
    return make_staff("auditor", "auditor", "330200000000")


@pytest.fixture
def security_admin(make_staff: Callable[..., Any]) -> Any:
    return make_staff("security_admin", "security_admin", "330200000000")


@pytest.fixture
def sysadmin(make_staff: Callable[..., Any]) -> Any:
    return make_staff("sysadmin", "system_admin", "330200000000")


def _household(village: str, address: str, people: list[tuple[str, str, str, date, str]]) -> Any:
    from minzheng.registry.models import Household, Membership, Person, Relationship

    household = Household.objects.create(region_id=village, address=address)
    for name, id_number, relationship, born, phone in people:
        person = Person(
            name=name,
            sex="男" if int(id_number[16]) % 2 else "女",
            birth_date=born,
            region_id=village,
            address=address,
        )
        person.set_id_number(id_number)
        person.set_phone(phone)
        person.save()
        Membership.objects.create(
            household=household,
            person=person,
            relationship=Relationship(relationship),
            valid_from=date(2018, 3, 1),
        )
        if relationship == "head":
            household.head = person
            household.save(update_fields=["head"])
    return household


# The demo village tests' 福湖社区 family heads (name, ID number).
FUHU_HEADS = (
    ("王建国", "330203197001010015"),
    ("陈建华", "330203197102020028"),
    ("张国平", "330203197203030030"),
)


def enrolled_fuhu_heads(heads: tuple[tuple[str, str], ...], month: Any) -> int:
    """One-person households in 福湖社区 (柳汀街 1, 2 …) for `heads` (name, ID number), enrolled in
    低保 from `month` (a YearMonth): the demo village tests' families. Returns how many were."""
    from minzheng.verification.demo import enrol_sample

    for n, (name, id_number) in enumerate(heads, start=1):
        born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        _household(
            "330203001001",
            f"海曙区南门街道福湖社区柳汀街{n}号",
            [(name, id_number, "head", born, "")],
        )
    return enrol_sample(len(heads), month, within="330203001001")


@pytest.fixture
def household_li_three_members(regions: None) -> Any:
    """李建国's family in 福湖社区, 南门街道, 海曙区."""
    return _household(
        "330203001001",
        "海曙区南门街道福湖社区解放南路12号",
        [
            ("李建国", "330203195001011238", "head", date(1950, 1, 1), "13805741234"),
            ("王秀英", "330203195203152346", "spouse", date(1952, 3, 15), "13805745678"),
            ("李明", "330203198006204438", "child", date(1980, 6, 20), ""),
        ],
    )


@pytest.fixture
def household_zhou_yinzhou(regions: None) -> Any:
    """周海燕's family in 福晖新村社区, 下应街道, 鄞州区 — another county."""
    return _household(
        "330212003001",
        "鄞州区下应街道福晖新村社区天童南路88号",
        [
            ("周海燕", "330227197809123320", "head", date(1978, 9, 12), "13905749876"),
            ("周晓东", "330212200305060012", "child", date(2003, 5, 6), ""),
        ],
    )


# The demo-county tests' village: 福晖新村社区, 下应街道, 鄞州区 (issue #14).
FUHUI = "330212003001"
FUHUI_SURNAMES = "周吴郑冯褚卫"


def fuhui_families(count: int = len(FUHUI_SURNAMES)) -> list[Any]:
    """`count` two-person families (a head born 1960–65 and his wife) in 福晖新村社区 —
    more than any village of the test city holds, so the demo's county seeds choose it
    (`registry.demo.county_village`)."""
    from minzheng.core.idnumber import check_digit

    families = []
    for n, surname in enumerate(FUHUI_SURNAMES[:count]):
        people = []
        for name, born, serial, relationship in (
            (f"{surname}海波", date(1960 + n, 3, n + 1), 31 + 2 * n, "head"),
            (f"{surname}丽娟", date(1962 + n, 5, n + 1), 42 + 2 * n, "spouse"),
        ):
            first17 = f"330212{born:%Y%m%d}{serial:03d}"
            people.append((name, first17 + check_digit(first17), relationship, born, ""))
        families.append(_household(FUHUI, f"鄞州区下应街道福晖新村社区天童南路{n + 1}号", people))
    return families


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The production hasher costs ~0.3 s a login by design; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Playwright driving Debian's Chromium (never a downloaded browser): one for the whole session,
# shared by every test folder that drives pages.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture
def run_worker(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """One pass of the worker inside a test. The test's transaction stays open, so the worker's
    per-loop `close_old_connections` (which would drop a connection not in autocommit) is a no-op
    here; the stored schedules are left alone."""
    import django_tasks_db.management.commands.db_worker as db_worker

    from minzheng.jobs import runner

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(runner, "close_old_connections", lambda: None)

    def run() -> int:
        return runner.work(once=True, interval=0, schedules=False)

    return run
