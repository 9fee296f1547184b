"""两线合一: a 低收入农户 roster is matched into the registry, reported, and idempotent."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from minzheng.core.idnumber import check_digit
from minzheng.linkage.merge_import import HEADERS, ROSTER_SOURCE, import_roster
from minzheng.linkage.models import CandidatePair, SourceRecord
from minzheng.registry.models import IdentityTag, Person

TODAY = date(2026, 1, 1)
ZHANG_SAN_17 = "33020319700707123"
ZHANG_SAN_ID = ZHANG_SAN_17 + check_digit(ZHANG_SAN_17)


def _roster(*rows: tuple[str, ...]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ROSTER = _roster(
    # 李建国: his ID number is in the registry.
    ("李建国", "330203195001011238", "福湖社区解放南路12号", "3", "21000", "", "", ""),
    # 张三: a valid number nobody registered.
    ("张三", ZHANG_SAN_ID, "福湖社区解放南路40号", "2", "15000", "", "", ""),
    # 王秀英: no ID number; name, birth date and address point at the registered 王秀英.
    ("王秀英", "", "海曙区南门街道福湖社区解放南路12号", "3", "21000", "1952-03-15", "女", ""),
    # A household size nobody can read.
    ("赵六", "", "福湖社区", "三口", "9000", "", "", ""),
)


def _counts() -> tuple[int, int, int, int]:
    return (
        Person.objects.count(),
        IdentityTag.objects.count(),
        SourceRecord.objects.count(),
        CandidatePair.objects.count(),
    )


@pytest.mark.django_db
def test_the_roster_reports_matched_new_and_doubtful_rows(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    li = household_li_three_members.head
    wang = Person.objects.get(name="王秀英")

    imported = import_roster(
        caseworker_nanmen, io.BytesIO(ROSTER), filename="低收入农户.xlsx", today=TODAY
    )

    report = imported.report
    assert [(r["name"], r["person_id"]) for r in report["matched"]] == [("李建国", li.pk)]
    assert [r["name"] for r in report["new"]] == ["张三"]
    assert [(r["name"], r["person_id"]) for r in report["doubtful"]] == [("王秀英", wang.pk)]
    assert [(r["row"], r["note"]) for r in report["error"]] == [(5, "家庭人口：应为正整数（三口）")]
    tag = IdentityTag.objects.get(person=li, tag="dibian")
    assert (tag.source, tag.valid_from, tag.region_id) == (ROSTER_SOURCE, TODAY, "330203001001")
    assert not Person.objects.filter(name="张三").exists()
    pair = CandidatePair.objects.get(status="pending")
    assert pair.left_key == f"P{wang.pk}"
    assert pair.evidence["right"]["来源"] == "两线合一"
    assert SourceRecord.objects.get(pk=int(pair.right_key[1:])).identity == "dibian"


@pytest.mark.django_db
def test_importing_the_same_roster_twice_changes_nothing_the_second_time(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    first = import_roster(caseworker_nanmen, io.BytesIO(ROSTER), today=TODAY)
    after_first = _counts()

    second = import_roster(caseworker_nanmen, io.BytesIO(ROSTER), today=TODAY)

    assert _counts() == after_first
    assert (first.report["tags_created"], second.report["tags_created"]) == (1, 0)
    assert (second.report["records_created"], second.report["pairs_created"]) == (0, 0)
    for outcome in ("matched", "new", "doubtful", "error"):
        assert [r["name"] for r in second.report[outcome]] == [
            r["name"] for r in first.report[outcome]
        ]


@pytest.mark.django_db
def test_the_report_page_and_sheet_list_every_row(
    household_li_three_members: Any, caseworker_nanmen: Any, assistant_fuhu: Any
) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    upload = io.BytesIO(ROSTER)
    upload.name = "低收入农户.xlsx"

    response = client.post("/linkage/roster/", {"file": upload})

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "已匹配（1）" in page and "登记中未找到（1）" in page and "存疑待判定（1）" in page
    sheet = client.get(response["Location"] + "download/")
    rows = list(load_workbook(io.BytesIO(sheet.content)).worksheets[0].iter_rows(values_only=True))
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
        (2, "已匹配", "李建国"),
        (3, "登记中未找到", "张三"),
        (4, "存疑待判定", "王秀英"),
        (5, "错误", "赵六"),
    ]
    # The report names people: nobody else opens it.
    other = Client()
    other.force_login(assistant_fuhu)
    assert other.get(response["Location"]).status_code == 404


@pytest.mark.django_db
def test_the_import_page_documents_the_columns_and_the_menu_links_to_it(
    caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    page = client.get("/linkage/roster/").content.decode()
    assert all(header in page for header in HEADERS)
    home = client.get("/").content.decode()
    assert "/linkage/roster/" in home and "/linkage/candidates/" in home
    approver = Client()
    approver.force_login(approver_haishu)
    # County approvers decide pairs but do not import rosters.
    assert approver.get("/linkage/roster/").status_code == 403
    assert "/linkage/roster/" not in approver.get("/").content.decode()


@pytest.mark.django_db
def test_the_dibian_income_and_asset_tests_apply_before_tagging(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    """两线合一 is a rule: 1.5 × 750 × 3 = 3,375 元 a month is the line for 李's household of 3."""
    from decimal import Decimal

    from minzheng.assistance.actions import do_record_asset

    li = household_li_three_members.head
    above = _roster(("李建国", "330203195001011238", "福湖社区", "3", "40560", "", "", ""))
    imported = import_roster(caseworker_nanmen, io.BytesIO(above), today=TODAY)
    refused = imported.report["refused"]
    assert [(r["name"], r["person_id"]) for r in refused] == [("李建国", li.pk)]
    assert "3380.00 元超过低边收入线 1.5 × 750 × 3 = 3375.00 元" in refused[0]["note"]
    assert not IdentityTag.objects.filter(person=li, tag="dibian").exists()

    # below the income line, but the registry records a car: the asset test refuses too
    do_record_asset(
        caseworker_nanmen,
        household_li_three_members,
        kind="vehicle",
        vehicle_kind="car",
        valid_from=date(2020, 1, 1),
    )
    below = _roster(("李建国", "330203195001011238", "福湖社区", "3", "40500", "", "", ""))
    imported = import_roster(caseworker_nanmen, io.BytesIO(below), today=TODAY)
    assert [r["name"] for r in imported.report["refused"]] == ["李建国"]
    assert (
        "自用机动车" in imported.report["refused"][0]["note"]
        or "车" in (imported.report["refused"][0]["note"])
    )
    assert not IdentityTag.objects.filter(person=li, tag="dibian").exists()
    assert Decimal("40500") / 12 <= Decimal("3375")
