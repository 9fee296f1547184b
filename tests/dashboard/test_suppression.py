"""Small cells are hidden, and so is whatever would let them be derived from a total."""

from __future__ import annotations

from minzheng.dashboard.suppression import HIDDEN, Cell, publish, suppressed


def test_counts_under_five_are_hidden_and_zero_is_shown() -> None:
    cells = [Cell("a", 3), Cell("b", 12), Cell("c", 0), Cell("d", 2), Cell("e", 40)]
    assert suppressed([cells]) == {"a", "d"}


def test_a_lone_small_cell_takes_the_smallest_other_cell_with_it() -> None:
    # Total 60 published: with only "a" hidden, a = 60 − 12 − 40 − 0 could be derived.
    cells = [Cell("a", 3), Cell("b", 12), Cell("c", 0), Cell("e", 40), Cell("f", 5)]
    assert suppressed([cells]) == {"a", "f"}


def test_a_zero_is_hidden_only_when_nothing_else_is_left() -> None:
    assert suppressed([[Cell("a", 4), Cell("z", 0)]]) == {"a", "z"}


def test_secondary_suppression_carries_across_rows_and_columns() -> None:
    # 2×2 table: rows and columns are both published totals.
    r1 = [Cell((1, 1), 2), Cell((1, 2), 30)]
    r2 = [Cell((2, 1), 20), Cell((2, 2), 25)]
    c1 = [r1[0], r2[0]]
    c2 = [r1[1], r2[1]]
    hidden = suppressed([r1, r2, c1, c2])
    assert hidden == {(1, 1), (1, 2), (2, 1), (2, 2)}
    for group in [r1, r2, c1, c2]:
        assert sum(1 for c in group if c.key in hidden) != 1


def test_publish_writes_the_hidden_mark() -> None:
    assert publish({"a": 3, "b": 9}, {"a"}) == {"a": HIDDEN, "b": 9}
