"""Bringing a bureau's recipients over: the next roll equals the old system's, line for line."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from minzheng.adoption.actions import do_import_legacy
from minzheng.adoption.exporter import export_legacy
from minzheng.adoption.formats import read_folder, read_legacy
from minzheng.adoption.models import LegacyPayment, MigrationKey, MigrationReview
from minzheng.assistance.actions import do_enrol, do_load_parameter_catalog, do_start_gradual_exit
from minzheng.assistance.models import Enrolment
from minzheng.cli import main
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions.accounts import _new_account
from minzheng.payments.jobs import run_roll
from minzheng.payments.models import PaymentLine
from minzheng.regions.loader import load_divisions
from minzheng.regions.models import Region
from minzheng.registry.models import Household, Person
from tests.conftest import _household

HAISHU = "330203000000"


def _lines(roll: Any) -> set[tuple[str, str, str, str, int]]:
    return {
        (
            line.payee.id_number_plain(),
            line.programme,
            line.month.strftime("%Y-%m"),
            line.kind,
            line.amount_fen,
        )
        for line in PaymentLine.objects.filter(roll=roll).select_related("payee")
    }


def _haishu_recipients() -> None:
    """Three households of 海曙: 低保 at 600, 特困 for one person at 1,185, 低保 in 渐退."""
    li = _household(
        "330203001001",
        "海曙区南门街道福湖社区解放南路12号",
        [
            ("李建国", "330203195001011238", "head", date(1950, 1, 1), "13805741234"),
            ("王秀英", "330203195203152346", "spouse", date(1952, 3, 15), ""),
        ],
    )
    chen = _household(
        "330203001001",
        "海曙区南门街道福湖社区柳汀街3号",
        [("陈阿大", "33020319480506121X", "head", date(1948, 5, 6), "")],
    )
    wu = _household(
        "330203001001",
        "海曙区南门街道福湖社区开明街7号",
        [
            ("吴小红", "330203198507080023", "head", date(1985, 7, 8), ""),
            ("吴乐", "330203201203040019", "child", date(2012, 3, 4), ""),
        ],
    )
    do_enrol(
        None, household=li, programme="dibao", start=YearMonth(2026, 1), amount=Decimal("600.00")
    )
    do_enrol(
        None,
        household=chen,
        person=chen.head,
        programme="tekun",
        start=YearMonth(2025, 6),
        amount=Decimal("1185.00"),
        care_level="partial",
    )
    gradual = do_enrol(
        None, household=wu, programme="dibao", start=YearMonth(2025, 3), amount=Decimal("420.50")
    )
    do_start_gradual_exit(None, gradual, until=YearMonth(2027, 2), reason="就业后收入增加")
    for household in (li, chen, wu):
        _new_account(
            person=household.head,
            holder_name=household.head.name,
            bank_name="宁波银行",
            number="6222001234" + str(household.pk).zfill(6),
        )


def _wipe() -> None:
    """An empty platform: the same database, flushed, with divisions and parameters again."""
    call_command("flush", interactive=False, verbosity=0)
    load_divisions()
    do_load_parameter_catalog(None)


@pytest.mark.django_db(transaction=True)
def test_the_next_roll_after_import_equals_the_old_systems_line_for_line(
    regions: None, tmp_path: Path
) -> None:
    do_load_parameter_catalog(None)
    _haishu_recipients()
    run_roll(HAISHU, YearMonth(2026, 9))
    last_legacy = run_roll(HAISHU, YearMonth(2026, 10)).roll
    expected_next = _lines(run_roll(HAISHU, YearMonth(2026, 11)).roll)
    legacy_last = _lines(last_legacy)
    assert len(expected_next) == 3
    counts = export_legacy(Region.objects.get(pk=HAISHU), YearMonth(2026, 10), tmp_path / "legacy")
    assert counts == {
        "households": 3,
        "members": 5,
        "enrolments": 3,
        "bank_accounts": 3,
        "payments": 6,  # two months of three recipients
    }

    _wipe()
    assert Person.objects.count() == 0
    files = read_folder(tmp_path / "legacy", encoding=None, mapping={})
    batch = do_import_legacy(None, files, dry_run=False, region_code=HAISHU)
    assert batch.report["errors"] == []
    assert batch.report["written"]["households"] == 3
    assert batch.report["written"]["accounts"] == 3
    assert LegacyPayment.objects.count() == 6
    gradual = Enrolment.objects.get(status=Enrolment.Status.GRADUAL_EXIT)
    assert gradual.end_month == date(2027, 3, 1)

    imported_next = _lines(run_roll(HAISHU, YearMonth(2026, 11)).roll)
    assert imported_next == expected_next
    # …and, nothing having changed since, the old system's last roll moved on by one month.
    assert {(p, g, "2026-11", k, a) for p, g, _, k, a in legacy_last} == imported_next

    again = do_import_legacy(None, files, dry_run=False, region_code=HAISHU)
    assert again.report["written"]["households"] == 0
    assert again.report["written"]["skipped_households"] == 3
    assert Household.objects.count() == 3
    assert LegacyPayment.objects.count() == 6
    assert run_roll(HAISHU, YearMonth(2026, 11)).inserted == 0


def _write_csv(folder: Path, table: str, rows: list[list[str]], encoding: str = "utf-8") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{table}.csv").open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream).writerows(rows)


def _bad_export(folder: Path) -> None:
    _write_csv(
        folder,
        "households",
        [
            ["household_no", "village_code", "address"],
            ["A1", "330203001001", "福湖社区解放南路1号"],
            ["A2", "330203001001", "福湖社区解放南路2号"],
            ["A3", "999999999999", "不存在的村"],
        ],
    )
    _write_csv(
        folder,
        "members",
        [
            ["household_no", "name", "id_number", "relationship", "phone", "monthly_income"],
            ["A1", "赵一", "330203195001011238", "户主", "", ""],
            ["A2", "钱二", "330203195001011239", "户主", "", ""],  # wrong check digit
            ["A3", "孙三", "33020319480506121X", "户主", "", ""],
        ],
    )
    _write_csv(
        folder,
        "enrolments",
        [
            ["household_no", "programme", "monthly_amount", "start_month"],
            ["A1", "低保", "600.00", "2026-01"],
            ["A2", "低保", "1e30", "2026-13"],
        ],
    )
    _write_csv(
        folder,
        "payments",
        [
            ["household_no", "programme", "month", "amount", "status"],
            ["A1", "低保", "2026-10", "600.00", "已发放"],
            ["A1", "低保", "2026-09", "600.00", "不知道"],
            ["A2", "低保", "2026-10", "600.00", "已发放"],
        ],
    )


@pytest.mark.django_db
def test_a_dry_run_reports_every_bad_row_and_the_totals_and_writes_nothing(
    regions: None, tmp_path: Path
) -> None:
    do_load_parameter_catalog(None)
    _bad_export(tmp_path)
    batch = do_import_legacy(
        None, read_folder(tmp_path, encoding=None, mapping={}), dry_run=True, region_code=HAISHU
    )
    errors = {(e["file"], e["row"], e["column"]) for e in batch.report["errors"]}
    assert errors == {
        ("households", 4, "village_code"),
        ("members", 3, "id_number"),
        ("enrolments", 3, "monthly_amount"),
        ("enrolments", 3, "start_month"),
        ("members", 4, "household_no"),
        ("payments", 3, "status"),
        ("payments", 4, "household_no"),
    }
    reasons = {e["reason"] for e in batch.report["errors"]}
    assert "发放状态应为 已发放 或 失败" in reasons
    assert "所属家庭未导入" in reasons
    totals = batch.report["would_create"]
    assert totals["households"] == 1
    assert totals["by_county"] == [
        {"county": "海曙区", "programme": "dibao", "enrolments": 1, "monthly_amount": "600.00"}
    ]
    assert totals["by_month"] == [
        {"month": "2026-10", "programme": "dibao", "payments": 1, "amount": "600.00"}
    ]
    assert Household.objects.count() == 0
    assert MigrationKey.objects.count() == 0


@pytest.mark.django_db
def test_a_bureaus_own_column_names_and_gbk_files_are_read_through_a_mapping(
    regions: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    do_load_parameter_catalog(None)
    folder = tmp_path / "export"
    _write_csv(
        folder,
        "households",
        [["户编号", "村社区代码", "住址"], ["B1", "330203001001", "福湖社区柳汀街9号"]],
        "gb18030",
    )
    _write_csv(
        folder,
        "members",
        [
            ["户编号", "姓名", "公民身份号码", "与户主关系"],
            ["B1", "周六", "33020319480506121X", "户主"],
        ],
        "gb18030",
    )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "households": {
                    "户编号": "household_no",
                    "村社区代码": "village_code",
                    "住址": "address",
                },
                "members": {
                    "户编号": "household_no",
                    "姓名": "name",
                    "公民身份号码": "id_number",
                    "与户主关系": "relationship",
                },
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    code = main(["legacy", "import", str(folder), "--mapping", str(mapping), "--region", HAISHU])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["written"]["households"] == 1
    assert Person.objects.get().name == "周六"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["legacy", "import", "/nonexistent/legacy.zip"], "无法读取"),
        (
            [
                "legacy",
                "export",
                "--region",
                "330203",
                "--through",
                "2026-13",
                "--output",
                "/tmp/x",
            ],
            "无效",
        ),
    ],
)
def test_bad_cli_input_gets_a_chinese_error_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str], regions: None
) -> None:
    assert main(args) == 2
    assert message in capsys.readouterr().err


@pytest.mark.django_db
def test_a_mapping_to_an_unknown_column_is_refused(
    regions: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"members": {"姓名": "full_name"}}), encoding="utf-8")
    assert main(["legacy", "import", str(tmp_path), "--mapping", str(mapping)]) == 2
    assert "没有标准列 full_name" in capsys.readouterr().err


@pytest.mark.django_db
def test_an_amount_the_rules_dispute_is_kept_and_queued_with_both_figures(
    regions: None, tmp_path: Path
) -> None:
    do_load_parameter_catalog(None)
    _write_csv(
        tmp_path,
        "households",
        [["household_no", "village_code", "address"], ["C1", "330203001001", "福湖社区1号"]],
    )
    _write_csv(
        tmp_path,
        "members",
        [
            ["household_no", "name", "id_number", "relationship", "monthly_income"],
            ["C1", "冯七", "33020319480506121X", "户主", "100000.00"],
        ],
    )
    _write_csv(
        tmp_path,
        "enrolments",
        [
            ["household_no", "programme", "monthly_amount", "start_month"],
            ["C1", "低保", "555.55", "2026-01"],
        ],
    )
    batch = do_import_legacy(
        None, read_folder(tmp_path, encoding=None, mapping={}), dry_run=False, region_code=HAISHU
    )
    assert batch.report["written"]["reviews"] == 1
    review = MigrationReview.objects.get()
    assert review.imported_amount == Decimal("555.55")
    assert review.rule_eligible is False
    assert review.rule_amount == Decimal("0")
    # Nothing re-evaluated silently: the imported amount is what the enrolment pays.
    assert review.enrolment.amounts.get().amount == Decimal("555.55")


@pytest.mark.django_db
def test_the_county_approver_uploads_a_workbook_and_decides_a_review_in_the_browser_pages(
    approver_haishu: Any, caseworker_nanmen: Any, tmp_path: Path
) -> None:
    from django.test import Client
    from openpyxl import Workbook

    from tests.conftest import PASSWORD

    do_load_parameter_catalog(None)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "households"
    sheet.append(["household_no", "village_code", "address"])
    sheet.append(["D1", "330203001001", "福湖社区2号"])
    members = book.create_sheet("members")
    members.append(["household_no", "name", "id_number", "relationship", "monthly_income"])
    members.append(["D1", "褚八", "33020319480506121X", "户主", "50000"])
    enrolments = book.create_sheet("enrolments")
    enrolments.append(["household_no", "programme", "monthly_amount", "start_month"])
    enrolments.append(["D1", "低保", "300.00", "2026-01"])
    path = tmp_path / "legacy.xlsx"
    book.save(path)

    client = Client()
    assert client.login(username="approver_haishu", password=PASSWORD)
    with path.open("rb") as upload:
        response = client.post("/adoption/", {"file": upload, "dry_run": "1"})
    assert response.status_code == 302
    report = client.get(response["Location"]).content.decode()
    assert "可导入" in report and "家庭 1 户" in report
    assert Household.objects.count() == 0
    with path.open("rb") as upload:
        response = client.post("/adoption/", {"file": upload})
    assert "本次写入" in client.get(response["Location"]).content.decode()
    queue = client.get("/adoption/reviews/").content.decode()
    assert "褚八" in queue and "300.00" in queue
    review = MigrationReview.objects.get()
    assert (
        client.post(
            f"/adoption/reviews/{review.pk}/decide/",
            {"decision": "keep", "reason": "原系统核实无误"},
        ).status_code
        == 302
    )
    review.refresh_from_db()
    assert review.status == MigrationReview.Status.KEPT

    # A township caseworker may read the queue but neither import nor decide.
    other = Client()
    assert other.login(username="caseworker_nanmen", password=PASSWORD)
    assert other.get("/adoption/").status_code == 403
    assert "褚八" not in other.get("/adoption/reviews/?status=open").content.decode()


@pytest.mark.django_db
def test_a_file_that_is_not_a_workbook_or_zip_is_refused(regions: None) -> None:
    from minzheng.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        read_legacy("x.xlsx", b"<html><script>alert(1)</script>", mapping={})
    assert refused.value.code == "bad_file"


@pytest.mark.django_db(transaction=True)
def test_households_imported_after_the_countys_first_rolls_get_no_arrears_for_the_old_systems_months(
    regions: None, tmp_path: Path
) -> None:
    """A county already paying on the platform imports the former system's households later:
    the months the former system paid them are not paid again as arrears."""
    do_load_parameter_catalog(None)
    _haishu_recipients()
    for month in (9, 10, 11):
        run_roll(HAISHU, YearMonth(2026, month))
    export_legacy(Region.objects.get(pk=HAISHU), YearMonth(2026, 11), tmp_path / "legacy")
    _wipe()

    # The platform has paid its own 海曙 recipient since September (no November roll yet).
    native = _household(
        "330203001001",
        "海曙区南门街道福湖社区镇明路5号",
        [("孙文", "330203196001011230", "head", date(1960, 1, 1), "")],
    )
    do_enrol(
        None, household=native, programme="dibao", start=YearMonth(2026, 9), amount=Decimal("500")
    )
    _new_account(
        person=native.head, holder_name="孙文", bank_name="宁波银行", number="6222001234999999"
    )
    run_roll(HAISHU, YearMonth(2026, 9))
    run_roll(HAISHU, YearMonth(2026, 10))

    files = read_folder(tmp_path / "legacy", encoding=None, mapping={})
    batch = do_import_legacy(None, files, dry_run=False, region_code=HAISHU)
    assert batch.report["written"]["households"] == 3
    assert LegacyPayment.objects.filter(month=date(2026, 11, 1)).count() == 3

    december = run_roll(HAISHU, YearMonth(2026, 12)).roll
    lines = PaymentLine.objects.filter(roll=december, kind="benefit")
    imported = lines.exclude(payee=native.head)
    assert sorted(imported.values_list("month", "amount_fen")) == [
        (date(2026, 12, 1), 42050),
        (date(2026, 12, 1), 60000),
        (date(2026, 12, 1), 118500),
    ]
    # The platform's own recipient still gets the month no roll paid (November) as arrears.
    assert sorted(
        lines.filter(payee=native.head).values_list("month", "is_arrears", "amount_fen")
    ) == [(date(2026, 11, 1), True, 50000), (date(2026, 12, 1), False, 50000)]
