"""Set-based re-evaluation from the database agrees with the per-household ORM path."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from minzheng.assistance import actions, columnar
from minzheng.assistance.eligibility import evaluate, household_facts
from minzheng.assistance.queries import parameter_sets
from minzheng.cli import main
from minzheng.registry.models import Person
from tests.assistance.test_household_facts import li_with_economy
from tests.conftest import _household

MAY_2021 = date(2021, 5, 10)
JAN_2020 = date(2020, 1, 1)


@pytest.fixture
def three_counties(caseworker_nanmen: Any, caseworker_xiaying: Any, db: None) -> list[Any]:
    """李 in 海曙 (低保 150), 周 in 鄞州 (a car: refused), 孙 alone in 海曙 (80, grade-1 disability)."""
    actions.do_load_parameter_catalog(None)
    li = li_with_economy(caseworker_nanmen)
    zhou = _household(
        "330212003001",
        "鄞州区下应街道福晖新村社区天童南路88号",
        [
            ("周海燕", "330227197809123320", "head", date(1978, 9, 12), "13905749876"),
            ("周晓东", "330212200305060012", "child", date(2003, 5, 6), ""),
        ],
    )
    actions.do_record_income(
        caseworker_xiaying,
        Person.objects.get(name="周海燕"),
        kind="wage",
        monthly_amount=Decimal("1200"),
        valid_from=JAN_2020,
    )
    actions.do_record_asset(
        caseworker_xiaying, zhou, kind="vehicle", vehicle_kind="car", valid_from=JAN_2020
    )
    sun = _household(
        "330203001001",
        "海曙区南门街道福湖社区柳汀街3号",
        [("孙桂兰", "330203194103052341", "head", date(1941, 3, 5), "")],
    )
    person = Person.objects.get(name="孙桂兰")
    person.disability_category, person.disability_grade = "physical", 1
    person.save(update_fields=["disability_category", "disability_grade"])
    actions.do_record_adl_assessment(
        caseworker_nanmen,
        person,
        assessed_on=date(2021, 1, 5),
        eating=True,
        dressing=False,
        transfer=False,
        toileting=True,
        walking_indoors=False,
        bathing=False,
    )
    return [li, zhou, sun]


def test_the_batch_from_the_database_equals_the_orm_loop(three_counties: list[Any]) -> None:
    gathered = columnar.gather(columnar.region_bounds("330200"), MAY_2021)
    result = columnar.evaluate_gathered(
        gathered, parameter_sets(gathered.households.regions, MAY_2021)
    )
    for household in three_counties:
        row = int(np.searchsorted(gathered.household_ids, household.pk))
        decisions = evaluate(household_facts(household, MAY_2021))
        dibao, dibian, tekun = decisions[0], decisions[-2], decisions[-1]
        assert int(result.dibao_amount_fen[row]) == int(dibao.monthly_amount * 100)
        assert bool(result.dibao_route[row]) == dibao.eligible
        assert bool(result.dibian_eligible[row]) == dibian.eligible
        assert bool(result.tekun_eligible[row]) == tekun.eligible
        assert int(result.tekun_amount_fen[row]) == int(tekun.monthly_amount * 100)


def test_sun_alone_at_80_with_four_failed_adl_items_is_tekun_with_full_care(
    three_counties: list[Any],
) -> None:
    gathered = columnar.gather(columnar.region_bounds("330203"), MAY_2021)
    result = columnar.evaluate_gathered(
        gathered, parameter_sets(gathered.households.regions, MAY_2021)
    )
    row = int(np.searchsorted(gathered.household_ids, three_counties[2].pk))
    # 1.3 × 750 + 700 (full care) = 1,675; only 海曙 households are gathered for 330203
    assert (bool(result.tekun_eligible[row]), int(result.tekun_amount_fen[row])) == (True, 167_500)
    assert len(gathered.household_ids) == 2


def test_evaluate_all_reports_the_totals_and_the_changes_against_enrolments(
    three_counties: list[Any], capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    # Changed with issue #11: 李建国 (71) lives with his son 李明 (41, wage 1,800), a capable legal
    # supporter, so he is not 特困; 孙桂兰 is 特困 and therefore not also 低保 (特困 takes
    # precedence). From 2021-07-01 王秀英's 城乡居民基础养老金 is not counted (民发〔2021〕57号
    # 第13条), so 李's household is 低保: 750 × 3 − (400 + 1,800 − 100) = 150.
    changes = tmp_path / "changes.jsonl"
    code = main(
        ["evaluate", "--all", "--as-of", "2021-07-10", "--quiet", "--changes", str(changes)]
    )
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 0
    assert (summary["households"], summary["dibao"], summary["tekun"]) == (3, 1, 1)
    # nobody is enrolled yet, so the 低保 household is reported as new
    assert [json.loads(line)["after_amount"] for line in changes.read_text().splitlines()] == [
        "150.00"
    ]


def test_before_july_2021_the_basic_pension_is_counted(
    three_counties: list[Any], capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    # Under the 2012-era rules the residents' basic pension (200) counts: 2,300 ≥ 2,250, no 低保.
    code = main(["evaluate", "--all", "--as-of", "2021-05-10", "--quiet"])
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 0
    assert (summary["households"], summary["dibao"], summary["tekun"]) == (3, 0, 1)
