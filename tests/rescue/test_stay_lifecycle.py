"""A stay at the station: the identity found in the city's registry (by ID number, by name and birth
date, by a homophone name), the 10-day limit and its overdue flag at the boundary, meals and
tracing, an extension, the escorted return home, and what is refused."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.rescue import actions, queries, rules
from minzheng.rescue.models import CareRecord, Stay

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 2)


def admit(staff: Any, station: Any, fields: dict[str, Any], **kw: Any) -> actions.Intake:
    return actions.do_admit(staff, station, **{**fields, "admitted_on": DAY, **kw})


@time_machine.travel(DAY, tick=False)
def test_a_person_with_an_id_card_is_found_in_another_countys_registry(
    station_haishu: Any,
    caseworker_nanmen: Any,
    household_zhou_yinzhou: Any,
    intake_fields: dict[str, Any],
) -> None:
    intake = admit(caseworker_nanmen, station_haishu, intake_fields, id_number="330227197809123320")
    stay = intake.stay
    assert stay.person == household_zhou_yinzhou.head
    assert (stay.name, stay.name_unknown, stay.birth_date) == ("周海燕", False, date(1978, 9, 12))
    assert stay.identity_note == "身份证号比对：周海燕"
    assert (stay.limit_days, stay.due_on) == (10, date(2026, 11, 12))
    assert list(stay.records.values_list("kind", flat=True)) == ["identity"]


@time_machine.travel(DAY, tick=False)
def test_name_and_birth_date_find_a_person_and_a_homophone_waits_for_a_caseworker(
    station_haishu: Any,
    caseworker_nanmen: Any,
    household_zhou_yinzhou: Any,
    intake_fields: dict[str, Any],
) -> None:
    exact = admit(
        caseworker_nanmen,
        station_haishu,
        intake_fields,
        name="周海燕",
        birth_date=date(1978, 9, 12),
    )
    assert exact.stay.person == household_zhou_yinzhou.head
    # Written down by ear: 周海艳 sounds the same; a candidate, not a match.
    alike = admit(
        caseworker_nanmen,
        station_haishu,
        intake_fields,
        name="周海艳",
        birth_date=date(1978, 9, 12),
    )
    assert alike.stay.person is None
    assert [(c.name, c.how) for c in alike.identity.candidates] == [
        ("周海燕", "姓名同音、出生日期一致")
    ]
    assert alike.stay.identity_note == "找到1名可能人员，待人工确认"
    confirmed = actions.do_confirm_identity(
        caseworker_nanmen, alike.stay, household_zhou_yinzhou.head
    )
    assert (confirmed.person_id, confirmed.name) == (household_zhou_yinzhou.head.pk, "周海燕")


@time_machine.travel(DAY, tick=False)
def test_an_unknown_person_needs_a_description_and_is_called_wumingshi(
    station_haishu: Any, caseworker_nanmen: Any, intake_fields: dict[str, Any]
) -> None:
    with pytest.raises(ValidationFailed, match="请填写体貌特征与情况"):
        admit(caseworker_nanmen, station_haishu, intake_fields, description=" ")
    stay = admit(caseworker_nanmen, station_haishu, intake_fields).stay
    assert (stay.name, stay.name_unknown, stay.person) == ("无名氏", True, None)
    assert stay.identity_note == "姓名或出生日期不详，未比对"
    assert Stay.objects.count() == 1


def test_the_stay_is_overdue_the_day_after_its_last_day() -> None:
    limit = rules.stay_limit(date(2026, 11, 2), 10)
    assert limit.due_on == date(2026, 11, 12)
    assert rules.overdue(limit.due_on, date(2026, 11, 12), True).overdue is False
    late = rules.overdue(limit.due_on, date(2026, 11, 13), True)
    assert (late.overdue, late.days_over) == (True, 1)
    assert late.reason == "超过救助期限1天（期限至2026-11-12）"
    assert rules.overdue(limit.due_on, date(2026, 12, 1), False).overdue is False


def test_an_overdue_stay_is_flagged_until_extended_then_returned_home(
    station_haishu: Any, caseworker_nanmen: Any, intake_fields: dict[str, Any]
) -> None:
    with time_machine.travel(DAY, tick=False) as clock:
        stay = admit(caseworker_nanmen, station_haishu, intake_fields, name="刘秀英").stay
        actions.do_record_care(caseworker_nanmen, stay, kind="meal", day=DAY, note="午餐")
        actions.do_record_care(
            caseworker_nanmen, stay, kind="tracing", day=DAY, note="寻亲公告已发布"
        )
        clock.move_to(date(2026, 11, 12))
        assert list(queries.overdue_stays(caseworker_nanmen, date(2026, 11, 12))) == []
        clock.move_to(date(2026, 11, 13))
        assert list(queries.overdue_stays(caseworker_nanmen, date(2026, 11, 13))) == [stay]
        with pytest.raises(ValidationFailed, match="延长天数应为1至10天"):
            actions.do_extend(caseworker_nanmen, stay, days=11, reason="寻亲中")
        stay = actions.do_extend(caseworker_nanmen, stay, days=5, reason="寻亲中，已报区民政局备案")
        assert (stay.due_on, stay.extended) == (date(2026, 11, 17), True)
        assert queries.overdue_of(stay, date(2026, 11, 13)).overdue is False
        stay = actions.do_return_home(
            caseworker_nanmen,
            stay,
            destination="安徽省阜阳市颍州区",
            handed_over_to="其子刘强",
            day=date(2026, 11, 13),
        )
        assert (stay.status, stay.ended_on) == ("returned", date(2026, 11, 13))
        assert list(stay.records.values_list("kind", flat=True)) == [
            "meal",
            "tracing",
            "extension",
            "return",
        ]
        with pytest.raises(ValidationFailed, match="该受助人员已离站"):
            actions.do_record_care(caseworker_nanmen, stay, kind="meal", day=DAY, note="晚餐")
    assert AuditEvent.objects.filter(object_type="rescue_stay", object_id=str(stay.pk)).count() == 5


@time_machine.travel(DAY, tick=False)
def test_bad_input_is_refused_and_changes_nothing(
    station_haishu: Any,
    caseworker_nanmen: Any,
    auditor: Any,
    approver_yinzhou: Any,
    intake_fields: dict[str, Any],
) -> None:
    with pytest.raises(ValidationFailed, match="请选择来站方式"):
        admit(caseworker_nanmen, station_haishu, intake_fields, brought_by="taxi")
    with pytest.raises(ValidationFailed, match="日期不能晚于今天"):
        admit(caseworker_nanmen, station_haishu, intake_fields, admitted_on=DAY + timedelta(1))
    with pytest.raises(PermissionDenied, match="您的角色无权办理救助站业务"):
        admit(auditor, station_haishu, intake_fields)
    # 鄞州's approver cannot take people in at 海曙's station: it is outside their scope.
    with pytest.raises(Exception, match="不存在或不在您的管辖范围内"):
        admit(approver_yinzhou, station_haishu, intake_fields)
    stay = admit(caseworker_nanmen, station_haishu, intake_fields).stay
    with pytest.raises(ValidationFailed, match="请选择记录类别"):
        actions.do_record_care(caseworker_nanmen, stay, kind="return", day=DAY, note="x")
    with pytest.raises(ValidationFailed, match="日期不能早于入站日期"):
        actions.do_record_care(
            caseworker_nanmen, stay, kind="meal", day=DAY - timedelta(1), note="早餐"
        )
    with pytest.raises(ValidationFailed, match="请填写交接对象"):
        actions.do_return_home(
            caseworker_nanmen, stay, destination="阜阳", handed_over_to="", day=DAY
        )
    assert Stay.objects.count() == 1 and CareRecord.objects.count() == 0
    assert Stay.objects.get().status == "in_care"


def test_statistics_count_intakes_returns_and_average_stay_by_station_and_month(
    station_haishu: Any, caseworker_nanmen: Any, intake_fields: dict[str, Any]
) -> None:
    with time_machine.travel(date(2026, 11, 30), tick=False):
        a = admit(caseworker_nanmen, station_haishu, intake_fields, admitted_on=date(2026, 10, 28))
        b = admit(caseworker_nanmen, station_haishu, intake_fields, admitted_on=date(2026, 11, 3))
        admit(caseworker_nanmen, station_haishu, intake_fields, admitted_on=date(2026, 11, 20))
        # 28 Oct → 5 Nov: 8 days; 3 Nov → 9 Nov: 6 days; both ended in November, average 7.0.
        actions.do_return_home(
            caseworker_nanmen,
            a.stay,
            destination="阜阳",
            handed_over_to="其子",
            day=date(2026, 11, 5),
        )
        actions.do_record_care(
            caseworker_nanmen, b.stay, kind="meal", day=date(2026, 11, 4), note="三餐"
        )
        actions.do_place(caseworker_nanmen, b.stay, placement="社会福利院", day=date(2026, 11, 9))
        rows = queries.statistics(caseworker_nanmen, until=date(2026, 11, 30))
    assert [
        (r.station, str(r.month), r.intakes, r.returns, r.ended, r.meals, r.average_stay_days)
        for r in rows
    ] == [
        ("海曙区救助管理站", "2026-10", 1, 0, 0, 0, None),
        ("海曙区救助管理站", "2026-11", 2, 1, 2, 1, Decimal("7.0")),
    ]
