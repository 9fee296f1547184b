"""The test database is copied from an earlier run's freshly migrated one only while nothing that
shapes it changed (`tests/migrated_template.py`): the key of that copy follows the migrations,
the modules they name, and the day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.migrated_template import template_key

DAY = date(2026, 12, 3)


def _tree(root: Path) -> Path:
    """A minimal `minzheng` package: one migration that names a module, one module it does not."""
    (root / "core" / "migrations").mkdir(parents=True)
    (root / "core" / "migrations" / "0001_initial.py").write_text(
        "from minzheng.core.partitions import forwards_for\n"
        "import minzheng.core.models\n"
        "field = minzheng.core.models.EncryptedField\n"
    )
    (root / "core" / "partitions.py").write_text("SQL = 'CREATE TABLE p'\n")
    (root / "core" / "models.py").write_text("class EncryptedField: ...\n")
    (root / "core" / "views.py").write_text("def page(): ...\n")
    return root


def test_the_key_changes_with_a_migration_and_with_a_module_it_names(tmp_path: Path) -> None:
    src = _tree(tmp_path)
    first = template_key(DAY, src)
    assert len(first) == 16 and first == template_key(DAY, src)

    (src / "core" / "partitions.py").write_text("SQL = 'CREATE TABLE q'\n")
    second = template_key(DAY, src)
    assert second != first

    # A dotted name past the module (minzheng.core.models.EncryptedField) finds core/models.py.
    (src / "core" / "models.py").write_text("class EncryptedField:\n    max_length = 9\n")
    third = template_key(DAY, src)
    assert third != second

    (src / "core" / "migrations" / "0002_more.py").write_text("operations = []\n")
    assert template_key(DAY, src) != third


def test_a_module_no_migration_names_leaves_the_key_alone(tmp_path: Path) -> None:
    src = _tree(tmp_path)
    before = template_key(DAY, src)
    (src / "core" / "views.py").write_text("def page():\n    return 1\n")
    assert template_key(DAY, src) == before


def test_the_key_changes_with_the_day_partitions_are_made_ahead_of(tmp_path: Path) -> None:
    src = _tree(tmp_path)
    assert template_key(DAY, src) != template_key(date(2026, 12, 4), src)
