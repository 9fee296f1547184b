"""The rules, given the synthetic city's facts, produce the article's counts and spending rates."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from minzheng.assistance.parameter_catalog import default_parameters
from minzheng.assistance.policy import load_policy
from minzheng.registry import economy
from minzheng.registry.seed import COUNTY_RESIDENTS, SyntheticRegistry, generate

PERSONS = 100_000


@pytest.fixture(scope="module")
def decided() -> tuple[SyntheticRegistry, economy.EconomicFacts, Any, economy.Tally]:
    data = generate(PERSONS, seed=2020)
    params = {c: default_parameters(c, economy.DECISION_DAY) for c in COUNTY_RESIDENTS}
    facts, result = economy.decide(
        data,
        rng=np.random.default_rng(1),
        policy=load_policy(params["330203"]),
        params=params.__getitem__,
    )
    return data, facts, result, economy.tally(data.household, data.household_head, facts, result)


def test_the_article_counts_scale_with_the_population() -> None:
    assert economy.targets(9_404_283) == economy.ARTICLE_PERSONS
    # 59,337 × 100,000 / 9,404,283 = 630.96 …
    assert economy.targets(100_000) == {
        "dibao": 631,
        "dibian": 176,
        "tekun": 37,
        "single_person": 140,
        "gradual_exit": 20,
    }


def test_the_rules_produce_the_articles_rates(decided: Any) -> None:
    _data, _facts, _result, tally = decided
    want = economy.targets(PERSONS)
    assert tally.dibao == want["dibao"]
    assert tally.tekun == want["tekun"]
    assert tally.single_person == want["single_person"]
    assert tally.gradual_exit == want["gradual_exit"]
    assert tally.dibian == pytest.approx(want["dibian"], rel=0.03)


def test_the_years_spending_is_the_articles_in_proportion(decided: Any) -> None:
    *_rest, tally = decided
    compared = economy.compare(tally, PERSONS)
    # 低保金 "超过4.77亿元": at least the article's figure, within 5 %.
    assert 0 <= compared["dibao_yuan_year"]["diff_pct"] <= 5
    assert abs(compared["tekun_yuan_year"]["diff_pct"]) <= 5


def test_no_one_is_assisted_whose_facts_are_above_the_lines(decided: Any) -> None:
    from minzheng.assistance.batch import ROUTE_NONE

    data, facts, result, _tally = decided
    above = facts.band == economy.Band.ABOVE
    assert (result.dibao_route[above] == ROUTE_NONE).all()
    assert not result.dibian_eligible[above].any()
    assert not result.tekun_eligible[above].any()
    assert not result.single_person_eligible[above[data.household]].any()


def test_no_one_in_a_collective_household_is_assisted(decided: Any) -> None:
    from minzheng.assistance.batch import ROUTE_NONE

    data, facts, result, _tally = decided
    collective = data.household_kind == "collective"
    assert collective.sum() == 2_779
    assert (facts.band[collective] == economy.Band.ABOVE).all()
    assert (result.dibao_route[collective] == ROUTE_NONE).all()
    assert not (result.dibian_eligible | result.tekun_eligible)[collective].any()
    assert not result.single_person_eligible[collective[data.household]].any()
    # each member, the head included, has an income of their own above the lines
    members = collective[data.household]
    assert (facts.income_yuan[members] > 0).all()


def test_single_person_recipients_are_severely_disabled_or_ill_in_working_families(
    decided: Any,
) -> None:
    data, facts, result, _tally = decided
    single = np.flatnonzero(result.single_person_eligible)
    assert len(single) == 140
    severe = (data.disability_grade[single] > 0) | (data.illness[single] != "")
    assert severe.all()
    assert (facts.income_yuan[single] == 0).all()
    household_sizes = np.bincount(data.household, minlength=data.households)
    assert (household_sizes[data.household[single]] >= 2).all()


def test_gradual_exit_households_had_a_member_find_work_within_the_grace_period(
    decided: Any,
) -> None:
    from minzheng.assistance.batch import ROUTE_GRADUAL_EXIT

    _data, facts, result, _tally = decided
    gradual = np.flatnonzero(result.dibao_route == ROUTE_GRADUAL_EXIT)
    assert len(gradual) > 0
    assert ((facts.months_since_rise[gradual] >= 0) & (facts.months_since_rise[gradual] < 6)).all()
    # they keep the amount they had before the rise
    assert (result.dibao_amount_fen[gradual] == facts.enrolled_amount_yuan[gradual] * 100).all()


def test_deaths_recorded_late_are_planted_among_those_living_alone(decided: Any) -> None:
    from datetime import date

    data, *_rest = decided
    params = default_parameters("330203", economy.DECISION_DAY)
    wanted = {"dibao": 0, "dibian": 0, "tekun": 200, "single_person": 0, "gradual_exit": 0}
    facts = economy.facts_for(
        data, rng=np.random.default_rng(3), policy=load_policy(params), wanted=wanted
    )
    assert len(facts.late_death) == 2  # 1 % of 200
    assert (facts.band[data.household[facts.late_death]] == economy.Band.ALONE).all()
    # The dead are among the 200: the records (and the article's count) still hold them.
    assert ((facts.band == economy.Band.ALONE).sum()) == 200
    days = [date.fromordinal(d) for d in facts.death_ordinal.tolist()]
    assert all(date(2020, 9, 1) <= d < date(2020, 11, 1) for d in days)
