"""Compiled modules kept in `VAR_DIR/pycache` when the environment forbids writing them beside
the sources (PYTHONDONTWRITEBYTECODE, as container images often set it).

Without a place to keep them, every Python process compiles every module it imports from source:
about 3 s of each `minzheng` process here (the demo's build, then its server and its worker
each again), 7.7 of a form fuzz run's 58 profiled seconds in the tests. `keep_aside()` points
this process and the processes it starts at `VAR_DIR/pycache` (PYTHONPYCACHEPREFIX) — never
beside the sources. A prefix set by the caller is left as it is. No Django here: it runs before
anything else is imported.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent


def keep_aside() -> None:
    if not sys.dont_write_bytecode or sys.pycache_prefix or os.environ.get("PYTHONPYCACHEPREFIX"):
        return
    var = os.environ.get("MINZHENG_VAR_DIR") or str(PROJECT_DIR / "var")
    prefix = str(Path(var) / "pycache")
    sys.pycache_prefix = prefix
    sys.dont_write_bytecode = False
    os.environ["PYTHONPYCACHEPREFIX"] = prefix
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
