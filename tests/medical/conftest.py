"""A hospital in 海曙 with its own client, the parameter catalogue loaded, and patients by category."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from minzheng.api.actions import do_create_api_client
from minzheng.assistance.actions import do_load_parameter_catalog
from minzheng.medical.actions import do_register_hospital
from minzheng.medical.queries import clear_parameter_cache
from minzheng.registry.models import IdentityTag

LI_JIANGUO = "330203195001011238"  # 特困 (tag)
WANG_XIUYING = "330203195203152346"  # 低保 (tag)
LI_MING = "330203198006204438"  # no category
ZHOU_HAIYAN = "330227197809123320"  # 低边 (tag), 鄞州


def tag(person: Any, code: str, since: date = date(2020, 1, 1)) -> None:
    IdentityTag.objects.create(
        person=person, tag=code, source="测试", valid_from=since, region_id=person.region_id
    )


@pytest.fixture
def parameters(db: None) -> None:
    do_load_parameter_catalog()
    clear_parameter_cache()


@pytest.fixture
def patients(household_li_three_members: Any, household_zhou_yinzhou: Any, parameters: None) -> Any:
    from minzheng.registry.models import Person

    people = {p.name: p for p in Person.objects.all()}
    tag(people["李建国"], "tekun")
    tag(people["王秀英"], "dibao")
    tag(people["周海燕"], "dibian")
    return people


@pytest.fixture
def hospital_token(regions: None) -> str:
    _, token = do_create_api_client(
        None, name="宁波市第一医院", scopes=["medical:settle"], region_code="330203000000"
    )
    do_register_hospital(
        None,
        code="H33020301",
        name="宁波市第一医院",
        region_code="330203000000",
        client_name="宁波市第一医院",
    )
    return token


@pytest.fixture
def hospital(hospital_token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {hospital_token}")


def body(
    claim_id: str = "ZY2024-0001", id_number: str = WANG_XIUYING, **over: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "hospital_code": "H33020301",
        "claim_id": claim_id,
        "id_number": id_number,
        "visit_kind": "inpatient",
        "admitted_on": "2024-05-10",
        "discharged_on": "2024-05-20",
        "total_cost": "10000.00",
        "compliant_cost": "9000.00",
        "basic_insurance_paid": "4000.00",
        "critical_illness_paid": "1000.00",
        "other_paid": "500.00",
    }
    data.update(over)
    return data


def post(client: Client, data: dict[str, Any]) -> Any:
    return client.post("/api/v1/medical/settlements", data, content_type="application/json")


def in_threads(work: list[Callable[[], Any]]) -> list[Any]:
    """Run each callable on its own thread at once, each closing its own connections; the answers in order."""
    results: list[Any] = [None] * len(work)

    def run(i: int) -> None:
        try:
            results[i] = work[i]()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results
