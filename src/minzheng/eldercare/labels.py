"""The codes elderly care shows, for the dictionary (`dictionary.labels.defaults`)."""

from __future__ import annotations

from minzheng.eldercare.rules import (
    ADJUSTMENT_LABELS,
    BAND_LABELS,
    GROUP_LABELS,
    LEVEL_LABELS,
    MEAL_CATEGORY_LABELS,
    RISK_EVENT_LABELS,
    TEKUN_CARE_LABELS,
)

KIND_NAMES: dict[str, str] = {
    "ability_level": "老年人能力等级",
    "ability_group": "能力评估一级指标",
    "care_risk_event": "照护风险事件",
    "ability_adjustment": "能力等级变更条件",
    "tekun_care_level": "特困人员照料护理等级",
    "assessment_reason": "能力评估原因",
    "allowance_band": "高龄津贴档次",
    "meal_category": "老年助餐补贴类别",
}


def dictionary_labels() -> dict[str, dict[str, str]]:
    from minzheng.eldercare.models import Assessment

    return {
        "ability_level": dict(LEVEL_LABELS),
        "ability_group": dict(GROUP_LABELS),
        "care_risk_event": dict(RISK_EVENT_LABELS),
        "ability_adjustment": dict(ADJUSTMENT_LABELS),
        "tekun_care_level": dict(TEKUN_CARE_LABELS),
        "assessment_reason": dict(Assessment.Reason.choices),
        "allowance_band": dict(BAND_LABELS),
        "meal_category": dict(MEAL_CATEGORY_LABELS),
    }
