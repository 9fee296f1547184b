from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.test import Client

from minzheng.assistance.models import PolicyParameter
from minzheng.medical.queries import clear_parameter_cache, out_of_pocket_by_person, statistics
from minzheng.registry.models import Person
from tests.medical.conftest import LI_JIANGUO, WANG_XIUYING, ZHOU_HAIYAN, body, post


def test_every_medical_parameter_is_a_dated_sourced_row(parameters: None) -> None:
    rows = PolicyParameter.objects.filter(key__startswith="medical.")
    assert (
        rows.count() == 4 * 3 * 2 + 4 + 1
    )  # deductible and ratio per category×kind, caps, rounding
    assert all(r.source for r in rows)
    floor = rows.get(key="medical.ratio.dibao.inpatient")
    assert (floor.region_code, floor.value, floor.illustrative) == ("000000", "0.70", False)
    assert rows.get(key="medical.annual_cap.tekun").illustrative is True


def test_a_county_value_in_the_database_overrides_the_catalogue(
    patients: Any, hospital: Client
) -> None:
    PolicyParameter.objects.create(
        key="medical.ratio.dibao.inpatient",
        region_code="330203",
        effective_from=date(2024, 1, 1),
        value="0.80",
        source="海曙区测试文件",
        confidence="B",
    )
    clear_parameter_cache()
    answer = post(hospital, body()).json()
    assert answer["assistance_amount"] == "2800.00"  # 3500 × 80 %
    ratio = answer["explanation"][3]["ratio"]
    assert ratio["version"] == "medical.ratio.dibao.inpatient@330203@2024-01-01"
    assert ratio["source"] == "海曙区测试文件"


def test_the_warning_and_statistics_read_live_settlements(
    patients: Any, hospital: Client, approver_haishu: Any
) -> None:
    post(hospital, body("ZY-1", WANG_XIUYING))
    post(hospital, body("ZY-2", WANG_XIUYING, visit_kind="outpatient"))
    gone = post(hospital, body("ZY-3", LI_JIANGUO)).json()
    hospital.post(f"/api/v1/medical/settlements/{gone['settlement_id']}/reverse")
    post(hospital, body("ZY-4", ZHOU_HAIYAN))
    wang = Person.objects.get(name="王秀英").pk
    rows = {r["person_id"]: r for r in out_of_pocket_by_person(2024)}
    assert set(rows) == {wang, Person.objects.get(name="周海燕").pk}  # the reversal is not counted
    assert (rows[wang]["settlements"], rows[wang]["patient_pays"], rows[wang]["assistance"]) == (
        2,
        Decimal("4100.00"),
        Decimal("4900.00"),
    )
    haishu = statistics(approver_haishu, 2024)  # 周海燕 lives in 鄞州: outside this scope
    assert [(r["category"], r["visit_kind"], r["settlements"]) for r in haishu] == [
        ("dibao", "inpatient", 1),
        ("dibao", "outpatient", 1),
    ]
