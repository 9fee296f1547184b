"""`minzheng eldercare allowances --county 330203 [--month YYYY-MM]`: the monthly 高龄津贴 job —
enrol from the registry, move people up a band, end the allowances of the dead — before the roll.

Prints one JSON line. Safe to run twice for a month. Bad arguments: a Chinese message, exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("eldercare", help="养老服务：高龄津贴月度名单")
    commands = parser.add_subparsers(dest="eldercare_command", required=True, metavar="COMMAND")
    allowances = commands.add_parser("allowances", help="按人员库生成某县某月的高龄津贴名单")
    allowances.add_argument("--county", required=True, help="县（市、区）代码，如 330203")
    allowances.add_argument("--month", help="发放月份 YYYY-MM（默认本月）")
    allowances.set_defaults(func=cmd_allowances, needs_django=True)


def cmd_allowances(args: argparse.Namespace) -> int:
    from minzheng.core import clock
    from minzheng.core.errors import DomainError
    from minzheng.core.yearmonth import YearMonth
    from minzheng.eldercare.actions import do_enrol_allowances

    try:
        month = YearMonth.parse(args.month) if args.month else YearMonth.of(clock.today())
    except (ValueError, TypeError):
        print(f"月份格式应为 YYYY-MM：{args.month}", file=sys.stderr)
        return 2
    county = str(args.county).strip()
    if not (county.isascii() and county.isdigit() and len(county) in (6, 12)):
        print(f"县（市、区）代码应为6位或12位数字：{county}", file=sys.stderr)
        return 2
    try:
        run = do_enrol_allowances(None, county, month)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    print(
        json.dumps(
            {
                "county": run.county,
                "month": str(run.month),
                "enrolled": run.enrolled,
                "raised": run.raised,
                "ended": run.ended,
                "without_household": len(run.without_household),
            },
            ensure_ascii=False,
        )
    )
    return 0
