"""A new 低保 standard is scheduled, previewed, confirmed, takes effect on its day; old decisions replay."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from minzheng.assistance import actions
from minzheng.assistance.eligibility import explain_household
from minzheng.assistance.models import PolicyParameter
from minzheng.assistance.parameter_catalog import catalog_rows, default_parameters
from minzheng.assistance.queries import parameter_set
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from tests.assistance.test_household_facts import li_with_economy
from tests.conftest import PASSWORD

AUG_2021 = date(2021, 8, 1)
NEW_STANDARD = "dibao.standard_monthly@330200@2021-08-01"
OLD_STANDARD = "dibao.standard_monthly@330200@2020-01-01"


@pytest.fixture
def checker(make_staff: Any) -> Any:
    """A second city administrator: the one who confirms what another proposed."""
    return make_staff("city_checker", "city_admin", "330200000000")


@pytest.fixture
def li_household(caseworker_nanmen: Any, db: None) -> Any:
    """李建国's household, enrolled in 低保 from 2021-07 at 150 元 (the preview counts only
    households enrolled or applying)."""
    actions.do_load_parameter_catalog(None)
    household = li_with_economy(caseworker_nanmen)
    actions.do_enrol(
        None,
        household=household,
        programme="dibao",
        start=YearMonth(2021, 7),
        amount=Decimal("150.00"),
    )
    return household


def _propose_800(admin: Any) -> PolicyParameter:
    return actions.do_propose_parameter(
        admin,
        key="dibao.standard_monthly",
        region_code="330200",
        effective_from=AUG_2021,
        value="800",
        source="示例：宁波市2021年8月起低保标准调整（测试用）",
        confidence="B",
    )


def test_loading_the_catalogue_twice_adds_nothing_the_second_time(db: None) -> None:
    from minzheng.assistance.models import PolicyParameter

    PolicyParameter.objects.all().delete()  # a new platform (other tests commit the catalogue)
    first = actions.do_load_parameter_catalog(None)
    assert first == len(catalog_rows())
    assert actions.do_load_parameter_catalog(None) == 0


@pytest.mark.parametrize(
    ("region", "day"),
    [("330203", date(2020, 6, 1)), ("330212", date(2020, 12, 31)), ("330212", date(2021, 3, 1))],
)
def test_the_database_resolves_the_same_set_as_the_catalogue(
    db: None, region: str, day: date
) -> None:
    actions.do_load_parameter_catalog(None)
    from_db = {p.key: (p.value, p.version_id) for p in parameter_set(region, day)}
    from_catalogue = {p.key: (p.value, p.version_id) for p in default_parameters(region, day)}
    assert from_db == from_catalogue


def test_a_county_approver_may_not_schedule_the_city_standard(
    approver_yinzhou: Any, li_household: Any
) -> None:
    with pytest.raises(
        PermissionDenied, match="区划 330200 不在您的管辖范围内，不能调整其政策参数"
    ):
        _propose_800(approver_yinzhou)
    assert not PolicyParameter.objects.filter(status="pending").exists()


def test_a_caseworker_may_not_schedule_any_standard(
    caseworker_nanmen: Any, li_household: Any
) -> None:
    with pytest.raises(PermissionDenied, match="您的角色无权调整政策参数"):
        _propose_800(caseworker_nanmen)


def test_the_preview_shows_li_gains_150_yuan_and_nothing_changes_before_confirmation(
    city_admin: Any, li_household: Any
) -> None:
    with time_machine.travel(date(2021, 7, 10), tick=False):
        proposal = _propose_800(city_admin)
    assert proposal.status == "pending"
    assert proposal.preview["changed_households"] == 1
    # 低保 750 × 3 − 2,100 = 150 → 800 × 3 − 2,100 = 300. (Before issue #11 the preview also
    # counted 李建国 as 特困 (+65), although his son 李明 is a capable legal supporter.)
    assert proposal.preview["monthly_delta"] == "150.00"
    assert proposal.preview["yearly_delta"] == "1800.00"
    assert proposal.preview["programmes"]["dibao"] == {
        "gaining_households": 0,
        "losing_households": 0,
        "changing_households": 1,
        "gaining_persons": 0,
        "losing_persons": 0,
        "changing_persons": 3,
        "monthly_delta": "150.00",
        "yearly_delta": "1800.00",
    }
    assert [(c["programme"], c["delta"]) for c in proposal.preview["changes"]] == [
        ("dibao", "150.00"),
    ]
    assert proposal.preview["changes"][0] == {
        "head": "李*国",
        "township": "南门街道",
        "household_id": li_household.pk,
        "programme": "dibao",
        "before_eligible": True,
        "after_eligible": True,
        "before_amount": "150.00",
        "after_amount": "300.00",
        "delta": "150.00",
    }
    # pending: the rules still read the old standard on the new date
    dibao = explain_household(li_household, AUG_2021)["decisions"][0]
    assert dibao["monthly_amount"] == "150.00"
    # The proposal is recorded (the catalogue itself was loaded before the test began).
    proposed = AuditEvent.objects.filter(object_type="policy_parameter", action="create")
    assert [e.object_id for e in proposed] == [str(proposal.pk)]


def test_a_confirmed_standard_takes_effect_on_its_day_and_an_earlier_decision_replays(
    city_admin: Any, checker: Any, li_household: Any
) -> None:
    with time_machine.travel(date(2021, 7, 10), tick=False):
        earlier = actions.do_record_decision(city_admin, li_household, date(2021, 7, 10))
        actions.do_confirm_parameter(checker, _propose_800(city_admin))
    assert earlier.dibao_amount == Decimal("150.00")
    assert OLD_STANDARD in earlier.parameter_versions

    with time_machine.travel(date(2021, 7, 31), tick=False):
        later = actions.do_record_decision(city_admin, li_household, date(2021, 7, 31))
    with time_machine.travel(AUG_2021, tick=False):
        after = actions.do_record_decision(city_admin, li_household, AUG_2021)
    assert later.dibao_amount == Decimal("150.00")
    assert (after.dibao_amount, NEW_STANDARD in after.parameter_versions) == (
        Decimal("300.00"),
        True,
    )

    replayed = actions.replay_decision(earlier)
    assert replayed == earlier.decisions
    assert replayed[0]["monthly_amount"] == "150.00"
    approval = AuditEvent.objects.get(object_type="policy_parameter", action="approve")
    assert approval.actor_id == checker.pk
    assert approval.after["proposed_by"] == city_admin.pk
    assert approval.after["preview"]["changed_households"] == 1
    assert approval.after["preview"]["monthly_delta"] == "150.00"


def test_the_proposer_cannot_confirm_their_own_value(
    city_admin: Any, checker: Any, li_household: Any
) -> None:
    with time_machine.travel(date(2021, 7, 10), tick=False):
        proposal = _propose_800(city_admin)
        with pytest.raises(PermissionDenied, match="提出人不能确认"):
            actions.do_confirm_parameter(city_admin, proposal)
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_a_checker_without_the_scope_cannot_confirm(
    city_admin: Any, approver_yinzhou: Any, li_household: Any
) -> None:
    with time_machine.travel(date(2021, 7, 10), tick=False):
        proposal = _propose_800(city_admin)
        with pytest.raises(
            PermissionDenied, match="区划 330200 不在您的管辖范围内，不能调整其政策参数"
        ):
            actions.do_confirm_parameter(approver_yinzhou, proposal)


def test_a_value_cannot_start_before_the_day_it_is_confirmed(
    city_admin: Any, checker: Any, approver_haishu: Any, li_household: Any
) -> None:
    with time_machine.travel(date(2021, 9, 15), tick=False):
        with pytest.raises(ValidationFailed, match="不能追溯生效") as refused:
            actions.do_propose_parameter(
                approver_haishu,
                key="dibao.standard_monthly",
                region_code="330203",
                effective_from=date(2021, 9, 1),
                value="800",
                source="测试",
            )
        assert refused.value.code == "effective_in_past"
    # proposed in time for August, but not confirmed until after 1 August: refused
    with time_machine.travel(date(2021, 7, 10), tick=False):
        proposal = _propose_800(city_admin)
    with (
        time_machine.travel(date(2021, 8, 2), tick=False),
        pytest.raises(ValidationFailed, match="不能在确认之前生效"),
    ):
        actions.do_confirm_parameter(checker, proposal)
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_a_standard_of_one_yuan_is_refused_by_its_bounds(
    approver_haishu: Any, li_household: Any
) -> None:
    with (
        time_machine.travel(date(2021, 7, 10), tick=False),
        pytest.raises(ValidationFailed, match="超出允许范围") as refused,
    ):
        actions.do_propose_parameter(
            approver_haishu,
            key="dibao.standard_monthly",
            region_code="330203",
            effective_from=date(2021, 8, 1),
            value="1",
            source="测试",
        )
    assert refused.value.code == "parameter_out_of_bounds"
    assert not PolicyParameter.objects.filter(status="pending").exists()


def test_a_confirmed_value_cannot_be_confirmed_twice(
    city_admin: Any, checker: Any, li_household: Any
) -> None:
    with time_machine.travel(date(2021, 7, 10), tick=False):
        proposal = _propose_800(city_admin)
        actions.do_confirm_parameter(checker, proposal)
        with pytest.raises(Exception, match="待确认"):
            actions.do_confirm_parameter(checker, proposal)


def test_the_parameters_page_lists_each_value_with_source_and_illustrative_flag(
    city_admin: Any, li_household: Any
) -> None:
    client = Client()
    client.login(username="city_admin", password=PASSWORD)
    page = client.get("/assistance/parameters/").content.decode()
    assert f'data-version="{OLD_STANDARD}"' in page
    assert "dibao.standard_monthly@330212@2021-01-01" in page
    assert "nbyz.gov.cn" in page and "示例值" in page


def test_proposing_through_the_page_shows_the_preview_then_a_second_person_confirms(
    city_admin: Any, checker: Any, li_household: Any
) -> None:
    client = Client()
    client.login(username="city_admin", password=PASSWORD)
    with time_machine.travel(date(2021, 7, 10), tick=False):
        response = client.post(
            "/assistance/parameters/propose/",
            {
                "key": "dibao.standard_monthly",
                "region_code": "330200",
                "effective_from": "2021-08-01",
                "value": "800",
                "source": "测试依据",
                "confidence": "B",
            },
            follow=True,
        )
        page = response.content.decode()
        assert '<strong id="changed">1</strong>' in page and "150.00" in page
        proposal = PolicyParameter.objects.get(status="pending")
        assert 'id="by-programme"' in page and "李*国" in page
        export = client.get(f"/assistance/parameters/{proposal.pk}/export/")
        assert export.status_code == 200
        assert export["Content-Type"].startswith("application/vnd.openxmlformats")
        own = client.post(f"/assistance/parameters/{proposal.pk}/confirm/")
        assert own.status_code == 403
        proposal.refresh_from_db()
        assert proposal.status == "pending"
        second = Client()
        second.login(username="city_checker", password=PASSWORD)
        second.post(f"/assistance/parameters/{proposal.pk}/confirm/")
    proposal.refresh_from_db()
    assert proposal.status == "active" and proposal.confirmed_by_id == checker.pk


def test_a_caseworker_cannot_open_the_parameters_page(
    caseworker_nanmen: Any, li_household: Any
) -> None:
    client = Client()
    client.login(username="caseworker_nanmen", password=PASSWORD)
    assert client.get("/assistance/parameters/").status_code == 403
