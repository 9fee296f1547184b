"""`minzheng civil daily [--date YYYY-MM-DD]`: the daily divorce job — applications nobody came to
finish are deemed withdrawn (民法典第1077条) and reminders go out before each window closes;
`minzheng civil standardise TEXT`: read a free-text address into the standard register.

Prints one JSON line. Safe to run twice on a day: reminders have a unique key.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("civil", help="婚姻殡葬：离婚冷静期日终任务、地址标准化")
    commands = parser.add_subparsers(dest="civil_command", required=True, metavar="COMMAND")
    daily = commands.add_parser("daily", help="离婚登记申请逾期视为撤回，并发送期限提醒")
    daily.add_argument("--date", help="按该日办理（YYYY-MM-DD，默认今天）")
    daily.set_defaults(func=cmd_daily, needs_django=True)
    standardise = commands.add_parser("standardise", help="把一条地址识别为标准地址")
    standardise.add_argument("text", help="地址文本")
    standardise.set_defaults(func=cmd_standardise, needs_django=True)


def cmd_daily(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from minzheng.civil.marriage import do_close_expired_divorces, do_send_divorce_reminders

    if args.date:
        try:
            on = date.fromisoformat(args.date)
        except ValueError:
            print(f"日期格式应为YYYY-MM-DD：{args.date}", file=sys.stderr)
            return 2
    else:
        on = timezone.localdate()
    closed = do_close_expired_divorces(on)
    sent = do_send_divorce_reminders(on)
    print(json.dumps({"date": on.isoformat(), "deemed_withdrawn": closed, "reminders": sent}))
    return 0


def cmd_standardise(args: argparse.Namespace) -> int:
    from minzheng.civil.placenames import standardise

    match = standardise(args.text)
    print(
        json.dumps(
            {
                "text": args.text,
                "code": match.address.code if match.address else None,
                "standard": match.address.full_text if match.address else None,
                "level": match.level,
                "reasons": list(match.reasons),
            },
            ensure_ascii=False,
        )
    )
    return 0 if match.address else 1
