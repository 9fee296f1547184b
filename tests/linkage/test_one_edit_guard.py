"""The guard in front of the one-edit levels (birth date, phone) lets through every pair within one
Damerau–Levenshtein edit, so putting it first changes no level a pair reaches — and turns most
random pairs away before the edit distance is computed."""

from __future__ import annotations

import random

import duckdb

from minzheng.linkage.spec import one_edit_guard

ALPHABET = "0123456789-X李王"


def _edited(rng: random.Random, word: str) -> str:
    """`word` after one random substitution, insertion, deletion or swap of neighbours."""
    i = rng.randrange(len(word))
    kind = rng.choice(("sub", "ins", "del", "swap"))
    if kind == "sub":
        return word[:i] + rng.choice(ALPHABET) + word[i + 1 :]
    if kind == "ins":
        return word[:i] + rng.choice(ALPHABET) + word[i:]
    if kind == "del":
        return word[:i] + word[i + 1 :]
    if i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word


def test_every_pair_within_one_edit_passes_the_guard_and_most_others_do_not() -> None:
    rng = random.Random(7)
    pairs = []
    for _ in range(20_000):
        word = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 18)))
        pairs.append((word, _edited(rng, word)))
        pairs.append((word, "".join(rng.choice(ALPHABET) for _ in range(len(word)))))
    con = duckdb.connect()
    con.execute("create table p (x_l varchar, x_r varchar)")
    con.executemany("insert into p values (?, ?)", pairs)
    close, missed, guarded_others, others = con.execute(
        f"""
        select
            count(*) filter (where damerau_levenshtein(x_l, x_r) <= 1),
            count(*) filter (where damerau_levenshtein(x_l, x_r) <= 1 and not ({one_edit_guard("x")})),
            count(*) filter (where damerau_levenshtein(x_l, x_r) > 1 and ({one_edit_guard("x")})),
            count(*) filter (where damerau_levenshtein(x_l, x_r) > 1)
        from p
        """
    ).fetchone()
    assert close > 20_000  # every edited word, and the random ones that happen to be close
    assert missed == 0
    assert guarded_others < others / 3
