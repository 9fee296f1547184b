"""`minzheng.bytecode.keep_aside`: with PYTHONDONTWRITEBYTECODE set, a `minzheng` command keeps
its compiled modules in VAR_DIR/pycache, never beside the sources."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_command_keeps_its_compiled_modules_in_var(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPYCACHEPREFIX"}
    env.update(PYTHONDONTWRITEBYTECODE="1", MINZHENG_VAR_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "minzheng.cli", "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    kept = list((tmp_path / "pycache").rglob("*.pyc"))
    assert any(p.name.startswith("argparse.") for p in kept)  # imported after keep_aside()
    assert not list((ROOT / "src" / "minzheng").rglob("__pycache__"))
