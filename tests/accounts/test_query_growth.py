"""Every list and detail page, walked with N rows of every scoped model and then with 3N: a page
whose query count grows with its rows (a query per row, N+1) fails.

The walk is the scope sweep's (`test_scope_sweep.routes`/`fill`), as 海曙's own caseworker and
approver, who see the seeded rows. Round one seeds one row of every scoped model (`Seeder`);
round two adds two more rows of each model beside the first — each linked to the same 海曙
household and person, so a household's or person's page lists three of each — and the same URLs
are fetched again. The exact pins of single pages stay in `tests/*/test_query_pins.py`.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.accounts.scoped_rows import Seeder
from tests.accounts.test_scope_sweep import NOT_ROW_KEYS, _keys, fill, routes
from tests.accounts.test_scoped_models import scoped_models

# Routes that are not a page to read: they act (a GET that downloads a generated file, signs out)
# or stream; the sweep walks them, this pin does not.
NOT_PAGES = ("logout/", "demo-clock/")

# Rows added of each model between the rounds: a page that queries per row makes at least this
# many more queries (one more query, not per row — a branch taken once there are several rows,
# as on eldercare/assessments/ 10 → 11 — is not N+1).
ADDED = 2

# A page whose queries may grow with its rows, and why that is right.
GROWS_BY_DESIGN: dict[str, str] = {}


# The one household and person the copies hang from.
KEEP_ONE = ("registry.Person", "registry.Household")


def _pages() -> list[str]:
    """Every GET route whose keys are rows (or none): the list pages and the detail pages."""
    pages = []
    for template in routes():
        if template.startswith(NOT_PAGES) or template.startswith("api/"):
            continue
        if any(not label and name not in NOT_ROW_KEYS for name, label in _keys(template)):
            continue
        pages.append(template)
    return pages


def _more_rows(seeder: Seeder, copies: int) -> dict[str, str]:
    """`copies` more rows of every scoped model; the labels a copy could not be made of, and why.

    A model whose copy repeats a unique key (one open enrolment per household and programme, one
    roll per month) keeps its one row, and the copies of the models that point to it point to
    that row — so its list still gets three rows of everything that hangs from it."""
    refused: dict[str, str] = {}
    scoped = scoped_models()
    for _ in range(copies):
        again = Seeder(seeder.household, seeder.user)
        for label, row in seeder.rows.items():
            if label in KEEP_ONE or label not in scoped:
                again.rows[label] = row  # not what the pin counts: shared by the copies
        pending = [label for label in scoped if label not in KEEP_ONE]
        for _attempt in range(3):  # a row refused for its parent's sake is tried again
            failed = []
            for label in pending:
                again.rows.pop(label, None)
                made = set(again.rows)
                try:
                    with transaction.atomic():
                        again.row(label)
                    refused.pop(label, None)
                except Exception as error:
                    for stale in set(again.rows) - made:
                        del again.rows[stale]
                    again.rows[label] = seeder.row(label)
                    failed.append(label)
                    refused[label] = f"{type(error).__name__}: {error}"[:160]
            pending = failed
    return refused


def _copied(seeder: Seeder) -> set[str]:
    from django.apps import apps

    return {label for label in scoped_models() if apps.get_model(label).objects.count() > 1}


def _counts(client: Client, urls: dict[str, str]) -> dict[str, int]:
    counts = {}
    for template, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code == 200:
            counts[template] = len(queries)
    return counts


@pytest.mark.parametrize("insider", ["caseworker_nanmen", "approver_haishu"])
def test_no_list_or_detail_page_queries_per_row(
    request: pytest.FixtureRequest,
    household_li_three_members: Any,
    caseworker_nanmen: Any,
    settings: Any,
    tmp_path: Any,
    insider: str,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    seeder = Seeder(household_li_three_members, caseworker_nanmen)
    for label in scoped_models():
        seeder.row(label)
    urls = {template: fill(template, seeder) for template in _pages()}
    client = Client()
    client.force_login(request.getfixturevalue(insider))
    client.get("/")  # warm the session and the menu
    _counts(client, urls)  # warm the per-process caches (dictionary, parameters)
    first = _counts(client, urls)
    assert len(first) >= 100, sorted(first)  # the walk really opened the pages

    refused = _more_rows(seeder, copies=ADDED)
    assert len(refused) <= len(scoped_models()) // 2, refused  # most models have more rows
    again = _counts(client, urls)

    grew = {
        template: (first[template], again[template])
        for template in first
        if template in again
        and again[template] - first[template] >= ADDED
        and template not in GROWS_BY_DESIGN
    }
    assert grew == {}, grew
