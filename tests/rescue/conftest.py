"""海曙区救助管理站 in 福湖社区, the caseworker of 南门街道 who works there, and 周海燕 of 鄞州 in the
registry (the person a station finds by linkage)."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng.assistance.actions import do_load_parameter_catalog
from minzheng.rescue.models import Station


@pytest.fixture
def station_haishu(regions: None) -> Station:
    do_load_parameter_catalog()
    return Station.objects.create(
        name="海曙区救助管理站", region_id="330203001001", address="福湖路1号", beds=60
    )


@pytest.fixture
def intake_fields() -> dict[str, Any]:
    return {
        "name": "",
        "sex": "",
        "birth_date": None,
        "id_number": "",
        "description": "男，约50岁",
        "found_at": "宁波火车站南广场",
        "brought_by": "police",
        "brought_by_note": "海曙公安分局南门派出所",
    }
