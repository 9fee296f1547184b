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
    "adaptation_status": "适老化改造状态",
    "adaptation_item": "适老化改造项目",
    "adaptation_applied_by": "适老化改造申请方式",
    "care_service": "居家养老服务项目",
    "care_provider_kind": "居家养老服务组织类型",
    "care_order_status": "居家养老服务工单状态",
    "timebank_kind": "时间银行记账类别",
}


def dictionary_labels() -> dict[str, dict[str, str]]:
    from minzheng.eldercare.home_rules import (
        ITEM_LABELS,
        PROVIDER_KINDS,
        SERVICE_KINDS,
        TIMEBANK_KINDS,
    )
    from minzheng.eldercare.models import Adaptation, Assessment, CareOrder

    return {
        "ability_level": dict(LEVEL_LABELS),
        "ability_group": dict(GROUP_LABELS),
        "care_risk_event": dict(RISK_EVENT_LABELS),
        "ability_adjustment": dict(ADJUSTMENT_LABELS),
        "tekun_care_level": dict(TEKUN_CARE_LABELS),
        "assessment_reason": dict(Assessment.Reason.choices),
        "allowance_band": dict(BAND_LABELS),
        "meal_category": dict(MEAL_CATEGORY_LABELS),
        "adaptation_status": dict(Adaptation.Status.choices),
        "adaptation_item": dict(ITEM_LABELS),
        "adaptation_applied_by": dict(Adaptation.AppliedBy.choices),
        "care_service": dict(SERVICE_KINDS),
        "care_provider_kind": dict(PROVIDER_KINDS),
        "care_order_status": dict(CareOrder.Status.choices),
        "timebank_kind": dict(TIMEBANK_KINDS),
    }
