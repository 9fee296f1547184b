from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from minzheng.core.creditcode import build
from minzheng.organisations import actions
from minzheng.organisations.models import Organisation

HAISHU = "330203000000"
# 海曙区民政局's code for a social group with organisation code MJ000001.
GROUP_CODE = build("5", "1", "330203", "MJ000001")


@pytest.fixture
def catalog(db: None) -> None:
    from minzheng.assistance.actions import do_load_parameter_catalog

    do_load_parameter_catalog(None)


def establish(
    actor: Any,
    *,
    name: str,
    code: str,
    founded: date,
    kind: str = "social_group",
    region: str = HAISHU,
) -> Organisation:
    app = actions.do_accept_registration(
        actor,
        type="establish",
        region_code=region,
        data={
            "name": name,
            "kind": kind,
            "supervising_unit": "海曙区科学技术协会",
            "legal_rep_name": "王建国",
            "registered_capital": "30000",
            "scope": "学术交流、科普宣传",
        },
        accepted_on=founded,
    )
    actions.do_review_registration(actor, app.pk, passed=True, note="材料齐全", on=founded)
    app = actions.do_decide_registration(actor, app.pk, approve=True, on=founded, credit_code=code)
    assert app.organisation is not None
    return app.organisation


@pytest.fixture
def haishu_science_society(catalog: None, approver_haishu: Any) -> Organisation:
    return establish(
        approver_haishu,
        name="宁波市海曙区科普志愿者协会",
        code=GROUP_CODE,
        founded=date(2021, 5, 10),
    )
