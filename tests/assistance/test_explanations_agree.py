"""The API, the CLI and the household page give the same decision and explanation; bad input is a 400."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from minzheng.api.actions import do_create_api_client
from minzheng.assistance import actions
from minzheng.assistance.eligibility import facts_to_json, household_facts
from minzheng.assistance.models import EligibilityDecision
from minzheng.cli import main
from minzheng.core.models import AuditEvent
from tests.assistance.test_household_facts import li_with_economy
from tests.conftest import PASSWORD

AUG_2021 = date(2021, 8, 10)  # under 民发〔2021〕57号 (from 2021-07-01)


@pytest.fixture
def li_household(caseworker_nanmen: Any, db: None) -> Any:
    actions.do_load_parameter_catalog(None)
    return li_with_economy(caseworker_nanmen)


@pytest.fixture
def haishu_partner_token(li_household: Any) -> str:
    _, token = do_create_api_client(
        None,
        name="海曙区救助测算",
        scopes=["eligibility:evaluate", "registry:read"],
        region_code="330203000000",
    )
    return token


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    code = main(argv)
    return code, json.loads(capsys.readouterr().out)


def test_the_api_the_cli_and_the_household_page_agree(
    li_household: Any,
    haishu_partner_token: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {haishu_partner_token}")
    registered = partner.get(
        f"/api/v1/eligibility/households/{li_household.pk}", {"as_of": "2021-08-10"}
    ).json()

    described = facts_to_json(household_facts(li_household, AUG_2021))
    posted = partner.post(
        "/api/v1/eligibility/evaluate", described, content_type="application/json"
    ).json()
    file = tmp_path / "li.json"
    file.write_text(json.dumps(described, ensure_ascii=False), encoding="utf-8")
    _, from_file = _cli(["evaluate", str(file)], capsys)
    _, from_registry = _cli(
        ["evaluate", "--household", str(li_household.pk), "--as-of", "2021-08-10"], capsys
    )

    assert registered["decisions"][0]["monthly_amount"] == "150.00"
    assert posted["decisions"] == registered["decisions"]
    assert from_file["decisions"] == registered["decisions"]
    assert from_registry == registered

    staff = Client()
    staff.login(username="caseworker_nanmen", password=PASSWORD)
    fragment = staff.get(
        f"/assistance/households/{li_household.pk}/decision/", {"as_of": "2021-08-10"}
    ).content.decode()
    for decision in registered["decisions"]:
        assert decision["summary"] in fragment
        for criterion in decision["criteria"]:
            assert criterion["value"] in fragment and criterion["threshold"] in fragment
    assert "dibao.standard_monthly@330200@2020-01-01" in fragment


def _li_json(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "region": "330203",
        "as_of": "2020-06-01",
        "members": [
            {
                "id": "li",
                "relationship": "applicant",
                "age": 45,
                "incomes": [{"kind": "wage", "monthly_amount": "600"}],
            },
            {"id": "li_son", "relationship": "child", "age": 10},
        ],
        "assets": {"money": "20000", "homes": [{"floor_area": "80"}]},
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        (
            {
                "members": [
                    {
                        "id": "li",
                        "relationship": "applicant",
                        "age": 45,
                        "incomes": [{"kind": "wage", "monthly_amount": "-5"}],
                    }
                ]
            },
            "negative_income",
        ),
        (
            {
                "members": [
                    {"id": "li", "relationship": "applicant", "age": 45},
                    {"id": "li", "relationship": "spouse", "age": 43},
                ]
            },
            "duplicate_member",
        ),
        ({"programmes": ["dibao", "pension"]}, "unknown_programme"),
        ({"as_of": "2019-06-01"}, "parameter_missing"),
        ({"region": "110101"}, "region_without_standard"),
    ],
)
def test_bad_input_is_a_400_with_a_code_and_nothing_is_stored(
    haishu_partner_token: str, changes: dict[str, Any], code: str
) -> None:
    audit_before = AuditEvent.objects.count()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {haishu_partner_token}").post(
        "/api/v1/eligibility/evaluate", _li_json(**changes), content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code and body["message"]
    assert not EligibilityDecision.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_the_cli_reports_bad_input_with_the_same_code(
    li_household: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(_li_json(region="110101")), encoding="utf-8")
    code, out = _cli(["evaluate", str(file)], capsys)
    assert code == 2 and out["code"] == "region_without_standard"


def test_a_described_household_of_li_and_his_son_gets_975_yuan(haishu_partner_token: str) -> None:
    body = (
        Client(HTTP_AUTHORIZATION=f"Bearer {haishu_partner_token}")
        .post("/api/v1/eligibility/evaluate", _li_json(), content_type="application/json")
        .json()
    )
    dibao = body["decisions"][0]
    # 750 × 2 − 600 = 900, plus the son's minor supplement 750 × 0.10 = 75
    assert (dibao["eligible"], dibao["monthly_amount"]) == (True, "975.00")


def test_a_partner_without_the_eligibility_scope_is_refused(li_household: Any) -> None:
    _, token = do_create_api_client(
        None, name="银行", scopes=["payments:bank"], region_code="330203000000"
    )
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").post(
        "/api/v1/eligibility/evaluate", _li_json(), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_partner_of_another_county_does_not_find_li(li_household: Any) -> None:
    _, token = do_create_api_client(
        None,
        name="鄞州区救助测算",
        scopes=["eligibility:evaluate", "registry:read"],
        region_code="330212000000",
    )
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(
        f"/api/v1/eligibility/households/{li_household.pk}"
    )
    assert response.status_code == 404
