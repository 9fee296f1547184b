"""The codes the institution registry shows, for the dictionary (`dictionary.labels.defaults`)."""

from __future__ import annotations

from minzheng.institutions.rules import (
    BED_LABELS,
    CLAIM_STATUS_LABELS,
    DISCHARGE_LABELS,
    INSPECTION_RESULT_LABELS,
    KIND_LABELS,
)

KIND_NAMES: dict[str, str] = {
    "institution_kind": "养老机构举办性质",
    "bed_kind": "养老床位类型",
    "inspection_result": "养老机构检查结论",
    "claim_status": "责任险理赔状态",
    "discharge_reason": "离院原因",
}

OBJECT_TYPES: dict[str, str] = {
    "institution": "养老机构",
    "institution_bed": "养老床位",
    "residency": "养老机构入住记录",
    "institution_inspection": "养老机构检查",
    "insurance_policy": "综合责任险保单",
    "insurance_claim": "责任险理赔",
}


def dictionary_labels() -> dict[str, dict[str, str]]:
    return {
        "institution_kind": dict(KIND_LABELS),
        "bed_kind": dict(BED_LABELS),
        "inspection_result": dict(INSPECTION_RESULT_LABELS),
        "claim_status": dict(CLAIM_STATUS_LABELS),
        "discharge_reason": dict(DISCHARGE_LABELS),
    }
