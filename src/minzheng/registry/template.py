"""The .xlsx template for importing households and members (docs/seed_and_import.md)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

SHEET_TITLE = "家庭户和成员"
# The examples live on their own sheet, which the importer never reads: a template downloaded and
# filled in cannot bring 张三 and 李四 in as real people.
EXAMPLE_SHEET_TITLE = "填写示例（不导入）"


@dataclass(frozen=True)
class TemplateColumn:
    header: str
    key: str
    required: bool
    rule: str


COLUMNS: tuple[TemplateColumn, ...] = (
    TemplateColumn("户编号", "household_key", True, "同一户的各行填同一编号，只在本表内有效"),
    TemplateColumn(
        "与户主关系",
        "relationship",
        True,
        "户主、配偶、子女、父母、孙子女、祖父母、兄弟姐妹、儿媳/女婿、其他；每户一个户主",
    ),
    TemplateColumn("姓名", "name", True, "不超过60个字"),
    TemplateColumn(
        "身份证号", "id_number", True, "18位（旧15位亦可），同一号码重复导入只更新不新增"
    ),
    TemplateColumn("手机号", "phone", False, "11位数字，可空"),
    TemplateColumn(
        "村社区代码", "village", True, "12位村（社区）区划代码，须在您的管辖范围内；同户各行相同"
    ),
    TemplateColumn("地址", "address", True, "户主行的地址作为家庭住址"),
    TemplateColumn("户口性质", "hukou_type", False, "城镇 或 农村，可空"),
    TemplateColumn(
        "残疾类别",
        "disability_category",
        False,
        "视力、听力、言语、肢体、智力、精神、多重残疾；与残疾等级同填同空",
    ),
    TemplateColumn("残疾等级", "disability_grade", False, "1至4级"),
    TemplateColumn(
        "劳动能力", "labour_capacity", False, "有劳动能力、部分丧失劳动能力、无劳动能力，可空"
    ),
    TemplateColumn("重特大疾病", "serious_illnesses", False, "多种疾病用顿号或逗号分隔，可空"),
)
HEADERS = tuple(c.header for c in COLUMNS)

EXAMPLE_ROWS: tuple[tuple[object, ...], ...] = (
    ("1", "户主", "张三", "330203195807120011", "13800000000", "330203001001",
     "海曙区南门街道福湖社区示例路1号", "城镇", "", "", "", ""),
    ("1", "配偶", "李四", "330203196003050024", "", "330203001001",
     "海曙区南门街道福湖社区示例路1号", "城镇", "肢体残疾", "3", "", ""),
)  # fmt: skip


def template_bytes(*, with_examples: bool = True) -> bytes:
    """The template workbook: the empty data sheet with its header, a sheet of examples the
    importer never reads, and a sheet explaining each column."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS):
        letter = chr(ord("A") + index)
        sheet.column_dimensions[letter].width = max(10, min(40, len(column.rule)))
        # ID and phone numbers as text, so Excel does not turn them into 3.30203E+17.
        for row in range(2, 2001):
            if column.key in {"id_number", "phone", "village", "household_key"}:
                sheet[f"{letter}{row}"].number_format = "@"
    if with_examples:
        examples = book.create_sheet(EXAMPLE_SHEET_TITLE)
        examples.append(list(HEADERS))
        for example in EXAMPLE_ROWS:
            examples.append(list(example))
    notes = book.create_sheet("填写说明")
    notes.append(["列", "必填", "规则"])
    for column in COLUMNS:
        notes.append([column.header, "是" if column.required else "否", column.rule])
    notes.append([])
    notes.append(
        [
            "说明",
            "",
            "有错误的行不导入；一户中任何一行有错，整户都不导入。错误报告列出每一行的行号、列和原因。",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
