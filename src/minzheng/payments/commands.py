"""`minzheng payments roll COUNTY MONTH`: compute a county's monthly roll (resumable, idempotent);
`export`, `import-return` and `reconcile` for bank files.

Prints one JSON line when done. Killed half-way, it can simply be run again.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("payments", help="资金发放：花名册、银行文件")
    commands = parser.add_subparsers(dest="payments_command", required=True, metavar="COMMAND")
    roll = commands.add_parser("roll", help="生成（或续算）某县某月的发放花名册，可重复执行")
    roll.add_argument("county", help="县级区划代码，6 位或 12 位，如 330203")
    roll.add_argument("month", help="发放月份 YYYY-MM")
    roll.add_argument("--as", dest="username", help="制单人用户名（不填为系统任务）")
    roll.add_argument("--chunk-size", type=int, default=100_000, help="每个事务处理的对象编号数")
    roll.add_argument(
        "--pause", type=float, default=0.0, help="每个分块提交后暂停的秒数（减轻数据库压力）"
    )
    roll.add_argument("--quiet", action="store_true", help="不显示进度条")
    roll.set_defaults(func=cmd_roll, needs_django=True)

    export = commands.add_parser("export", help="按银行模板生成已审批花名册的银行文件")
    export.add_argument("roll_id", type=int, help="花名册编号")
    export.add_argument("--template", default="通用CSV", help="银行文件模板名称（默认 通用CSV）")
    export.add_argument("--out", required=True, help="另存银行文件的路径")
    export.add_argument("--as", dest="username", help="操作人用户名（不填为系统任务）")
    export.set_defaults(func=cmd_export, needs_django=True)

    returns = commands.add_parser(
        "import-return", help="导入银行回盘文件（流水号,结果代码[,说明]）"
    )
    returns.add_argument("file", help="回盘文件路径")
    returns.add_argument("--as", dest="username", required=True, help="操作人用户名")
    returns.add_argument(
        "--bank-file", type=int, help="银行文件编号（不填则按流水号 B<编号>-<序号> 识别）"
    )
    returns.set_defaults(func=cmd_import_return, needs_django=True)

    reconcile = commands.add_parser("reconcile", help="银行文件对账：发放、成功、失败、待回盘")
    reconcile.add_argument("file_id", type=int, help="银行文件编号")
    reconcile.set_defaults(func=cmd_reconcile, needs_django=True)


def cmd_roll(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from minzheng.accounts.models import User
    from minzheng.core.errors import DomainError
    from minzheng.core.yearmonth import YearMonth
    from minzheng.payments.actions import do_run_roll

    actor = User.objects.get(username=args.username) if args.username else None
    bar = None if args.quiet else tqdm(unit="块", desc="发放花名册", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        print(f"chunk {done}/{total}", file=sys.stderr, flush=True)
        if bar is not None:
            bar.total = total
            bar.update(1)

    try:
        result = do_run_roll(
            actor,
            args.county,
            YearMonth.parse(args.month),
            chunk_size=args.chunk_size,
            pause_seconds=args.pause,
            progress=progress,
        )
    except (DomainError, ValueError) as exc:
        print(f"错误：{getattr(exc, 'message', exc)}", file=sys.stderr)
        return 2
    finally:
        if bar is not None:
            bar.close()
    print(
        json.dumps(
            {
                "roll": result.roll.pk,
                "version": result.roll.version,
                "inserted": result.inserted,
                "chunks": result.chunks,
                "months": result.months,
                "price_subsidies": result.price_subsidies,
                "seconds": round(result.seconds, 3),
            },
            ensure_ascii=False,
        )
    )
    return 0


def _fail(exc: Exception) -> int:
    print(f"错误：{getattr(exc, 'message', exc)}", file=sys.stderr)
    return 2


def cmd_export(args: argparse.Namespace) -> int:
    from minzheng.accounts.models import User
    from minzheng.core.errors import DomainError
    from minzheng.payments.actions import bank_file_rows, do_export_bank_file
    from minzheng.payments.models import BankTemplate, Roll

    try:
        actor = User.objects.get(username=args.username) if args.username else None
        roll = Roll.objects.get(pk=args.roll_id)
        template = BankTemplate.objects.get(name=args.template)
        bank_file = do_export_bank_file(actor, roll, template)
        shutil.copyfile(bank_file.path, args.out)
    except User.DoesNotExist:
        return _fail(ValueError(f"用户 {args.username} 不存在"))
    except Roll.DoesNotExist:
        return _fail(ValueError(f"花名册 {args.roll_id} 不存在"))
    except BankTemplate.DoesNotExist:
        return _fail(ValueError(f"银行文件模板 {args.template} 不存在"))
    except (DomainError, OSError) as exc:
        return _fail(exc)
    print(
        json.dumps(
            {
                "bank_file": bank_file.pk,
                "template": bank_file.template.name,
                # The data rows written (the header is not a line; a payee without an account
                # is failed at once and not written).
                "lines": bank_file_rows(bank_file),
                "no_account": bank_file.line_count - bank_file_rows(bank_file),
                "total_fen": bank_file.total_fen,
                "out": args.out,
            },
            ensure_ascii=False,
        )
    )
    return 0


REFERENCE = re.compile(r"^\ufeff?\s*B(\d+)-\d+", re.MULTILINE)


def cmd_import_return(args: argparse.Namespace) -> int:
    from minzheng.accounts.models import User
    from minzheng.core.errors import DomainError
    from minzheng.core.inputs import read_file_bytes
    from minzheng.core.uploads import CSV, check_data_file
    from minzheng.payments.actions import do_import_bank_return
    from minzheng.payments.bankfiles import decode_return
    from minzheng.payments.models import BankFile

    try:
        actor = User.objects.get(username=args.username)
        data = check_data_file(read_file_bytes(args.file, label="回盘文件"), {CSV}).data
        file_id = args.bank_file
        if file_id is None:
            found = REFERENCE.search(data.decode("utf-8", errors="replace"))
            if found is None:
                return _fail(ValueError("回盘文件中没有可识别的流水号，请用 --bank-file 指定"))
            file_id = int(found.group(1))
        bank_file = BankFile.objects.visible_to(actor).select_related("template").get(pk=file_id)
        text = decode_return(bank_file.template, data)
        result = do_import_bank_return(actor, bank_file, text, filename=Path(args.file).name)
    except User.DoesNotExist:
        return _fail(ValueError(f"用户 {args.username} 不存在"))
    except BankFile.DoesNotExist:
        return _fail(ValueError("银行文件不存在或不在您的管辖范围内"))
    except (DomainError, OSError) as exc:
        return _fail(exc)
    for row, reason in result["errors"]:
        print(f"第{row}行：{reason}", file=sys.stderr)
    print(
        json.dumps(
            {
                "bank_file": bank_file.pk,
                "recorded": result["recorded"],
                "errors": len(result["errors"]),
            },
            ensure_ascii=False,
        )
    )
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    from minzheng.payments.models import BankFile, fen_to_yuan
    from minzheng.payments.queries import reconciliation

    bank_file = BankFile.objects.filter(pk=args.file_id).first()
    if bank_file is None:
        return _fail(ValueError(f"银行文件 {args.file_id} 不存在"))
    totals = reconciliation(bank_file)
    print(
        json.dumps(
            {
                "bank_file": bank_file.pk,
                "issued": str(fen_to_yuan(totals.issued)),
                "paid": str(fen_to_yuan(totals.paid)),
                "failed": str(fen_to_yuan(totals.failed)),
                "pending": str(fen_to_yuan(totals.pending)),
                "counts": {
                    "issued": totals.issued_count,
                    "paid": totals.paid_count,
                    "failed": totals.failed_count,
                    "pending": totals.pending_count,
                },
                "balanced": totals.balanced,
            },
            ensure_ascii=False,
        )
    )
    return 0
