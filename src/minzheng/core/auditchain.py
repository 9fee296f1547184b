"""The hash chain over archived audit events (retention keeps the trail tamper-evident).

Each archived event is written as its canonical JSON; `hash_i = SHA-256(hash_{i-1} + "\\n" +
canonical_i)`, starting from the previous seal's last hash (`GENESIS` for the first archive). The
seal (`core.AuditSeal`) keeps the last hash, so an archive file that lost, gained or changed a line
no longer reproduces it, and a seal that does not follow its predecessor breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

GENESIS = "0" * 64

#: The columns of `core_auditevent` that make an event, in the order they are archived.
FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "region_code",
    "summary",
    "before",
    "after",
    "ip",
)


def canonical(event: Mapping[str, Any]) -> str:
    """One event as stable JSON: keys sorted, timestamps in ISO 8601 UTC, no spaces."""
    row = {}
    for name in FIELDS:
        value = event.get(name)
        if isinstance(value, datetime):
            value = value.isoformat()
        row[name] = value
    return json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def link(previous: str, line: str) -> str:
    return hashlib.sha256(f"{previous}\n{line}".encode()).hexdigest()


def chain(previous: str, lines: Iterable[str]) -> tuple[str, int]:
    """The last hash and the number of lines, chained from `previous`."""
    count = 0
    for line in lines:
        previous = link(previous, line)
        count += 1
    return previous, count
