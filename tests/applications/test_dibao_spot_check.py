"""低保抽查: a county draws a dated-parameter share of its enrolled 低保 households each month,
reproducibly, and opens a review (复核) for each household drawn."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from minzheng.applications.models import ReviewTask, SpotCheck
from minzheng.applications.spot_check import draw, draw_size
from minzheng.applications.spot_checks import do_draw_spot_check
from minzheng.assistance import actions
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from tests.applications.conftest import at
from tests.conftest import PASSWORD, _household

DEC_2026 = YearMonth(2026, 12)


@pytest.mark.parametrize(
    ("enrolled", "share", "size"),
    [(45, "0.05", 3), (40, "0.05", 2), (1, "0.05", 1), (0, "0.05", 0), (7, "1", 7)],
)
def test_the_draw_takes_the_share_rounded_up(enrolled: int, share: str, size: int) -> None:
    assert draw_size(enrolled, Decimal(share)) == size  # 45 × 5% = 2.25 → 3


def test_the_same_county_and_month_draw_the_same_households_in_any_order() -> None:
    ids = list(range(1, 101))
    first = draw("330203", DEC_2026, ids, Decimal("0.05"))
    again = draw("330203", DEC_2026, reversed(ids), Decimal("0.05"))
    assert first.drawn == again.drawn and len(first.drawn) == 5
    assert set(first.drawn) <= set(ids)
    # another month or county draws differently (a draw that never varied would not be a sample)
    assert draw("330203", DEC_2026 + 1, ids, Decimal("0.05")).drawn != first.drawn
    assert draw("330212", DEC_2026, ids, Decimal("0.05")).drawn != first.drawn
    assert first.explanation.startswith("在保低保家庭 100 户 × 抽查比例 5% 向上取整 = 5 户")


@pytest.fixture
def haishu_enrolled(household_li_three_members: Any, db: None) -> list[Any]:
    """Three 海曙 households on 低保 from 2026-11: 李, 陈 and 赵."""
    actions.do_load_parameter_catalog(None)
    others = [
        _household(
            "330203001001",
            f"海曙区南门街道福湖社区解放南路{n}号",
            [(name, number, "head", date(1960, 1, 1), "")],
        )
        for n, name, number in (
            (20, "陈桂芳", "330203196001011227"),
            (22, "赵志强", "330203196001011219"),
        )
    ]
    households = [household_li_three_members, *others]
    for household in households:
        actions.do_enrol(
            None,
            household=household,
            programme="dibao",
            start=YearMonth(2026, 11),
            amount=Decimal("300.00"),
        )
    return households


@pytest.mark.django_db
def test_the_county_approver_draws_once_and_each_household_drawn_gets_a_review(
    haishu_enrolled: Any, approver_haishu: Any
) -> None:
    with time_machine.travel(at(date(2026, 12, 3)), tick=False):
        check = do_draw_spot_check(approver_haishu, DEC_2026)
        # 3 enrolled × 5% = 0.15 → 1 household
        assert (check.enrolled, check.drawn, check.share) == (3, 1, Decimal("0.0500"))
        assert check.share_version == "dibao.spot_check.monthly_share@330200@2020-01-01"
        item = check.items.get()
        review = ReviewTask.objects.get(pk=item.review_id)
        assert review.status == ReviewTask.Status.OPEN and review.due_on == date(2027, 1, 1)
        assert review.interval_key == "dibao.spot_check.monthly_share"
        assert review.note.startswith("低保抽查2026-12")
        expected = draw("330203", DEC_2026, [h.pk for h in haishu_enrolled], Decimal("0.05"))
        assert [item.enrolment.household_id] == list(expected.drawn)
        event = AuditEvent.objects.get(object_type="spot_check", object_id=str(check.pk))
        assert event.after["drawn_households"] == list(expected.drawn)

        with pytest.raises(ValidationFailed, match="已抽取"):
            do_draw_spot_check(approver_haishu, DEC_2026)
        assert SpotCheck.objects.count() == 1 and ReviewTask.objects.count() == 1


@pytest.mark.django_db
def test_the_share_is_the_dated_parameter(
    haishu_enrolled: Any, approver_haishu: Any, city_admin: Any, make_staff: Any
) -> None:
    checker = make_staff("city_checker", "city_admin", "330200000000")
    with time_machine.travel(at(date(2026, 11, 20)), tick=False):
        proposal = actions.do_propose_parameter(
            city_admin,
            key="dibao.spot_check.monthly_share",
            region_code="330200",
            effective_from=date(2026, 12, 1),
            value="1",
            source="测试：全部抽查（原文未见）",
        )
        actions.do_confirm_parameter(checker, proposal)
    with time_machine.travel(at(date(2026, 12, 3)), tick=False):
        check = do_draw_spot_check(approver_haishu, DEC_2026)
    assert (check.drawn, check.share_version) == (3, proposal.version_id)
    assert ReviewTask.objects.filter(interval_key="dibao.spot_check.monthly_share").count() == 3


@pytest.mark.django_db
def test_only_a_county_approver_draws(
    haishu_enrolled: Any, caseworker_nanmen: Any, city_admin: Any
) -> None:
    for actor in (caseworker_nanmen, city_admin):
        with pytest.raises(PermissionDenied, match="您的角色无权抽取低保抽查家庭"):
            do_draw_spot_check(actor, DEC_2026)
    assert not SpotCheck.objects.exists()


@pytest.mark.django_db
def test_a_county_with_nobody_enrolled_draws_nothing(approver_yinzhou: Any) -> None:
    actions.do_load_parameter_catalog(None)
    with pytest.raises(ValidationFailed, match="没有在保的低保家庭"):
        do_draw_spot_check(approver_yinzhou, DEC_2026)


@pytest.mark.django_db
def test_the_page_draws_this_month_and_lists_the_households(
    haishu_enrolled: Any, approver_haishu: Any, approver_yinzhou: Any
) -> None:
    page = Client()
    page.login(username="approver_haishu", password=PASSWORD)
    with time_machine.travel(at(date(2026, 12, 3)), tick=False):
        listing = page.get("/applications/spot-checks/").content.decode()
        assert "抽取2026-12抽查家庭" in listing
        drawn = page.post("/applications/spot-checks/")
        assert drawn.status_code == 302
        detail = page.get(drawn["Location"]).content.decode()
        # Still on the travelled clock: once real time is past it, the session's idle limit
        # (30 minutes) would sign the user out between the draw and this second listing.
        listing = page.get("/applications/spot-checks/").content.decode()
    check = SpotCheck.objects.get()
    head = check.items.get().enrolment.household.head
    assert head.name in detail and "南门街道" in detail and "待复核" in detail
    assert "在保低保家庭 3 户，按 5%" in detail
    assert "抽取2026-12抽查家庭" not in listing and "海曙区" in listing

    other = Client()
    other.login(username="approver_yinzhou", password=PASSWORD)
    assert other.get(f"/applications/spot-checks/{check.pk}/").status_code == 404
    assert head.name not in other.get("/applications/spot-checks/").content.decode()
