"""The item table is the standard's: 26 items, 8/4/9/5 by group, higher = more able, total 90."""

from __future__ import annotations

from minzheng.eldercare.rules import GROUP_MAX, ITEMS, ITEMS_BY_CODE, MAX_TOTAL, Group


def test_twenty_six_items_in_four_groups() -> None:
    assert len(ITEMS) == 26 and len(ITEMS_BY_CODE) == 26
    counts = {g: sum(1 for i in ITEMS if i.group is g) for g in Group}
    assert counts == {Group.SELF_CARE: 8, Group.MOVEMENT: 4, Group.MENTAL: 9, Group.PERCEPTION: 5}


def test_the_maximum_is_ninety() -> None:
    assert GROUP_MAX == {"self_care": 32, "movement": 15, "mental": 28, "perception": 15}
    assert MAX_TOTAL == 90


def test_every_item_runs_from_its_best_option_down_to_zero() -> None:
    """A table that inverts the scale (worse = more points) fails here."""
    for item in ITEMS:
        points = [p for p, _ in item.options]
        assert points == sorted(points, reverse=True), item.code
        assert points[-1] == 0 and points == list(range(points[0], -1, -1)), item.code


def test_the_odd_sized_items_are_the_standards() -> None:
    sizes = {i.code: i.max_points for i in ITEMS if i.max_points != 4}
    assert sizes == {
        "B.2.4": 3,  # 上下楼梯
        "B.3.7": 1,  # 攻击行为
        "B.3.8": 1,  # 抑郁症状
        "B.3.9": 2,  # 意识水平
        "B.4.1": 2,  # 视力
        "B.4.2": 2,  # 听力
        "B.4.4": 3,  # 使用交通工具外出
    }
    assert ITEMS_BY_CODE["B.1.1"].options[0][1].startswith("独立使用器具")
    assert ITEMS_BY_CODE["B.3.9"].options[-1][1] == "昏睡或昏迷"
