"""The dictionary's catalogue: every kind of code a user may see, with its default Chinese label
taken from the code that defines it, and the administrator's edits on top."""

from __future__ import annotations

import time
from functools import cache

from minzheng.core.money import Rounding

KIND_NAMES: dict[str, str] = {
    "programme": "救助项目",
    "application_step": "申请环节",
    "channel": "申请渠道",
    "enrolment_status": "救助状态",
    "roll_status": "花名册状态",
    "payment_kind": "发放类别",
    "region_level": "区划层级",
    "role": "角色",
    "relationship": "与户主关系",
    "audit_action": "审计操作",
    "rounding": "舍入规则",
    "bank_outcome": "银行回盘结果",
}

ROUNDING_LABELS: dict[str, str] = {
    Rounding.HALF_UP_FEN: "四舍五入到分",
    Rounding.HALF_UP_JIAO: "四舍五入到角",
    Rounding.HALF_UP_YUAN: "四舍五入到元",
    Rounding.UP_YUAN: "进位到元",
    Rounding.DOWN_YUAN: "舍去到元",
}


@cache
def defaults() -> dict[str, dict[str, str]]:
    """kind → code → default label, read from the models and rules that own each code."""
    from minzheng.accounts.roles import Role
    from minzheng.applications.models import Application
    from minzheng.applications.rules import STEP_LABELS
    from minzheng.assistance.models import Enrolment
    from minzheng.assistance.programmes import PROGRAMMES
    from minzheng.core.models import AuditEvent
    from minzheng.payments.models import BankOutcome, Kind, Roll
    from minzheng.regions.models import Level
    from minzheng.registry.models import Relationship

    return {
        "programme": {p.code.value: p.short_name for p in PROGRAMMES},
        "application_step": {s.value: text for s, text in STEP_LABELS.items()},
        "channel": dict(Application.Channel.choices),
        "enrolment_status": dict(Enrolment.Status.choices),
        "roll_status": dict(Roll.Status.choices),
        "payment_kind": dict(Kind.choices),
        "region_level": dict(Level.choices),
        "role": dict(Role.choices),
        "relationship": dict(Relationship.choices),
        "audit_action": dict(AuditEvent.Action.choices),
        "rounding": {str(k): v for k, v in ROUNDING_LABELS.items()},
        "bank_outcome": dict(BankOutcome.Status.choices),
    }


_overrides: tuple[float, dict[tuple[str, str], str]] | None = None
REFRESH_SECONDS = 30.0


def overrides() -> dict[tuple[str, str], str]:
    """The administrator's edits, re-read at most every 30 seconds per process."""
    global _overrides
    if _overrides is None or time.monotonic() - _overrides[0] > REFRESH_SECONDS:
        from minzheng.dictionary.models import LabelOverride

        _overrides = (
            time.monotonic(),
            {(o.kind, o.code): o.text for o in LabelOverride.objects.all()},
        )
    return _overrides[1]


def forget_overrides() -> None:
    global _overrides
    _overrides = None


def label_for(kind: str, code: str) -> str:
    """The label of a code; a code the dictionary does not know is shown as 未知代码, never raw."""
    if not code:
        return ""
    edited = overrides().get((kind, code))
    if edited:
        return edited
    return defaults().get(kind, {}).get(code, "未知代码")


def labels_of(kind: str, codes: list[str]) -> str:
    """Several codes of one kind as one Chinese list: 低保、特困."""
    return "、".join(label_for(kind, c) for c in codes)
