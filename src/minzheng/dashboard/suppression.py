"""Small-cell protection for figures that leave the bureau (exports, the public view).

Primary suppression hides a count under the threshold (5 by default) below county level. Secondary
suppression then hides, in every group whose total is published, enough further cells that no hidden
cell can be derived by subtracting the visible ones from the total: a group with exactly one hidden
cell gets its smallest visible cell hidden too (a zero only when no other cell is left). The function is pure: it takes the cells of
one table grouped by the totals they add up to and returns which cells to hide.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

HIDDEN = "<5"


@dataclass(frozen=True)
class Cell:
    key: Hashable
    value: int


def suppressed(groups: Iterable[Iterable[Cell]], *, threshold: int = 5) -> set[Hashable]:
    """Keys of the cells to hide. Each group is a set of cells that a published total adds up;
    a cell may belong to several groups (a row and a column). A zero is not primary-suppressed:
    it reveals no person."""
    group_list = [list(g) for g in groups]
    hidden = {c.key for g in group_list for c in g if 0 < c.value < threshold}
    changed = True
    while changed:  # hiding a cell for one group can leave another group with a single hidden cell
        changed = False
        for group in group_list:
            inside = [c for c in group if c.key in hidden]
            if len(inside) != 1:
                continue
            # The smallest visible cell; a zero only when nothing else is left, so the total
            # can no longer be split between the two.
            candidates = sorted(
                (c for c in group if c.key not in hidden),
                key=lambda c: (c.value == 0, c.value, str(c.key)),
            )
            if candidates:
                hidden.add(candidates[0].key)
                changed = True
    return hidden


def publish(values: Mapping[Hashable, int], hidden: set[Hashable]) -> dict[Hashable, int | str]:
    return {k: (HIDDEN if k in hidden else v) for k, v in values.items()}
