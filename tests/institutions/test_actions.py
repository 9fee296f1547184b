"""Register, add beds, admit (one bed per person, one person per bed), discharge, inspect, insure
and claim: each refused input names the problem in Chinese and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from minzheng.core.errors import DomainError, NotFound, PermissionDenied
from minzheng.core.models import AuditEvent
from minzheng.institutions import actions, queries
from minzheng.institutions.models import Bed, Claim, Inspection, Institution, Residency

pytestmark = pytest.mark.django_db


def _bed(home: Any, kind: str, n: int = 0) -> Bed:
    return list(Bed.objects.filter(institution=home, kind=kind).order_by("id"))[n]


def test_beds_are_numbered_on_and_counted_by_type(home: Any, caseworker_nanmen: Any) -> None:
    assert list(Bed.objects.filter(institution=home).values_list("number", "kind")) == [
        ("1", "nursing"),
        ("2", "nursing"),
        ("3", "nursing"),
        ("4", "ordinary"),
        ("5", "ordinary"),
    ]
    assert queries.bed_counts(home) == {
        "nursing": {"beds": 3, "occupied": 0, "free": 3},
        "ordinary": {"beds": 2, "occupied": 0, "free": 2},
    }
    assert AuditEvent.objects.filter(object_type="institution_bed").count() == 2


def test_a_person_is_in_one_bed_at_a_time(
    home: Any, caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    li = household_li_three_members.head
    today = timezone.localdate()
    first = actions.do_admit(
        caseworker_nanmen,
        home.pk,
        person_id=li.pk,
        bed_id=_bed(home, "nursing").pk,
        admitted_on=today - timedelta(days=10),
    )
    with pytest.raises(DomainError, match="李建国已入住福湖颐养院") as exc:
        actions.do_admit(
            caseworker_nanmen,
            home.pk,
            person_id=li.pk,
            bed_id=_bed(home, "ordinary").pk,
            admitted_on=today,
        )
    assert exc.value.code == "already_resident"
    from minzheng.registry.models import Person

    wang = Person.objects.get(name="王秀英")
    with pytest.raises(DomainError, match="1号床已有老人入住"):
        actions.do_admit(
            caseworker_nanmen,
            home.pk,
            person_id=wang.pk,
            bed_id=_bed(home, "nursing").pk,
            admitted_on=today,
        )
    assert queries.bed_counts(home)["nursing"] == {"beds": 3, "occupied": 1, "free": 2}
    assert [b.number for b in queries.free_beds(home)] == ["2", "3", "4", "5"]
    # Discharged, the person may be admitted again, and the bed is free again.
    actions.do_discharge(caseworker_nanmen, first.pk, discharged_on=today, reason="home")
    again = actions.do_admit(
        caseworker_nanmen,
        home.pk,
        person_id=wang.pk,
        bed_id=_bed(home, "nursing").pk,
        admitted_on=today,
    )
    assert again.bed_id == first.bed_id
    assert Residency.objects.filter(discharged_on__isnull=True).count() == 1
    with pytest.raises(DomainError, match="已办理离院"):
        actions.do_discharge(caseworker_nanmen, first.pk, discharged_on=today, reason="home")


def test_admission_refuses_the_young_the_future_and_foreign_beds(
    home: Any, caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    from minzheng.registry.models import Person

    today = timezone.localdate()
    bed = _bed(home, "ordinary").pk
    young = Person.objects.get(name="李明")
    with pytest.raises(DomainError, match="未满60周岁"):
        actions.do_admit(
            caseworker_nanmen, home.pk, person_id=young.pk, bed_id=bed, admitted_on=today
        )
    li = household_li_three_members.head
    with pytest.raises(DomainError, match="入住日期不能晚于今天"):
        actions.do_admit(
            caseworker_nanmen,
            home.pk,
            person_id=li.pk,
            bed_id=bed,
            admitted_on=today + timedelta(days=1),
        )
    with pytest.raises(DomainError, match="请选择本机构在用的床位"):
        actions.do_admit(
            caseworker_nanmen, home.pk, person_id=li.pk, bed_id=10**9, admitted_on=today
        )
    with pytest.raises(DomainError, match="不能早于机构备案日期"):
        actions.do_admit(
            caseworker_nanmen, home.pk, person_id=li.pk, bed_id=bed, admitted_on=date(2019, 1, 1)
        )
    assert not Residency.objects.exists()


def test_registration_checks_region_kind_and_licence(
    home: Any, caseworker_nanmen: Any, assistant_fuhu: Any
) -> None:
    base = dict(
        name="南门护理院",
        kind="private",
        licence_no="X-2",
        filed_on=date(2021, 1, 1),
        valid_until=None,
        region_code="330203001000",
        operator="某公司",
    )
    with pytest.raises(DomainError, match="330203养备20200001 已登记"):
        actions.do_register_institution(caseworker_nanmen, **base | {"licence_no": home.licence_no})
    with pytest.raises(DomainError, match="请选择举办性质"):
        actions.do_register_institution(caseworker_nanmen, **base | {"kind": "state"})
    with pytest.raises(DomainError, match="不在您的管辖范围内"):
        actions.do_register_institution(caseworker_nanmen, **base | {"region_code": "330212003001"})
        actions.do_register_institution(
            caseworker_nanmen, **base | {"valid_until": date(2020, 1, 1)}
        )
    # The village assistant may register in the village only.
    with pytest.raises(DomainError, match="不在您的管辖范围内"):
        actions.do_register_institution(assistant_fuhu, **base)
    assert Institution.objects.count() == 1
    made = actions.do_register_institution(caseworker_nanmen, **base)
    assert (made.region_id, made.get_kind_display()) == ("330203001000", "民办")


def test_other_counties_neither_see_nor_change_it(
    home: Any, approver_yinzhou: Any, caseworker_xiaying: Any, approver_haishu: Any
) -> None:
    assert not queries.institutions_visible(approver_yinzhou).exists()
    assert list(queries.institutions_visible(approver_haishu)) == [home]
    with pytest.raises(NotFound, match="记录不存在或不在您的管辖范围内"):
        actions.do_add_beds(caseworker_xiaying, home.pk, kind="nursing", count=1)
    with pytest.raises(PermissionDenied, match="只有乡镇经办员、村社协理员可以维护养老机构信息"):
        actions.do_add_beds(approver_haishu, home.pk, kind="nursing", count=1)
    assert Bed.objects.count() == 5


def test_inspection_and_rectification(home: Any, caseworker_nanmen: Any) -> None:
    today = timezone.localdate()
    with pytest.raises(DomainError, match="限期整改须填写整改期限"):
        actions.do_record_inspection(
            caseworker_nanmen,
            home.pk,
            inspected_on=today,
            findings="无呼叫器",
            result="rectify",
            rectify_by=None,
        )
    with pytest.raises(DomainError, match="请填写检查发现"):
        actions.do_record_inspection(
            caseworker_nanmen,
            home.pk,
            inspected_on=today,
            findings="  ",
            result="pass",
            rectify_by=None,
        )
    assert not Inspection.objects.exists()
    x = actions.do_record_inspection(
        caseworker_nanmen,
        home.pk,
        inspected_on=today - timedelta(days=40),
        findings="部分房间无紧急呼叫装置",
        result="rectify",
        rectify_by=today - timedelta(days=10),
    )
    assert list(queries.overdue_rectifications(caseworker_nanmen, today)) == [x]
    done = actions.do_mark_rectified(caseworker_nanmen, x.pk, rectified_on=today)
    assert done.rectified_on == today
    assert not queries.overdue_rectifications(caseworker_nanmen, today).exists()
    assert "逾期" in AuditEvent.objects.filter(object_type="institution_inspection").first().summary  # type: ignore[union-attr]


def test_policy_overlap_and_claim_decisions(
    home: Any,
    policy: Any,
    caseworker_nanmen: Any,
    approver_haishu: Any,
    household_li_three_members: Any,
) -> None:
    today = timezone.localdate()
    with pytest.raises(DomainError, match="期间重叠"):
        actions.do_add_policy(
            caseworker_nanmen,
            home.pk,
            insurer="甲",
            policy_no="ZRX-TEST-2",
            starts_on=today,
            ends_on=today + timedelta(days=30),
            premium="1",
            cover="1",
            insured_elderly=1,
        )
    with pytest.raises(DomainError, match="保费最多两位小数"):
        actions.do_add_policy(
            caseworker_nanmen,
            home.pk,
            insurer="甲",
            policy_no="ZRX-TEST-3",
            starts_on=today + timedelta(days=400),
            ends_on=today + timedelta(days=700),
            premium="1.005",
            cover="1",
            insured_elderly=1,
        )
    with pytest.raises(DomainError, match="出险日期不在保险期间内"):
        actions.do_file_claim(
            caseworker_nanmen,
            policy.pk,
            incident_on=today - timedelta(days=200),
            description="跌倒",
            claimed="1000",
        )
    li = household_li_three_members.head
    a = actions.do_file_claim(
        caseworker_nanmen,
        policy.pk,
        incident_on=today,
        description="夜间跌倒骨折",
        claimed="20000.00",
        person_id=li.pk,
    )
    b = actions.do_file_claim(
        caseworker_nanmen,
        policy.pk,
        incident_on=today,
        description="噎食送医",
        claimed="15000",
    )
    with pytest.raises(PermissionDenied, match="只有县级审核审批员可以确认理赔结果"):
        actions.do_decide_claim(caseworker_nanmen, a.pk, pay=True, paid="100")
    with pytest.raises(DomainError, match="赔付金额不能超过报案金额"):
        actions.do_decide_claim(approver_haishu, a.pk, pay=True, paid="20000.01")
    paid = actions.do_decide_claim(approver_haishu, a.pk, pay=True, paid="18000")
    assert (paid.status, paid.paid) == ("paid", Decimal("18000.00"))
    # 30,000 cover − 18,000 paid leaves 12,000.
    with pytest.raises(DomainError, match=r"剩余 12000\.00 元"):
        actions.do_decide_claim(approver_haishu, b.pk, pay=True, paid="15000")
    with pytest.raises(DomainError, match="请填写结案说明"):
        actions.do_decide_claim(approver_haishu, b.pk, pay=False)
    refused = actions.do_decide_claim(approver_haishu, b.pk, pay=False, note="不属于保险责任")
    assert refused.status == "refused" and refused.paid is None
    with pytest.raises(DomainError, match="已结案"):
        actions.do_decide_claim(approver_haishu, b.pk, pay=True, paid="1")
    totals = queries.insurance_totals(approver_haishu, today)
    assert (totals.policies, totals.elderly, totals.claims, totals.paid, totals.claimed) == (
        1,
        5,
        2,
        Decimal("18000.00"),
        Decimal("35000.00"),
    )
    assert Claim.objects.filter(status="filed").count() == 0


def test_the_database_holds_one_open_residency_per_person_and_per_bed(
    home: Any, caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    """Two clerks past the checks at once still cannot seat a person twice or share a bed."""
    from django.db import IntegrityError, transaction

    from minzheng.registry.models import Person

    today = timezone.localdate()
    li, wang = household_li_three_members.head, Person.objects.get(name="王秀英")
    one, two = _bed(home, "nursing", 0), _bed(home, "nursing", 1)
    actions.do_admit(caseworker_nanmen, home.pk, person_id=li.pk, bed_id=one.pk, admitted_on=today)
    for person, bed, key in ((li, two, "person"), (wang, one, "bed")):
        # PostgreSQL names the constraint, SQLite the column
        refused = rf"one_open_residency_per_{key}|institutions_residency\.{key}_id"
        with pytest.raises(IntegrityError, match=refused), transaction.atomic():
            Residency.objects.create(
                institution=home,
                bed=bed,
                person=person,
                region_id=home.region_id,
                admitted_on=today,
            )
    # A discharged stay does not count: the same person and bed may be open again.
    Residency.objects.create(
        institution=home,
        bed=two,
        person=wang,
        region_id=home.region_id,
        admitted_on=today,
        discharged_on=today,
    )
    Residency.objects.create(
        institution=home, bed=two, person=wang, region_id=home.region_id, admitted_on=today
    )
    assert Residency.objects.filter(discharged_on__isnull=True).count() == 2
