"""Loads the divisions file shipped in the repo into the Region table (idempotent)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from minzheng.regions.models import Level, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
DIVISIONS_FILE = DATA_DIR / "ningbo_divisions.csv"
_ORDER = {Level.CITY: 0, Level.COUNTY: 1, Level.TOWNSHIP: 2, Level.VILLAGE: 3}


def load_divisions(path: Path = DIVISIONS_FILE) -> int:
    """Insert the regions that are missing; returns how many were added."""
    with path.open(encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: (_ORDER[Level(r["level"])], r["code"]))
    existing = set(Region.objects.values_list("code", flat=True))
    fresh = [
        Region(
            code=r["code"],
            name=r["name"],
            level=r["level"],
            parent_id=r["parent_code"] or None,
            generated=r["generated"] in {"1", "true", "True"},
            source=r.get("source", "")[:200],
        )
        for r in rows
        if r["code"] not in existing
    ]
    with transaction.atomic():
        for level in (Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE):
            Region.objects.bulk_create([r for r in fresh if r.level == level], batch_size=1000)
    return len(fresh)
