"""`Decision.to_dict()` is JSON-ready: amounts as strings, criteria with parameter versions and sources."""

from __future__ import annotations

import json

from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.rules import HouseholdFacts, evaluate_household


def test_decision_serialises_with_amounts_as_strings_and_parameter_versions(
    household_li_three_members: HouseholdFacts, params_haishu_2020: ParameterSet
) -> None:
    dibao = evaluate_household(household_li_three_members, params_haishu_2020, ["dibao"])[
        0
    ].to_dict()
    json.dumps(dibao, ensure_ascii=False)  # nothing that JSON cannot hold
    assert dibao["monthly_amount"] == "1425.00"
    assert dibao["programme_name"] == "低保"
    assert dibao["summary"].startswith("符合低保条件")
    first = dibao["criteria"][0]
    assert set(first) == {"label", "value", "threshold", "passed", "parameters"}
    assert first["parameters"][0] == {
        "key": "dibao.standard_monthly",
        "version": "dibao.standard_monthly@330200@2020-01-01",
        "source": first["parameters"][0]["source"],
    }
    assert {m["member_id"] for m in dibao["membership"]} == {"li", "li_wife", "li_son"}
    assert "benefit.rounding" in {p["key"] for p in dibao["parameters"]}
