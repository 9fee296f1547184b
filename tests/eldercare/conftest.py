"""Elderly people of 福湖社区 (海曙) and 福晖新村社区 (鄞州), and the parameter catalogue loaded."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from minzheng.assistance.actions import do_load_parameter_catalog
from minzheng.eldercare.rules import ITEMS
from tests.conftest import _household


def id_number(area: str, born: date, seq: str) -> str:
    body = f"{area}{born:%Y%m%d}{seq}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


@pytest.fixture
def parameters(db: None) -> None:
    do_load_parameter_catalog()


@pytest.fixture
def elders_fuhu(regions: None, parameters: None) -> dict[str, Any]:
    """Three very old people in one household of 福湖社区: 84, 91 and 102 on 2024-06-01, and
    孙桂兰, who turns 90 on 2024-07-15."""
    people = [
        ("钱永福", date(1940, 3, 2), "head", "135"),
        ("钱阿婆", date(1933, 1, 20), "parent", "246"),
        ("钱老太", date(1922, 5, 31), "other", "268"),
        ("孙桂兰", date(1934, 7, 15), "spouse", "228"),
    ]
    household = _household(
        "330203001001",
        "海曙区南门街道福湖社区开明街8号",
        [(n, id_number("330203", b, s), r, b, "") for n, b, r, s in people],
    )
    from minzheng.registry.models import Person

    return {p.name: p for p in Person.objects.filter(memberships__household=household)} | {
        "household": household
    }


def best_answers(**lowered: int) -> dict[str, str]:
    """A form post: every item at its best option, except those named (B_1_1=3)."""
    form = {i.code: str(i.max_points) for i in ITEMS}
    for key, points in lowered.items():
        form[key.replace("_", ".")] = str(points)
    return form
