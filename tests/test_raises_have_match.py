"""Every `pytest.raises` of a domain error names the error it expects (issue #12, item 6).

The rule, checked on the source of every file under `tests/` with `ast`:

    A `with pytest.raises(E)` where E is a domain error (a subclass of
    `minzheng.core.errors.DomainError`, found by name in `src/`) or a broad built-in
    (`Exception`, `ValueError`, `TypeError`, `KeyError`, `RuntimeError`, `LookupError`)
    must either pass `match=`, or bind the error (`as caught`) and, in a statement after the
    `with` in the same block, assert on `caught.value.code`.

Other errors (`SystemExit`, a test's own `Killed`, database errors) are not checked. A raises
that is deliberately left without either is listed in `DELIBERATE` (file and test function)
with the reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "minzheng"
TESTS = ROOT / "tests"

BROAD_BUILTINS = frozenset(
    {"Exception", "ValueError", "TypeError", "KeyError", "RuntimeError", "LookupError"}
)

# (test file relative to tests/, enclosing function) -> why it needs no match= or code assert.
DELIBERATE: dict[tuple[str, str], str] = {
    ("eldercare/test_meals.py", "refused"): (
        "a helper that returns the message of five different refusals (two error classes); "
        "each caller asserts the Chinese message it expects"
    ),
}


def _name(node: ast.expr) -> str | None:
    """The last name of `E` or `module.E`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def domain_error_names() -> frozenset[str]:
    """Names of every class in src/ that derives, by name, from DomainError."""
    bases: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                names = {n for n in (_name(b) for b in node.bases) if n}
                bases.setdefault(node.name, set()).update(names)
    found = {"DomainError"}
    grew = True
    while grew:
        grew = False
        for cls, parents in bases.items():
            if cls not in found and parents & found:
                found.add(cls)
                grew = True
    return frozenset(found)


def _raises_call(item: ast.withitem) -> ast.Call | None:
    call = item.context_expr
    if (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "raises"
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == "pytest"
    ):
        return call
    return None


def _checked_names(call: ast.Call, domain: frozenset[str]) -> list[str]:
    """The checked exception names `call` expects (a tuple counts each member)."""
    if not call.args:
        return []
    first = call.args[0]
    elements = first.elts if isinstance(first, ast.Tuple) else [first]
    names = [_name(e) for e in elements]
    return [n for n in names if n and (n in domain or n in BROAD_BUILTINS)]


def _asserts_code(statements: list[ast.stmt], bound: str) -> bool:
    """Whether an `assert` among `statements` reads `<bound>.value.code`."""
    for statement in statements:
        for node in ast.walk(statement):
            if not isinstance(node, ast.Assert):
                continue
            for inner in ast.walk(node.test):
                if (
                    isinstance(inner, ast.Attribute)
                    and inner.attr == "code"
                    and isinstance(inner.value, ast.Attribute)
                    and inner.value.attr == "value"
                    and isinstance(inner.value.value, ast.Name)
                    and inner.value.value.id == bound
                ):
                    return True
    return False


def _blocks(tree: ast.AST):
    """Every statement list in the tree (bodies, else and finally blocks, handlers)."""
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield block


def _enclosing_functions(tree: ast.AST) -> dict[int, str]:
    """The innermost function around each line (ast.walk visits outer functions first)."""
    owner: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                owner[line] = node.name
    return owner


def unnamed_raises(path: Path, domain: frozenset[str]) -> list[tuple[int, str, str]]:
    """(line, enclosing function, exception names) of each raises in `path` breaking the rule."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    owner = _enclosing_functions(tree)
    found: list[tuple[int, str, str]] = []
    for block in _blocks(tree):
        for index, statement in enumerate(block):
            if not isinstance(statement, ast.With):
                continue
            for item in statement.items:
                call = _raises_call(item)
                if call is None:
                    continue
                names = _checked_names(call, domain)
                if not names or any(k.arg == "match" for k in call.keywords):
                    continue
                bound = item.optional_vars
                if isinstance(bound, ast.Name) and _asserts_code(block[index + 1 :], bound.id):
                    continue
                found.append((call.lineno, owner.get(call.lineno, ""), ", ".join(names)))
    return sorted(found)


def test_the_checker_knows_the_domain_errors() -> None:
    domain = domain_error_names()
    for name in ("DomainError", "PermissionDenied", "NotFound", "ValidationFailed"):
        assert name in domain
    # an app's own subclass, two steps down
    assert "WorkflowRefused" in domain
    assert "SystemExit" not in domain


def test_the_checker_catches_a_bare_raises(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "import pytest\n"
        "def test_a():\n"
        "    with pytest.raises(ValidationFailed):\n"  # line 3: no match, no code
        "        f()\n"
        "    with pytest.raises(ValidationFailed, match='金额'):\n"
        "        f()\n"
        "    with pytest.raises(NotFound) as caught:\n"  # line 7: code asserted after
        "        f()\n"
        "    assert caught.value.code == 'not_found'\n"
        "    with pytest.raises(PermissionDenied) as caught:\n"  # line 10: message only
        "        f()\n"
        "    assert '权限' in str(caught.value)\n"
        "    with pytest.raises(SystemExit):\n"  # not a domain error
        "        f()\n",
        encoding="utf-8",
    )
    domain = frozenset({"ValidationFailed", "NotFound", "PermissionDenied"})
    assert unnamed_raises(sample, domain) == [
        (3, "test_a", "ValidationFailed"),
        (10, "test_a", "PermissionDenied"),
    ]


def test_every_deliberate_exception_is_still_needed() -> None:
    domain = domain_error_names()
    for relative, function in DELIBERATE:
        found = unnamed_raises(TESTS / relative, domain)
        assert any(f == function for _, f, _ in found), (relative, function)


def test_every_domain_error_raises_names_its_error() -> None:
    domain = domain_error_names()
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        relative = path.relative_to(TESTS).as_posix()
        for line, function, names in unnamed_raises(path, domain):
            if (relative, function) not in DELIBERATE:
                offenders.append(f"tests/{relative}:{line} pytest.raises({names})")
    assert not offenders, "pytest.raises without match= or an assert on .value.code:\n" + "\n".join(
        offenders
    )
