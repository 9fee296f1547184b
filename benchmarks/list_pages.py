"""Every back-office LIST PAGE (not its query) for every role that may open it, at `city` scale.

    .venv/bin/python benchmarks/list_pages.py [--quick] [--backend sqlite|postgresql]
        [--reuse NAME] [--repeat N] [--only URLNAME,...]

The pages are found, not listed by hand: every address without a parameter whose view pages its
rows through `core.listing.paginate` (docs/list_pages.md), plus one roll's 发放明细 (a roll's
lines). Each is requested through the Django test client as each of the seven roles: the first
page, page 2 and — where the page has one in `SEARCHES` — its main search (a surname, a month …).
A role the page refuses (403, or a redirect) is reported once with `"opened": false` and not
timed. Target: p95 ≤ 50 ms (`within_target`).

The database is `registry.seed` at `city` scale (1,000,000 persons; `--quick` 20,000) plus the
rows the list pages show that the city seed does not write, inserted through the models in bulk
(`seed_lists`): applications (one per 20 persons), warnings (one per 50), audit events (one per
5), login-log entries (one per 10), 1,000 staff accounts, and one county's roll computed by the
platform's own `payments.jobs.run_roll`. A reused database is topped up, never seeded twice.

`--reuse NAME` keeps the seeded database (PostgreSQL database NAME, SQLite file
$MINZHENG_VAR_DIR/NAME.sqlite3, default /tmp/mz_perf) between runs.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _pages import database, run_child, setup_django, sign_in, time_page

PG_DATABASE = "minzheng_bench_lists"
CITY = "330200000000"
COUNTY = "330203000000"
TOWNSHIP = "330203001000"
MONTH = "2020-12"
ROLES = (
    ("city_admin", CITY),
    ("county_approver", COUNTY),
    ("township_caseworker", TOWNSHIP),
    ("village_assistant", ""),  # the village of the township's first person
    ("auditor", CITY),
    ("security_admin", CITY),
    ("system_admin", CITY),
)
# The main search of a page, by URL name: the query string, given a surname in the user's scope.
SEARCHES: dict[str, Callable[[str], str]] = {
    "registry:person_list": lambda s: f"q={s}",
    "registry:household_list": lambda s: f"head={s}",
    "applications:search": lambda s: f"name={s}",
    "payments:roll_list": lambda s: f"month={MONTH}",
    "payments:roll_detail": lambda s: f"name={s}",
    "payments:account_changes": lambda s: f"name={s}",
    "audit_log": lambda s: "action=update",
    "monitoring:warning_list": lambda s: f"name={s}",
    "verification:feed_list": lambda s: "source=civil_affairs",
    "organisations:organisation_list": lambda s: "text=协会",
    "accounts:user_list": lambda s: "q=bench",
    "accounts:login_log": lambda s: "result=failure",
}


def list_pages() -> Iterator[tuple[str, str]]:
    """(URL name, address) of every parameterless page whose view pages through core.listing."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver: URLResolver, prefix: str, ns: str) -> Iterator[tuple[str, str, Any]]:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                inner = f"{ns}:{p.namespace}" if ns and p.namespace else p.namespace or ns
                yield from walk(p, prefix + str(p.pattern), inner or "")
            elif isinstance(p, URLPattern):
                name = f"{ns}:{p.name}" if ns else p.name or ""
                yield prefix + str(p.pattern), name, p.callback

    for path, name, view in walk(get_resolver(), "/", ""):
        if "<" in path or "public" in path:
            continue
        try:
            source = inspect.getsource(inspect.unwrap(view))
        except (OSError, TypeError):
            continue
        if "paginate(" in source or "_page(" in source:
            yield name, path


def seed_lists(persons: int) -> dict[str, int]:
    """The rows the list pages show that the city seed does not write; topped up, not repeated."""
    from django.contrib.auth.hashers import make_password

    from minzheng.accounts.models import LoginLog, User
    from minzheng.applications.models import Application
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.core.models import AuditEvent
    from minzheng.core.yearmonth import YearMonth
    from minzheng.monitoring.models import Warning
    from minzheng.payments.jobs import run_roll
    from minzheng.payments.models import Roll
    from minzheng.registry.models import Membership

    made: dict[str, int] = {}
    steps = ["submitted", "visit", "township_review", "county_approval", "approved", "refused"]
    if Application.objects.count() < persons // 40:
        rows = (
            Membership.objects.filter(valid_to__isnull=True, person_id__isnull=False)
            .order_by("person_id")
            .values_list("person_id", "household_id", "person__region_id", "person__name")
        )
        batch: list[Application] = []
        day = date(2020, 1, 1)
        for i, (person_id, household_id, region_id, name) in enumerate(
            rows.iterator(chunk_size=20_000)
        ):
            if i % 20:
                continue
            on = day + timedelta(days=i % 330)
            batch.append(
                Application(
                    household_id=household_id,
                    applicant_id=person_id,
                    applicant_name=name,  # bulk_create does not call save()
                    region_id=region_id,
                    programmes=["dibao"],
                    declared_income="800.00",
                    channel="window",
                    step=steps[(i // 20) % len(steps)],
                    step_started_on=on,
                    submitted_on=on,
                )
            )
            if len(batch) == 5_000:
                Application.objects.bulk_create(batch)
                batch = []
        Application.objects.bulk_create(batch)
        made["applications"] = Application.objects.count()
    if Warning.objects.count() < persons // 100:
        from minzheng.registry.models import Person

        people = (
            Person.objects.order_by("id")
            .values_list("id", "name", "id_number_index", "id_number_masked", "region_id")
            .iterator(chunk_size=20_000)
        )
        kinds = ["vehicle", "property", "business", "income_over_line"]
        warnings: list[Warning] = []
        for i, (pid, name, index, masked, region_id) in enumerate(people):
            if i % 50:
                continue
            warnings.append(
                Warning(
                    month=date(2020, 1 + (i // 50) % 12, 1),
                    kind=kinds[(i // 50) % len(kinds)],
                    severity="medium",
                    id_number_index=index,
                    id_number_masked=masked,
                    name=name,
                    person_id=pid,
                    region_id=region_id,
                    ref=f"bench-{pid}",
                    source="bench",
                    evidence={"来源": "基准测试"},
                    rule="基准测试数据（示例）",
                    action="review",
                    deadline=date(2021, 1, 1) + timedelta(days=i % 60),
                )
            )
            if len(warnings) == 5_000:
                Warning.objects.bulk_create(warnings, ignore_conflicts=True)
                warnings = []
        Warning.objects.bulk_create(warnings, ignore_conflicts=True)
        made["warnings"] = Warning.objects.count()
    if AuditEvent.objects.count() < persons // 5:
        actions = ["update", "view_pii", "transition", "create", "export"]
        for start in range(0, persons // 5, 10_000):
            AuditEvent.objects.bulk_create(
                AuditEvent(
                    actor_name=f"bench_user_{n % 50}",
                    actor_role="township_caseworker",
                    action=actions[n % len(actions)],
                    object_type="person",
                    object_id=str(n * 5 + 1),
                    person_id=n * 5 + 1,
                    region_code=TOWNSHIP,
                    summary="基准测试",
                )
                for n in range(start, min(start + 10_000, persons // 5))
            )
        made["audit_events"] = AuditEvent.objects.count()
    if LoginLog.objects.count() < persons // 10:
        for start in range(0, persons // 10, 10_000):
            LoginLog.objects.bulk_create(
                LoginLog(
                    username=f"bench_user_{n % 50}",
                    success=n % 7 != 0,
                    reason="" if n % 7 else "密码错误",
                    ip=f"10.0.{n % 250}.{n % 200 + 1}",
                )
                for n in range(start, min(start + 10_000, persons // 10))
            )
        made["login_log"] = LoginLog.objects.count()
    if User.objects.filter(username__startswith="bench_staff_").count() < 1_000:
        password = make_password("Bench#2026-lists")
        User.objects.bulk_create(
            (
                User(
                    username=f"bench_staff_{n}",
                    password=password,
                    role="township_caseworker",
                    region_id=TOWNSHIP,
                    display_name=f"经办员{n}",
                )
                for n in range(1_000)
            ),
            ignore_conflicts=True,
        )
        made["users"] = User.objects.count()
    if not Roll.objects.exists():
        do_load_parameter_catalog(None)  # idempotent; the roll reads its parameters from it
        result = run_roll(COUNTY[:6], YearMonth.parse(MONTH))
        made["roll_lines"] = result.inserted
    return made


def measure(backend: str, persons: int, repeat: int, only: set[str]) -> None:
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from minzheng.payments.models import Roll
    from minzheng.regions.loader import load_divisions
    from minzheng.registry.models import Person
    from minzheng.registry.seed import seed_registry

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    present = Person.objects.count()
    if present < persons:
        load_divisions()
        seed_registry("city", 2020, persons=persons)
    made = seed_lists(max(present, persons))
    if connection.vendor == "postgresql":
        # The visibility map and the planner's estimates after the bulk inserts (index-only
        # scans read the heap for every page the visibility map does not mark all-visible).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        json.dumps(
            {
                "benchmark": "list_pages_seed",
                "database": backend,
                "persons": max(present, persons),
                "seeded": made,
                "seconds": round(time.perf_counter() - started, 1),
            }
        ),
        flush=True,
    )
    pages = [(n, p) for n, p in list_pages() if not only or n in only]
    roll = Roll.objects.order_by("id").first()
    if roll is not None and (not only or "payments:roll_detail" in only):
        pages.append(("payments:roll_detail", f"/payments/rolls/{roll.pk}/"))
    village = ""
    for role, region in ROLES:
        user, client = sign_in(role, region or village, "bench_lists")
        if role == "township_caseworker":
            village = str(
                Person.objects.visible_to(user)
                .order_by("id")
                .values_list("region_id", flat=True)[0]
            )
        in_scope = (
            Person.objects.visible_to(user)
            if "case_data" in user.capabilities
            else Person.objects.all()
        )
        surname = (in_scope.order_by("id").values_list("name", flat=True)[:1] or ["王"])[0][0]
        for name, path in pages:
            requests = {"first_page": path, "page_2": f"{path}?page=2"}
            if name in SEARCHES:
                requests["search"] = f"{path}?{SEARCHES[name](surname)}"
            for kind, url in requests.items():
                timing = time_page(client, url, repeat)
                line: dict[str, object] = {
                    "benchmark": "list_pages",
                    "database": backend,
                    "persons": max(present, persons),
                    "role": role,
                    "page": name,
                }
                if timing.status != 200:
                    line |= {"opened": False, "status": timing.status}
                    print(json.dumps(line), flush=True)
                    break  # a refused page is reported once
                line |= {"request": kind, "url": url, "requests": repeat, **timing.fields()}
                print(json.dumps(line, ensure_ascii=False), flush=True)


def run(backend: str, args: argparse.Namespace) -> int:
    with database(backend, reuse=args.reuse, fresh_name=PG_DATABASE) as env:
        arguments = ["--measure", backend, "--repeat", str(args.repeat)]
        arguments += ["--quick"] if args.quick else []
        arguments += ["--only", args.only] if args.only else []
        return run_child(__file__, arguments, env)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 persons, 5 requests each")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"])
    parser.add_argument("--reuse", metavar="NAME", help="keep a seeded database NAME between runs")
    parser.add_argument("--repeat", type=int, help="requests per page (default 30; --quick 5)")
    parser.add_argument("--only", help="comma-separated URL names (e.g. registry:person_list)")
    parser.add_argument("--measure", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    persons = 20_000 if args.quick else 1_000_000
    args.repeat = args.repeat or (5 if args.quick else 30)
    if args.measure:
        measure(args.measure, persons, args.repeat, set(filter(None, (args.only or "").split(","))))
        return 0
    backends = [args.backend] if args.backend else ["sqlite", "postgresql"]
    return max(run(b, args) for b in backends)


if __name__ == "__main__":
    sys.exit(main())
