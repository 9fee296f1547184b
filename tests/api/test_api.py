from __future__ import annotations

from typing import Any

from django.test import Client

from minzheng.api.actions import do_create_api_client


def test_the_openapi_schema_and_docs_are_published(db: None) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"].startswith("minzheng")
    assert "/api/v1/registry/persons" in schema["paths"]
    assert Client().get("/api/v1/docs").status_code == 200


def test_a_partner_token_reads_persons_in_its_scope_masked(household_li_three_members: Any) -> None:
    _, token = do_create_api_client(
        None, name="海曙区医保局", scopes=["registry:read"], region_code="330203000000"
    )
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(
        "/api/v1/registry/persons", {"q": "李"}
    )
    assert response.status_code == 200
    people = response.json()
    assert [p["name"] for p in people] == ["李建国", "李明"]
    assert people[0]["id_number"] == "330203********1238" and people[0]["phone"] == "138****1234"


def test_a_token_without_the_scope_is_refused_in_chinese(household_li_three_members: Any) -> None:
    _, token = do_create_api_client(
        None, name="银行", scopes=["payments:bank"], region_code="330203000000"
    )
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/registry/persons")
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "该客户端未获授权：registry:read",
    }


def test_a_wrong_token_gets_the_error_shape(db: None) -> None:
    response = Client(HTTP_AUTHORIZATION="Bearer mz_nonsense").get("/api/v1/registry/persons")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized" and "令牌" in response.json()["message"]


def test_bad_parameters_get_a_chinese_message(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    response = client.get("/api/v1/registry/persons", {"limit": "many"})
    assert response.status_code == 400
    assert (
        response.json()["code"] == "invalid_request"
        and "请求参数有误" in response.json()["message"]
    )


def test_another_regions_record_is_not_found_not_forbidden(
    household_li_three_members: Any, caseworker_xiaying: Any
) -> None:
    client = Client()
    client.force_login(caseworker_xiaying)
    response = client.get(f"/api/v1/registry/persons/{household_li_three_members.head.pk}")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "记录不存在或不在您的管辖范围内"}


def test_healthz_reports_the_database(db: None) -> None:
    assert Client().get("/healthz").json() == {"status": "ok", "database": "ok"}
