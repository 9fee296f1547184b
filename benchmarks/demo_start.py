"""What a new user waits for after `make demo`: from `minzheng demo --reset` to the sign-in page
answering, in a new `var/` (issue #14: serving within 60 s of a warm install).

    .venv/bin/python benchmarks/demo_start.py [--quick] [--keep-cache]

Each run builds the demo in a temporary folder of its own (SQLite, as `make demo` does), on a free
port, and polls http://127.0.0.1:<port>/login/ until it answers 200. Prints one JSON line
per start with the seconds to serve, the CPU seconds of the build and each step's seconds as the
demo printed them, then one line with the ratio of the first start (nothing in `var/`) to a second
start of the same folder (the built database reused: the baseline, what serving alone costs).
The machine is shared: the load average is printed beside each line. `--quick` skips the second,
fresh-folder start with the migrated copy kept (`--keep-cache` adds it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEP = re.compile(r"^\s+(.+?)……([\d.]+) 秒$")
LIMIT_S = 600


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def start(var: Path, *, reset: bool) -> dict[str, object]:
    """One `minzheng demo` start in `var`: seconds until the sign-in page answers."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(MINZHENG_VAR_DIR=str(var), PYTHONPATH=str(ROOT / "src"))
    command = [sys.executable, "-m", "minzheng.cli", "demo", "--port", str(port)]
    log = var / "demo.log"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(
            [*command, *(["--reset"] if reset else [])],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the demo's server and worker are stopped with it
        )
        try:
            url = f"http://127.0.0.1:{port}/login/"
            while not _answers(url):
                if process.poll() is not None:
                    raise SystemExit(f"demo exited {process.returncode}: see {log}")
                if time.perf_counter() - began > LIMIT_S:
                    raise SystemExit(f"demo did not serve within {LIMIT_S} s: see {log}")
                time.sleep(0.2)
            served = time.perf_counter() - began
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    steps = {
        m.group(1): float(m.group(2))
        for line in log.read_text().splitlines()
        if (m := STEP.match(line))
    }
    return {
        "served_s": round(served, 1),
        "cpu_s": round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 1),
        "steps_s": steps,
        "load": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the first and the reused start only")
    parser.add_argument(
        "--keep-cache", action="store_true", help="also a --reset start with the migrated copy"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mz-demo-start-") as folder:
        var = Path(folder)
        first = start(var, reset=True)
        print(
            json.dumps({"bench": "demo_start", "case": "new var/", **first}, ensure_ascii=False),
            flush=True,
        )
        if args.keep_cache and not args.quick:
            cached = start(var, reset=True)
            print(
                json.dumps(
                    {"bench": "demo_start", "case": "--reset, migrated copy kept", **cached},
                    ensure_ascii=False,
                )
            )
        again = start(var, reset=False)
        print(
            json.dumps(
                {"bench": "demo_start", "case": "built demo started again", **again},
                ensure_ascii=False,
            )
        )
        ratio = round(float(first["served_s"]) / max(float(again["served_s"]), 0.1), 1)  # type: ignore[arg-type]
        print(
            json.dumps({"bench": "demo_start", "ratio_first_to_reused": ratio}, ensure_ascii=False),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
