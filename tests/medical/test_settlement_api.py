from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.core.models import AuditEvent
from minzheng.medical.models import CapAccount, Settlement
from tests.medical.conftest import LI_JIANGUO, LI_MING, WANG_XIUYING, ZHOU_HAIYAN, body, post


def test_a_dibao_patient_is_settled_with_the_layers_explained(
    patients: Any, hospital: Client
) -> None:
    response = post(hospital, body())
    assert response.status_code == 200, response.content
    answer = response.json()
    assert set(answer) == {
        "settlement_id", "category", "assistance_amount", "patient_pays",
        "annual_cap", "cap_used", "cap_left", "explanation",
    }  # fmt: skip
    assert answer["category"] == "dibao"
    # (9000 − 5500) × 70 % = 2450; patient 10000 − 5500 − 2450 = 2050
    assert (answer["assistance_amount"], answer["patient_pays"]) == ("2450.00", "2050.00")
    assert (answer["annual_cap"], answer["cap_used"], answer["cap_left"]) == (
        "80000.00",
        "2450.00",
        "77550.00",
    )
    assert [e["layer"] for e in answer["explanation"]] == [
        "basic_insurance", "critical_illness", "other", "medical_assistance",
    ]  # fmt: skip
    assert CapAccount.objects.get(year=2024).cap_used == Decimal("2450.00")
    assert AuditEvent.objects.filter(object_type="medical_settlement").count() == 1


@pytest.mark.parametrize(
    ("id_number", "category", "assistance"),
    [(LI_JIANGUO, "tekun", "2450.00"), (ZHOU_HAIYAN, "dibian", "0.00"), (LI_MING, "none", "0.00")],
)
def test_the_category_comes_from_the_registry_on_the_discharge_date(
    patients: Any, hospital: Client, id_number: str, category: str, assistance: str
) -> None:
    answer = post(hospital, body(id_number=id_number)).json()
    assert (answer["category"], answer["assistance_amount"]) == (category, assistance)


def test_a_retry_returns_the_same_answer_and_stores_once(patients: Any, hospital: Client) -> None:
    first = post(hospital, body()).json()
    again = post(hospital, body())
    assert again.status_code == 200 and again.json() == first
    assert Settlement.objects.count() == 1
    assert CapAccount.objects.get(year=2024).cap_used == Decimal("2450.00")


def test_the_same_claim_with_other_figures_is_a_conflict(patients: Any, hospital: Client) -> None:
    post(hospital, body())
    response = post(hospital, body(total_cost="10000.01"))
    assert response.status_code == 409
    assert response.json()["code"] == "claim_conflict" and "冲销" in response.json()["message"]
    assert Settlement.objects.count() == 1


def test_reversal_restores_the_cap_and_a_corrected_claim_settles_afresh(
    patients: Any, hospital: Client
) -> None:
    first = post(hospital, body()).json()
    reversed_ = hospital.post(f"/api/v1/medical/settlements/{first['settlement_id']}/reverse")
    assert reversed_.status_code == 200
    assert reversed_.json()["status"] == "reversed" and reversed_.json()["cap_used"] == "0.00"
    again = hospital.post(f"/api/v1/medical/settlements/{first['settlement_id']}/reverse")
    assert again.json()["cap_used"] == "0.00"  # a retried reversal restores nothing twice
    corrected = post(hospital, body(compliant_cost="8000.00")).json()
    # (8000 − 5500) × 70 % = 1750
    assert corrected["settlement_id"] != first["settlement_id"]
    assert (corrected["assistance_amount"], corrected["cap_used"]) == ("1750.00", "1750.00")


@pytest.mark.parametrize(
    ("over", "code", "words"),
    [
        ({"id_number": "330203199901010000"}, "person_not_found", "不在救助人员库"),
        ({"basic_insurance_paid": "9600.00"}, "paid_over_cost", "超过医疗总费用"),
        ({"other_paid": "-1"}, "negative_amount", "不能为负数"),
        ({"discharged_on": "2024-05-09"}, "discharge_before_admission", "早于入院日期"),
        ({"visit_kind": "emergency"}, "visit_kind_invalid", "就诊类型"),
        ({"total_cost": "1e12"}, "amount_too_large", "超出合理范围"),
        ({"discharged_on": "2999-01-01"}, "discharge_in_future", "晚于今天"),
        ({"total_cost": "NaN"}, "invalid_request", "请求参数有误"),
        ({"extra": "1"}, "invalid_request", "请求参数有误"),
    ],
)
def test_bad_claims_get_400_in_chinese_and_store_nothing(
    patients: Any, hospital: Client, over: dict[str, str], code: str, words: str
) -> None:
    response = post(hospital, body(**over))
    assert response.status_code == 400
    assert response.json()["code"] == code and words in response.json()["message"]
    assert Settlement.objects.count() == 0 and CapAccount.objects.count() == 0


def test_another_hospitals_code_is_refused(patients: Any, hospital: Client) -> None:
    response = post(hospital, body(hospital_code="H99999999"))
    assert response.status_code == 403
    assert "H99999999" in response.json()["message"]


def test_a_client_without_the_scope_is_refused(patients: Any) -> None:
    from minzheng.api.actions import do_create_api_client

    _, token = do_create_api_client(
        None, name="银行", scopes=["payments:bank"], region_code="330203000000"
    )
    response = post(Client(HTTP_AUTHORIZATION=f"Bearer {token}"), body())
    assert response.status_code == 403 and "medical:settle" in response.json()["message"]


def test_the_daily_list_shows_the_hospitals_settlements(patients: Any, hospital: Client) -> None:
    from django.utils import timezone

    post(hospital, body())
    post(hospital, body("ZY2024-0002", LI_JIANGUO))
    rows = hospital.get(
        "/api/v1/medical/settlements",
        {"hospital_code": "H33020301", "day": timezone.localdate().isoformat()},
    ).json()
    assert [(r["claim_id"], r["assistance_amount"]) for r in rows] == [
        ("ZY2024-0001", "2450.00"),
        ("ZY2024-0002", "2450.00"),
    ]
    assert WANG_XIUYING not in str(rows)
