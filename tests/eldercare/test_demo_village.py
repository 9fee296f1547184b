"""The eldercare demo assesses 福湖社区's elderly first and serves up to three of them (not adapted)
with home-care orders, so the village assistant's 能力评估 and 居家服务工单 are not empty — before,
the township's first elderly by id and its last six were taken, none of them in 福湖社区 in the
demo city; a second run adds nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from minzheng.eldercare import demo
from minzheng.eldercare.models import Assessment, CareOrder
from tests.conftest import PASSWORD, _household
from tests.eldercare.conftest import id_number

pytestmark = pytest.mark.django_db


def _elders(village: str, surname: str, count: int, first_serial: int) -> None:
    for n in range(count):
        born = date(1940, 1, n + 1)
        _household(
            village,
            f"海曙区南门街道{surname}家{n + 1}号",
            [
                (
                    f"{surname}老{n + 1}",
                    id_number("330203", born, f"{first_serial + n:03d}"),
                    "head",
                    born,
                    "",
                )
            ],
        )


@pytest.fixture
def elders_nanmen_earlier(regions: None, parameters: None) -> None:
    """Two elderly people of another 南门街道 village, registered before 福湖社区's."""
    _elders("330203001002", "赵", 2, 101)


def test_the_village_assistant_sees_its_elderlys_assessments_and_orders(
    elders_nanmen_earlier: None,
    elders_fuhu: dict[str, Any],
    assistant_fuhu: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from minzheng.demo import ensure_demo_staff

    ensure_demo_staff()
    _elders("330203001003", "周", 12, 201)  # registered after: the township's last twelve
    monkeypatch.setattr(demo, "ASSESSED", 2)

    demo.seed_demo()
    assert demo.seed_demo() == 0  # a second demo start adds nothing
    assessed = sorted(set(Assessment.objects.values_list("person__name", flat=True)))
    assert assessed == ["钱永福", "钱阿婆"]  # 福湖社区's, not 赵老1 and 赵老2 registered earlier
    served = set(CareOrder.objects.values_list("person__name", flat=True))
    # The three youngest-registered of 福湖社区's four, then 周老 … from the township's last six
    assert served & {e.name for e in elders_fuhu.values() if hasattr(e, "name")} == {
        "钱阿婆",
        "钱老太",
        "孙桂兰",
    }

    client = Client()
    assert client.login(username="assistant_fuhu", password=PASSWORD)
    assessments = client.get("/eldercare/assessments/").content.decode()
    assert "暂无评估记录" not in assessments and "钱永福" in assessments
    orders = client.get("/eldercare/homecare/orders/").content.decode()
    assert "没有找到服务工单" not in orders and "孙桂兰" in orders
