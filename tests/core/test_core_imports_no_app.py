"""The kernel is the ground floor: nothing in `minzheng.core` imports an app, not even lazily or
for type checking. Apps build on core; core knows none of them."""

from __future__ import annotations

import ast
from pathlib import Path

import minzheng

PACKAGE = Path(minzheng.__file__).resolve().parent
APPS = sorted(p.parent.name for p in PACKAGE.glob("*/apps.py") if p.parent.name != "core")


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from minzheng import accounts` names the app in the alias
            if node.module == "minzheng":
                found += [(node.lineno, f"minzheng.{alias.name}") for alias in node.names]
    return found


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "minzheng" and parts[1] in APPS:
        return parts[1]
    return None


def test_the_apps_are_found() -> None:
    assert {"accounts", "registry", "regions", "payments", "applications"} <= set(APPS)


def test_core_imports_no_app_module() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{line} imports {module}"
        for path in sorted((PACKAGE / "core").rglob("*.py"))
        for line, module in _imported_modules(path)
        if _app_of(module)
    ]
    assert offenders == []


def test_the_check_sees_a_lazy_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n    from minzheng.registry.models import Person\n    return Person\n",
        encoding="utf-8",
    )
    assert _imported_modules(sample) == [(2, "minzheng.registry.models")]
    assert _app_of("minzheng.registry.models") == "registry"
    assert _app_of("minzheng.core.audit") is None
