"""Collective households (集体户): drawn from the census, shown and filtered as 户别, and their
members assessed as single persons by the rules (民发〔2021〕57号 art 7: no family among them)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import numpy as np
import pytest
from django.test import Client

from minzheng.assistance import actions
from minzheng.assistance.eligibility import explain_household
from minzheng.registry.models import Household, HouseholdKind, Person
from minzheng.registry.seed import generate

from ..conftest import _household

JAN_2020 = date(2020, 1, 1)
AUG_2021 = date(2021, 8, 10)


def test_the_census_share_of_persons_lives_in_collective_households() -> None:
    data = generate(100_000, seed=2020)
    collective = data.household_kind == "collective"
    sizes = np.bincount(data.household, minlength=data.households)
    # 707,975 of 9,404,283 persons (7.53 %) in 261,322 collective households (2.71 each).
    assert int(sizes[collective].sum()) == round(100_000 * 707_975 / 9_404_283) == 7_528
    assert int(collective.sum()) == round(7_528 * 261_322 / 707_975) == 2_779
    members = collective[data.household]
    assert set(data.relationship[members].tolist()) == {"head", "other"}
    assert ((data.age[members] >= 18) & (data.age[members] < 60)).all()
    # family households keep the census's 2.21 persons each
    assert sizes[~collective].mean() == pytest.approx(2.21, abs=0.01)


@pytest.fixture
def dormitory_nanmen(caseworker_nanmen: Any, db: None) -> Household:
    """A workers' dormitory in 福湖社区: 张伟 earns 300 元, his two room-mates 5,000 each."""
    actions.do_load_parameter_catalog(None)
    household = _household(
        "330203001001",
        "海曙区南门街道福湖社区解放南路40号宿舍",
        [
            ("张伟", "330203199001011239", "head", date(1990, 1, 1), "13805740001"),
            ("陈强", "330203199102021235", "other", date(1991, 2, 2), ""),
            ("刘杰", "330203199203031231", "other", date(1992, 3, 3), ""),
        ],
    )
    household.kind = HouseholdKind.COLLECTIVE
    household.save(update_fields=["kind"])
    for name, wage in (("张伟", "300"), ("陈强", "5000"), ("刘杰", "5000")):
        actions.do_record_income(
            caseworker_nanmen,
            Person.objects.get(name=name),
            kind="wage",
            monthly_amount=Decimal(wage),
            valid_from=JAN_2020,
            source="verified",
        )
    return household


def test_a_collective_households_head_is_assessed_alone(dormitory_nanmen: Household) -> None:
    dibao = explain_household(dormitory_nanmen, AUG_2021)["decisions"][0]
    # The room-mates are no family of his (art 7): 750 − 300 = 450 for one person.
    assert (dibao["programme"], dibao["eligible"], dibao["monthly_amount"]) == (
        "dibao",
        True,
        "450.00",
    )
    counted = {line["member_id"]: line["included"] for line in dibao["membership"]}
    assert counted == {"张伟": True, "陈强": False, "刘杰": False}


def test_the_household_list_shows_and_filters_the_kind(
    dormitory_nanmen: Household, household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    page = client.get("/registry/households/").content.decode()
    assert "<th>户别</th>" in page and "集体户" in page and "家庭户" in page
    collective = client.get("/registry/households/", {"kind": "collective"}).content.decode()
    assert "张伟" in collective and "李建国" not in collective
    family = client.get("/registry/households/", {"kind": "family"}).content.decode()
    assert "李建国" in family and "张伟" not in family


def test_an_unknown_kind_is_refused_in_chinese(
    dormitory_nanmen: Household, caseworker_nanmen: Any
) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    response = client.get("/registry/households/", {"kind": "dorm"})
    assert response.status_code == 400
    assert "户别“dorm”不存在" in response.content.decode()


def test_the_household_page_and_export_carry_the_kind(
    dormitory_nanmen: Household, caseworker_nanmen: Any
) -> None:
    from openpyxl import load_workbook

    client = Client()
    client.force_login(caseworker_nanmen)
    page = client.get(f"/registry/households/{dormitory_nanmen.pk}/").content.decode()
    assert "<dt>户别</dt><dd>集体户</dd>" in page
    export = client.get("/registry/households/", {"kind": "collective", "format": "xlsx"})
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert "户别" in header
    kinds = [row[header.index("户别")] for row in rows[1:]]
    assert kinds == ["集体户"]


def test_the_api_gives_the_kind_with_its_label(
    dormitory_nanmen: Household, caseworker_nanmen: Any
) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    detail = client.get(f"/api/v1/registry/households/{dormitory_nanmen.pk}").json()
    assert (detail["kind"], detail["kind_label"]) == ("collective", "集体户")
    listed = client.get("/api/v1/registry/households").json()
    mine = next(h for h in listed if h["id"] == dormitory_nanmen.pk)
    assert (mine["kind"], mine["kind_label"]) == ("collective", "集体户")
    assert {h["kind_label"] for h in listed} <= {"家庭户", "集体户"}
