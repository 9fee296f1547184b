"""Migration applications 0007 rewrites 公示's stored step code `notice` ↔ `public_notice`."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from minzheng.applications.models import Application, StepRecord
from minzheng.dictionary.labels import label_for
from minzheng.dictionary.models import LabelOverride

from .conftest import walk_to_public_notice

MIGRATION = ("applications", "0007_step_public_notice")
migration = import_module("minzheng.applications.migrations.0007_step_public_notice")


def _state_apps() -> Any:
    return MigrationLoader(connection).project_state(MIGRATION).apps


def _codes(app: Application) -> tuple[str, list[str]]:
    steps = list(StepRecord.objects.filter(application=app).values_list("step", flat=True))
    return Application.objects.get(pk=app.pk).step, steps


def test_the_step_code_is_rewritten_backwards_and_forwards_with_rows_in_place(
    application_li: Any, caseworker_nanmen: Any
) -> None:
    app = walk_to_public_notice(application_li, caseworker_nanmen)
    other = Application.objects.exclude(pk=app.pk).count()
    LabelOverride.objects.create(kind="application_step", code="public_notice", text="公示中")
    history = ["submitted", "visit", "verification", "township_review", "public_notice"]
    assert _codes(app) == ("public_notice", history)

    migration.backwards(_state_apps(), None)
    assert _codes(app) == ("notice", [*history[:-1], "notice"])
    assert LabelOverride.objects.get(kind="application_step").code == "notice"
    assert not Application.objects.filter(step="public_notice").exists()

    migration.forwards(_state_apps(), None)
    assert _codes(app) == ("public_notice", history)
    assert LabelOverride.objects.get(kind="application_step").code == "public_notice"
    assert not StepRecord.objects.filter(step="notice").exists()
    assert Application.objects.exclude(pk=app.pk).count() == other


def test_rows_at_other_steps_are_left_alone(application_li: Any) -> None:
    migration.forwards(_state_apps(), None)
    assert _codes(application_li) == ("visit", ["submitted", "visit"])
    migration.backwards(_state_apps(), None)
    assert _codes(application_li) == ("visit", ["submitted", "visit"])


@pytest.mark.django_db
def test_audit_events_written_with_the_old_code_still_read_公示() -> None:
    assert label_for("application_step", "notice") == "公示"
    assert label_for("application_step", "public_notice") == "公示"
