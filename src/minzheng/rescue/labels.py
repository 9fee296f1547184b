"""The codes rescue shows, for the dictionary (`dictionary.labels.defaults`)."""

from __future__ import annotations

KIND_NAMES: dict[str, str] = {
    "rescue_status": "受助人员状态",
    "rescue_brought_by": "来站方式",
    "rescue_record": "受助记录类别",
}


def dictionary_labels() -> dict[str, dict[str, str]]:
    from minzheng.rescue.models import BroughtBy, CareRecord, Stay

    return {
        "rescue_status": dict(Stay.Status.choices),
        "rescue_brought_by": dict(BroughtBy.choices),
        "rescue_record": dict(CareRecord.Kind.choices),
    }
