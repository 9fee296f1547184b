"""Where the suite's time goes, in CPU seconds rather than wall seconds (the machine is shared).

Load it with `PYTHONPATH=.:src pytest -p tests.cputime_plugin`; it writes a JSON file
(`MINZHENG_CPUTIME_OUT`, default `var/cputime.json`) with, for every test, its setup, call and
teardown phases, each as:

- `cpu`: this process's CPU seconds (`time.process_time`, every thread: the live server too);
- `wall`: elapsed seconds;
- `db`: CPU seconds of the PostgreSQL backends serving the test database (read from
  `/proc/<pid>/stat`, so only for a server on this machine; 0 on SQLite, whose work is in `cpu`);
- `child`: CPU seconds of this process's descendants (Playwright's driver and Chromium).

It also writes each fixture's own setup time (exclusive of the fixtures it asks for), summed per
fixture name and per test file, and the session's time outside any test (collection, start-up).
`python -m tests.cputime_plugin compare OLD.json NEW.json` prints the per-file and per-fixture
differences of two runs (docs/testing.md).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

_TICK = float(os.sysconf("SC_CLK_TCK"))
PHASES = ("setup", "call", "teardown")


def _proc_cpu(pid: int) -> tuple[int, float] | None:
    """(parent pid, user + system CPU seconds) of a process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            raw = stat.read()
    except OSError:
        return None
    # The command name may hold spaces and parentheses: the fields start after the last ')'.
    fields = raw[raw.rindex(b")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK


class ProcessMeter:
    """CPU seconds of the database server's backends for one database, and of our descendants.

    A backend is recognised by its process title (`postgres: USER DBNAME HOST(PORT) …`), a
    descendant by its parent; each pid is classified once, so a reading opens the stat files of
    our own processes only. A backend that exits between two readings loses its last share: the
    meter reads at every phase boundary, so little is lost."""

    def __init__(self) -> None:
        self.database = ""
        self._me = os.getpid()
        self._kind: dict[int, str] = {}  # pid -> "db", "child" or ""

    def _classify(self, pid: int) -> str:
        stat = _proc_cpu(pid)
        if stat is None:
            return ""
        parent = stat[0]
        if parent == self._me or self._kind.get(parent) == "child":
            return "child"
        if not self.database:
            return "?"  # asked again once the test database is known
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                words = cmdline.read().decode(errors="replace").split()
        except OSError:
            return ""
        # `postgres: [CLUSTER: ]USER DBNAME HOST(PORT) STATE`: the cluster name is optional.
        if words[:1] != ["postgres:"]:
            return ""
        at = 3 if len(words) > 1 and words[1].endswith(":") else 2
        return "db" if len(words) > at and words[at] == self.database else ""

    def read(self) -> tuple[float, float]:
        """(database backends' CPU, descendants' CPU), both summed over the living processes."""
        totals = {"db": 0.0, "child": 0.0}
        living = sorted(int(name) for name in os.listdir("/proc") if name.isdigit())
        for pid in living:
            kind = self._kind.get(pid)
            if kind is None or kind == "?":
                kind = self._kind[pid] = self._classify(pid)
            if kind in totals:
                stat = _proc_cpu(pid)
                if stat is not None:
                    totals[kind] += stat[1]
        gone = set(self._kind) - set(living)
        for pid in gone:
            del self._kind[pid]
        return totals["db"], totals["child"]


@dataclass
class Reading:
    cpu: float
    wall: float
    db: float
    child: float

    def minus(self, other: Reading) -> dict[str, float]:
        return {
            "cpu": round(self.cpu - other.cpu, 4),
            "wall": round(self.wall - other.wall, 4),
            # A backend that exited takes its seconds with it: never count that as negative.
            "db": round(max(self.db - other.db, 0.0), 4),
            "child": round(max(self.child - other.child, 0.0), 4),
        }


@dataclass
class Recorder:
    meter: ProcessMeter = field(default_factory=ProcessMeter)
    tests: dict[str, dict[str, Any]] = field(default_factory=dict)
    fixtures: dict[str, dict[str, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )
    fixtures_by_file: dict[str, dict[str, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )
    _stack: list[list[float]] = field(default_factory=list)
    start: Reading | None = None
    start_load: str = ""

    def now(self) -> Reading:
        db, child = self.meter.read()
        return Reading(time.process_time(), time.perf_counter(), db, child)

    @contextmanager
    def phase(self, item: pytest.Item, when: str) -> Iterator[None]:
        self._pick_database()
        before = self.now()
        yield
        self._pick_database()
        entry = self.tests.setdefault(item.nodeid, {"file": item.nodeid.split("::")[0]})
        entry[when] = self.now().minus(before)

    @contextmanager
    def fixture(self, name: str, item_file: str) -> Iterator[None]:
        # Exclusive time: a fixture that asks for another (getfixturevalue) does not count it.
        started = [time.process_time(), time.perf_counter(), 0.0, 0.0]
        self._stack.append(started)
        try:
            yield
        finally:
            self._stack.pop()
            cpu = time.process_time() - started[0]
            wall = time.perf_counter() - started[1]
            if self._stack:
                self._stack[-1][2] += cpu
                self._stack[-1][3] += wall
            own_cpu, own_wall = cpu - started[2], wall - started[3]
            totals = self.fixtures[name]
            totals["cpu"] += own_cpu
            totals["wall"] += own_wall
            totals["count"] += 1
            self.fixtures_by_file[item_file][name] += own_cpu

    def _pick_database(self) -> None:
        if self.meter.database:
            return
        try:
            from django.conf import settings
            from django.db import connection
        except ImportError:
            return
        if not settings.configured:
            return
        if connection.vendor == "postgresql":
            name = str(connection.settings_dict["NAME"])
            if name.startswith("test_"):
                self.meter.database = name

    def write(self, path: Path, end: Reading) -> None:
        assert self.start is not None
        totals = {when: defaultdict(float) for when in PHASES}
        for entry in self.tests.values():
            for when in PHASES:
                for key, value in entry.get(when, {}).items():
                    totals[when][key] += value
        document = {
            "argv": sys.argv,
            "database": self.meter.database or "sqlite",
            "loadavg_start": self.start_load,
            "loadavg_end": _loadavg(),
            "session": self.start and end.minus(self.start),
            "phases": {when: {k: round(v, 3) for k, v in t.items()} for when, t in totals.items()},
            "fixtures": {
                name: {k: round(v, 4) for k, v in t.items()}
                for name, t in sorted(self.fixtures.items(), key=lambda kv: -kv[1]["cpu"])
            },
            "fixtures_by_file": {
                file: {k: round(v, 4) for k, v in sorted(t.items(), key=lambda kv: -kv[1])}
                for file, t in self.fixtures_by_file.items()
            },
            "tests": self.tests,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1))


def _loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().strip()
    except OSError:
        return ""


RECORDER = Recorder()


def pytest_sessionstart(session: pytest.Session) -> None:
    RECORDER.start = RECORDER.now()
    RECORDER.start_load = _loadavg()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, Any, Any]:
    with RECORDER.phase(item, "setup"):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    with RECORDER.phase(item, "call"):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, Any, Any]:
    with RECORDER.phase(item, "teardown"):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    file = request.node.nodeid.split("::")[0]
    with RECORDER.fixture(fixturedef.argname, file):
        return (yield)


def pytest_sessionfinish(session: pytest.Session) -> None:
    out = Path(os.environ.get("MINZHENG_CPUTIME_OUT", "var/cputime.json"))
    RECORDER.write(out, RECORDER.now())


def pytest_terminal_summary(terminalreporter: Any) -> None:
    out = os.environ.get("MINZHENG_CPUTIME_OUT", "var/cputime.json")
    data = json.loads(Path(out).read_text()) if Path(out).exists() else None
    if not data:
        return
    phases = data["phases"]
    cpu = sum(p.get("cpu", 0.0) for p in phases.values())
    db = sum(p.get("db", 0.0) for p in phases.values())
    child = sum(p.get("child", 0.0) for p in phases.values())
    wall = sum(p.get("wall", 0.0) for p in phases.values())
    terminalreporter.write_line(
        f"cputime: tests {cpu:.1f} CPU s + database {db:.1f} + children {child:.1f} "
        f"(wall {wall:.1f} s); session {data['session']['cpu']:.1f} CPU s → {out}"
    )


# ---- comparing two runs -------------------------------------------------------------------------


def _per_file(data: dict[str, Any]) -> dict[str, dict[str, float]]:
    files: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for entry in data["tests"].values():
        row = files[entry["file"]]
        row["tests"] += 1
        for when in PHASES:
            phase = entry.get(when, {})
            row["cpu"] += phase.get("cpu", 0.0)
            row["db"] += phase.get("db", 0.0)
            row["child"] += phase.get("child", 0.0)
            row["wall"] += phase.get("wall", 0.0)
            row[f"{when}_cpu"] += phase.get("cpu", 0.0)
    return files


def _total(row: dict[str, float]) -> float:
    return row.get("cpu", 0.0) + row.get("db", 0.0) + row.get("child", 0.0)


def compare(old_path: str, new_path: str, top: int = 40) -> None:
    old = json.loads(Path(old_path).read_text())
    new = json.loads(Path(new_path).read_text())
    old_files, new_files = _per_file(old), _per_file(new)
    print(f"{'':60} {'old':>8} {'new':>8} {'diff':>8}  (CPU s: process + database + children)")
    for label, data in (("old", old), ("new", new)):
        rows = _per_file(data).values()
        print(
            f"{label}: tests {sum(r['tests'] for r in rows):.0f}, "
            f"process {sum(r['cpu'] for r in rows):.1f}, database {sum(r['db'] for r in rows):.1f}, "
            f"children {sum(r['child'] for r in rows):.1f}, wall {sum(r['wall'] for r in rows):.1f}, "
            f"session {data['session']['cpu']:.1f} CPU / {data['session']['wall']:.1f} wall, "
            f"load at start {data.get('loadavg_start', '')}"
        )
    names = set(old_files) | set(new_files)
    diffs = sorted(
        names, key=lambda n: -abs(_total(new_files.get(n, {})) - _total(old_files.get(n, {})))
    )
    print("\nper file (largest differences first)")
    for name in diffs[:top]:
        a, b = _total(old_files.get(name, {})), _total(new_files.get(name, {}))
        count = f"{old_files.get(name, {}).get('tests', 0):.0f}→{new_files.get(name, {}).get('tests', 0):.0f}"
        print(f"{name[:52]:52} {count:>7} {a:8.1f} {b:8.1f} {b - a:+8.1f}")
    print("\nper fixture (setup, own CPU s of this process)")
    fixtures = set(old["fixtures"]) | set(new["fixtures"])
    ranked = sorted(
        fixtures,
        key=lambda n: (
            -abs(
                new["fixtures"].get(n, {}).get("cpu", 0.0)
                - old["fixtures"].get(n, {}).get("cpu", 0.0)
            )
        ),
    )
    for name in ranked[:top]:
        a, b = old["fixtures"].get(name, {}), new["fixtures"].get(name, {})
        count = f"{a.get('count', 0):.0f}→{b.get('count', 0):.0f}"
        print(
            f"{name[:52]:52} {count:>11} {a.get('cpu', 0.0):8.1f} {b.get('cpu', 0.0):8.1f} "
            f"{b.get('cpu', 0.0) - a.get('cpu', 0.0):+8.1f}"
        )


def summary(path: str, top: int = 30) -> None:
    data = json.loads(Path(path).read_text())
    files = _per_file(data)
    print(json.dumps(data["phases"]), data["session"], data.get("loadavg_start"))
    print("\nfiles by CPU (process + database + children)")
    for name, row in sorted(files.items(), key=lambda kv: -_total(kv[1]))[:top]:
        print(
            f"{name[:60]:60} {row['tests']:4.0f} {_total(row):8.1f}  "
            f"setup {row['setup_cpu']:6.1f} call {row['call_cpu']:6.1f} "
            f"teardown {row['teardown_cpu']:6.1f} db {row['db']:6.1f} child {row['child']:6.1f}"
        )
    print("\nfixtures by own setup CPU")
    for name, row in list(data["fixtures"].items())[:top]:
        print(f"{name[:60]:60} {row['count']:6.0f} {row['cpu']:8.1f} wall {row['wall']:8.1f}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "summary":
        summary(sys.argv[2])
    else:
        print("usage: python -m tests.cputime_plugin compare OLD.json NEW.json | summary RUN.json")
        sys.exit(2)
