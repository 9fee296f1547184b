"""The sweep's seed: one row of every scoped model, each in 海曙 and seen only from there."""

from __future__ import annotations

from typing import Any

from django.apps import apps

from tests.accounts.scoped_rows import FACTORIES, Seeder
from tests.accounts.test_scoped_models import scoped_models


def test_every_scoped_model_has_a_seed_factory() -> None:
    # A new scoped model needs its line in FACTORIES (usually `"app.Model": auto,`), or the
    # sweep would walk its routes with no row behind the key and prove nothing.
    assert sorted(set(scoped_models()) - set(FACTORIES)) == []
    assert sorted(set(FACTORIES) - set(scoped_models())) == []


def test_every_seeded_row_is_haishus_and_nobody_elses(
    household_li_three_members: Any, caseworker_nanmen: Any, caseworker_xiaying: Any
) -> None:
    seeder = Seeder(household_li_three_members, caseworker_nanmen)
    # Every row first: a township reads a roll through its own lines on it (the seeded line in
    # 福湖社区), so a roll is judged once the line is there.
    rows = {label: seeder.row(label) for label in scoped_models()}
    own, other = [], []
    for label, row in rows.items():
        visible = apps.get_model(label).objects.visible_to
        if not visible(caseworker_nanmen).filter(pk=row.pk).exists():
            own.append(label)
        if visible(caseworker_xiaying).filter(pk=row.pk).exists():
            other.append(label)
    assert own == []  # 南门's caseworker sees every row: the rows really are in 海曙
    assert other == []  # 下应's sees none of them
