"""`minzheng link`: multi-identity recognition over a CSV of department records.

    minzheng link --input records.csv --output clusters.csv [--threshold 0.95]
    minzheng link-registry        # the registry and departments' records, review queue filled

The input has the columns record_id, source, name, id_number, birth_date, sex, phone, address
(any of the last six may be empty); the output maps every record_id to a person_id.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from minzheng.core.cells import neutralise
from minzheng.core.errors import ValidationFailed
from minzheng.core.inputs import check_writable, read_text_file
from minzheng.linkage.engine import (
    DEFAULT_REVIEW_BAND,
    DEFAULT_THRESHOLD,
    STAGES,
    link_records,
)
from minzheng.linkage.normalize import RECORD_COLUMNS


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "link",
        help="多重身份识别：找出指向同一人的记录",
        description="读取各部门人员记录（CSV），输出每条记录所属的人员编号。",
    )
    parser.add_argument("--input", required=True, type=Path, help="输入 CSV 文件")
    parser.add_argument("--output", required=True, type=Path, help="输出 CSV：record_id, person_id")
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"自动归并的匹配概率下限（默认 {DEFAULT_THRESHOLD}）",
    )
    parser.add_argument(
        "--review-band",
        type=float,
        nargs=2,
        metavar=("LOW", "HIGH"),
        default=DEFAULT_REVIEW_BAND,
        help="送人工判定的匹配概率区间 [LOW, HIGH)",
    )
    parser.add_argument("--review-output", type=Path, help="可选：疑似同一人记录对输出 CSV")
    parser.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--encoding", help="输入文件编码（默认自动识别 UTF-8 / GB18030）")
    parser.set_defaults(func=handler, needs_django=False)
    registry = subparsers.add_parser(
        "link-registry",
        help="多重身份识别：登记人员与各部门记录，存疑的送人工判定",
        description="对全部登记人员和部门记录运行多重身份识别：已判定的结论作为固定关联/禁止关联，"
        "存疑记录对作为疑似同一人待人工判定，能唯一归属的部门记录自动关联到人员。",
    )
    registry.set_defaults(func=registry_handler, needs_django=True)


def registry_handler(args: argparse.Namespace) -> int:
    from minzheng.linkage.actions import do_run_linkage

    run = do_run_linkage(None)
    print(
        f"{run.records} 条记录；新增疑似同一人 {run.pairs_queued} 对；关联部门记录 {run.records_linked} 条",
        file=sys.stderr,
    )
    return 0


def read_records(path: Path, encoding: str | None = None) -> pd.DataFrame:
    """Read the input CSV as text (ID numbers must not become floats), empty cells as missing.

    UTF-8, UTF-8 with BOM or GB18030 (or `encoding`); a missing file, a directory, binary or
    ragged input is a ValidationFailed with a Chinese message.
    """
    if not path.exists():
        raise ValidationFailed(f"找不到输入文件：{path}", code="link_input_missing")
    text = read_text_file(path, encoding=encoding, label="输入文件")
    _refuse_ragged(text)
    try:
        records = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        raise ValidationFailed(f"输入文件是空的：{path}", code="file_empty") from None
    except (pd.errors.ParserError, csv.Error) as exc:
        raise ValidationFailed(
            f"输入文件不是规整的 CSV（各行列数应与表头一致）：{str(exc)[:200]}",
            code="link_csv_ragged",
        ) from None
    if records.empty:
        raise ValidationFailed(f"输入文件只有表头，没有记录：{path}", code="file_empty")
    missing = [column for column in RECORD_COLUMNS if column not in records.columns]
    if missing:
        raise ValidationFailed(f"输入文件缺少列：{'、'.join(missing)}", code="link_columns_missing")
    if records["record_id"].isna().any():
        rows = (records.index[records["record_id"].isna()] + 2).tolist()[:10]
        raise ValidationFailed(f"record_id 不能为空（第 {rows} 行）", code="link_record_id_empty")
    duplicated = records["record_id"][records["record_id"].duplicated()].unique().tolist()[:10]
    if duplicated:
        raise ValidationFailed(f"record_id 重复：{duplicated}", code="link_record_id_duplicated")
    return records


def _refuse_ragged(text: str) -> None:
    """pandas quietly turns a row with extra cells into an index; refuse it with its line."""
    try:
        lines = csv.reader(io.StringIO(text))
        header = next(lines, [])
        for number, cells in enumerate(lines, start=2):
            if cells and len(cells) != len(header):
                raise ValidationFailed(
                    f"输入文件不是规整的 CSV：第 {number} 行有 {len(cells)} 列，表头有 {len(header)} 列",
                    code="link_csv_ragged",
                )
    except csv.Error as exc:
        raise ValidationFailed(f"输入文件不是规整的 CSV：{exc}", code="link_csv_ragged") from None


def handler(args: argparse.Namespace) -> int:
    try:
        check_writable(args.output)
        if args.review_output is not None:
            check_writable(args.review_output)
        records = read_records(args.input, args.encoding)
        low, high = args.review_band
        if not 0.0 <= low <= args.threshold <= high <= 1.0:
            raise ValidationFailed(
                "需满足 0 ≤ 复核下限 ≤ 归并阈值 ≤ 复核上限 ≤ 1", code="link_threshold_invalid"
            )
        if len(records) < 2:
            raise ValidationFailed(
                f"输入文件只有 {len(records)} 条记录，至少需要两条才能比对", code="too_few_records"
            )
    except ValidationFailed as error:
        print(error.message, file=sys.stderr)
        return 2

    with tqdm(total=len(STAGES), desc="多重身份识别", unit="阶段", file=sys.stderr) as bar:

        def advance(stage: str) -> None:
            bar.set_postfix_str(stage)
            bar.update(1)

        try:
            result = link_records(
                records,
                threshold=args.threshold,
                review_band=(low, high),
                backend=args.backend,
                on_stage_done=advance,
            )
        except ZeroDivisionError:
            # Splink's training divides by the number of sampled pairs (see do_run_linkage).
            print("错误：记录太少或彼此毫无共同信息，无法训练比对模型", file=sys.stderr)
            return 2

    result.clusters[["record_id", "person_id"]].to_csv(args.output, index=False)
    if args.review_output is not None:
        # The review file is opened by people in a spreadsheet: names must not run as formulas.
        result.review.map(neutralise).to_csv(args.review_output, index=False)
    persons = result.clusters["person_id"].nunique()
    print(
        f"{len(records)} 条记录 → {persons} 人；待人工判定 {len(result.review)} 对",
        file=sys.stderr,
    )
    return 0
