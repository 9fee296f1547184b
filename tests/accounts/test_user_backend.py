"""The signed-in user is read with their region in one query (every page reads the region), and
a disabled account is not read back at all."""

from __future__ import annotations

from typing import Any

from minzheng.accounts.backends import UserWithRegion


def test_the_user_comes_with_their_region(make_staff: Any, django_assert_num_queries: Any) -> None:
    staff = make_staff("fuhu_reader", "village_assistant", "330203001001")
    with django_assert_num_queries(1):
        user = UserWithRegion().get_user(staff.pk)
        assert user is not None and user.region.name == "福湖社区"


def test_a_disabled_or_missing_account_is_nobody(make_staff: Any) -> None:
    staff = make_staff("gone_reader", "village_assistant", "330203001001")
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    assert UserWithRegion().get_user(staff.pk) is None
    assert UserWithRegion().get_user(10**9) is None
