"""Importing households from the Excel template: good rows kept, bad ones reported, idempotent."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from minzheng.core.errors import ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.registry.imports import import_households
from minzheng.registry.models import Household, Membership, Person, PersonVersion
from minzheng.registry.template import HEADERS, template_bytes

FUHU = "330203001001"  # a community of 南门街道, 海曙区
XIAYING = "330212003001"  # a community of 下应街道, 鄞州区


def member(key: str, relation: str, name: str, id_number: str, **extra: str) -> list[str]:
    values = {
        "户编号": key,
        "与户主关系": relation,
        "姓名": name,
        "身份证号": id_number,
        "手机号": extra.get("phone", ""),
        "村社区代码": extra.get("village", FUHU),
        "地址": extra.get("address", "海曙区南门街道福湖社区解放南路12号"),
        "户口性质": extra.get("hukou", "城镇"),
        "残疾类别": extra.get("category", ""),
        "残疾等级": extra.get("grade", ""),
        "劳动能力": extra.get("labour", ""),
        "重特大疾病": extra.get("illness", ""),
    }
    return [values[h] for h in HEADERS]


def sheet(*rows: list[str]) -> io.BytesIO:
    book = Workbook()
    data = book.active
    assert data is not None
    data.append(list(HEADERS))
    for row in rows:
        data.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


CHEN_FAMILY = (
    member("A", "户主", "陈国平", "330203196203153319", phone="13912345678"),
    member("A", "配偶", "张美娟", "330203196508204420", category="肢体残疾", grade="3"),
    member("A", "子女", "陈浩然", "330203201001014410", illness="白血病"),
)
WU_FAMILY = (member("B", "户主", "吴建华", "33020419700101221X", address="福湖社区8号"),)


def counts() -> tuple[int, int, int, int, int]:
    return (
        Person.objects.count(),
        Household.objects.count(),
        Membership.objects.count(),
        PersonVersion.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_template_keeps_its_examples_on_a_sheet_the_importer_never_reads(
    caseworker_nanmen: Any,
) -> None:
    book = load_workbook(io.BytesIO(template_bytes()))
    assert book.sheetnames == ["家庭户和成员", "填写示例（不导入）", "填写说明"]
    assert [c.value for c in book.worksheets[0][1]] == list(HEADERS)
    assert [
        row[2] for row in book["填写示例（不导入）"].iter_rows(min_row=2, values_only=True)
    ] == [
        "张三",
        "李四",
    ]
    assert book.worksheets[0].max_row == 2000 or all(
        v is None for row in book.worksheets[0].iter_rows(min_row=2, values_only=True) for v in row
    )
    result = import_households(caseworker_nanmen, io.BytesIO(template_bytes()))
    assert (result.households_created, result.persons_created) == (0, 0)
    assert not Person.objects.filter(name__in=["张三", "李四"]).exists()


def test_a_filled_in_template_imports_its_rows_and_never_the_examples(
    caseworker_nanmen: Any,
) -> None:
    book = load_workbook(io.BytesIO(template_bytes()))
    data = book.worksheets[0]
    for source, target in zip(
        book["填写示例（不导入）"].iter_rows(min_row=2, values_only=True), (2, 3), strict=True
    ):
        for col, value in enumerate(source, start=1):
            data.cell(row=target, column=col, value=value)
    data.cell(row=2, column=3, value="周大海")
    data.cell(row=3, column=3, value="吴小梅")
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    result = import_households(caseworker_nanmen, buffer)
    assert result.errors == [] and (result.households_created, result.persons_created) == (1, 2)
    assert sorted(Person.objects.values_list("name", flat=True)) == ["吴小梅", "周大海"]


def test_good_households_are_written_with_sealed_numbers_and_an_audit_trail(
    caseworker_nanmen: Any,
) -> None:
    result = import_households(caseworker_nanmen, sheet(*CHEN_FAMILY, *WU_FAMILY))
    assert result.errors == []
    assert (result.households_created, result.persons_created) == (2, 4)
    chen = Person.objects.get(name="陈国平")
    assert chen.id_number_plain() == "330203196203153319" and chen.phone_plain() == "13912345678"
    assert chen.sex == "男" and str(chen.birth_date) == "1962-03-15"
    household = Household.objects.get(head=chen)
    relations = sorted(m.relationship for m in household.memberships.all())
    assert relations == ["child", "head", "spouse"]
    wife = Person.objects.get(name="张美娟")
    assert (wife.disability_category, wife.disability_grade) == ("physical", 3)
    assert Person.objects.get(name="陈浩然").serious_illnesses == ["白血病"]
    created = AuditEvent.objects.filter(action="create", object_type="person")
    assert created.count() == 4 and {e.actor_name for e in created} == {"caseworker_nanmen"}
    assert PersonVersion.objects.filter(person=chen).count() == 1


def test_bad_rows_are_reported_with_row_column_and_reason_and_good_ones_kept(
    caseworker_nanmen: Any,
) -> None:
    bad_id = member("C", "户主", "赵敏", "330203198001011235")  # wrong check digit
    bad_phone = member("D", "户主", "孙强", "330203198502023310", phone="1391234")
    result = import_households(caseworker_nanmen, sheet(*CHEN_FAMILY, bad_id, bad_phone))
    assert result.households_created == 1 and result.persons_created == 3
    errors = {(e.row, e.column) for e in result.errors}
    assert errors == {(5, "身份证号"), (6, "手机号")}
    reasons = {e.row: e.reason for e in result.errors}
    assert "校验码" in reasons[5] and "11位" in reasons[6]
    report = load_workbook(io.BytesIO(result.error_report())).worksheets[0]
    lines = [[c.value for c in row] for row in report.iter_rows()]
    assert lines[0] == ["行号", "列", "原因"] and [line[0] for line in lines[1:]] == [5, 6]


def test_a_household_with_one_bad_row_is_refused_whole_and_its_other_rows_say_why(
    caseworker_nanmen: Any,
) -> None:
    family = [*CHEN_FAMILY]
    family[2] = member("A", "子女", "陈浩然", "330203201001014410", grade="5")
    result = import_households(caseworker_nanmen, sheet(*family, *WU_FAMILY))
    assert result.households_created == 1 and not Person.objects.filter(name="陈国平").exists()
    by_row = {e.row: e for e in result.errors}
    assert by_row[4].column == "残疾等级"
    assert by_row[2].column == "户编号" and "第4行" in by_row[2].reason
    assert by_row[3].reason == by_row[2].reason


def test_a_second_import_of_the_same_sheet_changes_nothing(caseworker_nanmen: Any) -> None:
    import_households(caseworker_nanmen, sheet(*CHEN_FAMILY, *WU_FAMILY))
    before = counts()
    again = import_households(caseworker_nanmen, sheet(*CHEN_FAMILY, *WU_FAMILY))
    assert again.errors == [] and again.persons_created == again.persons_updated == 0
    assert counts() == before


def test_a_changed_row_updates_the_person_instead_of_adding_one(caseworker_nanmen: Any) -> None:
    import_households(caseworker_nanmen, sheet(*CHEN_FAMILY))
    changed = [*CHEN_FAMILY]
    changed[0] = member("X", "户主", "陈国平", "330203196203153319", phone="13700000000")
    result = import_households(caseworker_nanmen, sheet(*changed))
    assert result.persons_updated == 1 and result.persons_created == 0
    assert Person.objects.filter(name="陈国平").count() == 1
    assert Person.objects.get(name="陈国平").phone_plain() == "13700000000"
    event = AuditEvent.objects.filter(action="update", object_type="person").get()
    assert "13700000000" not in str(event.after)  # history and audit keep masked numbers only


def test_rows_outside_the_importers_region_are_refused(caseworker_nanmen: Any) -> None:
    outside = member("E", "户主", "周海燕", "330227197809123320", village=XIAYING)
    result = import_households(caseworker_nanmen, sheet(outside, *WU_FAMILY))
    assert [(e.row, e.column) for e in result.errors] == [(2, "村社区代码")]
    assert "不在您的管辖范围内" in result.errors[0].reason
    assert not Person.objects.filter(name="周海燕").exists()


def test_adding_a_member_to_an_existing_household_needs_a_change_request(
    caseworker_nanmen: Any,
) -> None:
    import_households(caseworker_nanmen, sheet(*CHEN_FAMILY[:2]))
    result = import_households(caseworker_nanmen, sheet(*CHEN_FAMILY))
    assert {e.row for e in result.errors} == {2, 3, 4}
    assert "变更申请" in result.errors[0].reason


def test_a_file_without_the_template_header_is_refused(caseworker_nanmen: Any) -> None:
    book = Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with pytest.raises(ValidationFailed, match="表头缺少列"):
        import_households(caseworker_nanmen, buffer)


def test_the_household_list_offers_import_and_the_template_and_the_menu_has_the_import(
    caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    from django.test import Client

    from tests.conftest import PASSWORD

    client = Client()
    assert client.login(username=caseworker_nanmen.username, password=PASSWORD)
    page = client.get("/registry/households/").content.decode()
    assert (
        'id="household-import">导入</a>' in page and 'id="household-template">下载模板</a>' in page
    )
    assert '<a href="/registry/import/">家庭户导入</a>' in page
    template = client.get("/registry/import/template.xlsx")
    assert load_workbook(io.BytesIO(template.content)).sheetnames[1] == "填写示例（不导入）"
    reader = Client()
    assert reader.login(username=approver_haishu.username, password=PASSWORD)
    assert "household-import" not in reader.get("/registry/households/").content.decode()


def test_a_workbook_over_the_row_limit_is_refused_before_anything_is_written(
    caseworker_nanmen: Any, settings: Any
) -> None:
    settings.IMPORT_MAX_ROWS = 3
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        import_households(caseworker_nanmen, sheet(*CHEN_FAMILY, *WU_FAMILY))
    assert refused.value.code == "too_many_rows"
    assert "最多 3 行" in refused.value.message
    assert counts() == before
    # At the limit it imports.
    assert import_households(caseworker_nanmen, sheet(*CHEN_FAMILY)).households_created == 1
