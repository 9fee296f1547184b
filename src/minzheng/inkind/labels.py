"""The codes in-kind assistance shows, for the dictionary (`dictionary.labels.defaults`)."""

from __future__ import annotations

KIND_NAMES: dict[str, str] = {
    "inkind_category": "救助物资类别",
    "inkind_movement": "出入库类别",
    "inkind_list_source": "发放名单来源",
    "inkind_handover_status": "实物发放状态",
    "inkind_confirmed_via": "签收方式",
    "voucher_status": "救助券状态",
}


def dictionary_labels() -> dict[str, dict[str, str]]:
    from minzheng.inkind.models import Category, Distribution, Handover, Movement, Voucher

    return {
        "inkind_category": dict(Category.choices),
        "inkind_movement": dict(Movement.Kind.choices),
        "inkind_list_source": dict(Distribution.Source.choices),
        "inkind_handover_status": dict(Handover.Status.choices),
        "inkind_confirmed_via": dict(Handover.Via.choices),
        "voucher_status": dict(Voucher.Status.choices),
    }
