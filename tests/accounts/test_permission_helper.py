"""`accounts.permissions.require`: the one check every action makes before it changes anything."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng.accounts.permissions import require
from minzheng.accounts.roles import Capability
from minzheng.core.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def test_the_actor_comes_back_when_role_and_region_allow(caseworker_nanmen: Any) -> None:
    assert require(caseworker_nanmen, Capability.EDIT_CASES) is caseworker_nanmen
    assert (
        require(caseworker_nanmen, Capability.EDIT_CASES, region_code="330203001001")
        is caseworker_nanmen
    )


def test_a_missing_capability_or_no_actor_is_refused(auditor: Any) -> None:
    with pytest.raises(PermissionDenied, match="您的角色无权执行此操作"):
        require(auditor, Capability.EDIT_CASES)
    with pytest.raises(PermissionDenied, match="您的角色不能登记人员"):
        require(None, Capability.EDIT_CASES, message="您的角色不能登记人员")


def test_another_region_reads_as_not_found(caseworker_nanmen: Any) -> None:
    with pytest.raises(NotFound, match="记录不存在或不在您的管辖范围内"):
        require(caseworker_nanmen, Capability.EDIT_CASES, region_code="330212003001")
