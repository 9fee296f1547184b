from __future__ import annotations

import pytest

from minzheng.accounts.actions import do_create_user
from minzheng.core.errors import ValidationFailed


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!", "太短"),
        ("abcdefghijk", "至少三类"),
        ("1234567890123", "全是数字"),
        ("password123", "常见"),
    ],
)
def test_weak_passwords_are_refused(regions: None, password: str, reason: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        do_create_user(
            None,
            username="newbie",
            password=password,
            role="township_caseworker",
            region_code="330203001000",
        )
    assert refused.value.code == "weak_password", reason


def test_a_role_must_be_scoped_at_its_level(regions: None) -> None:
    with pytest.raises(ValidationFailed) as refused:
        do_create_user(
            None,
            username="x",
            password="Strong#Pass2026",
            role="township_caseworker",
            region_code="330203000000",
        )
    assert refused.value.code == "bad_scope_level"
    assert "乡镇经办员" in refused.value.message
