"""Run every benchmark script in this folder and forward the JSON lines they print.

    .venv/bin/python benchmarks/run.py            # all of them
    .venv/bin/python benchmarks/run.py --quick    # small sizes, for a smoke test
    .venv/bin/python benchmarks/run.py --only registry_search

Exits non-zero when any script fails (after running the others).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts(only: str | None) -> list[Path]:
    # `_pages.py` and the like are helpers the benchmarks import, not benchmarks.
    found = sorted(
        p for p in HERE.glob("*.py") if p.name != Path(__file__).name and not p.name.startswith("_")
    )
    if only is not None:
        found = [p for p in found if p.stem == only.removesuffix(".py")]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run one script, by name (e.g. registry_search)")
    parser.add_argument("--quick", action="store_true", help="pass --quick to every script")
    args = parser.parse_args()
    chosen = scripts(args.only)
    if not chosen:
        print(f"no benchmark named {args.only!r}", file=sys.stderr)
        return 2
    failed = []
    for script in chosen:
        command = [sys.executable, str(script), *(["--quick"] if args.quick else [])]
        print(f"# {script.name}", file=sys.stderr, flush=True)
        # Output is forwarded as it comes: stdout carries the JSON lines, stderr the progress.
        if subprocess.run(command, check=False).returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
