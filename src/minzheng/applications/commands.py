"""`minzheng applications …`: schedule reviews, report overdue steps."""

from __future__ import annotations

import argparse
import json

from minzheng.core.inputs import iso_date


def cmd_reviews(args: argparse.Namespace) -> int:
    from minzheng.applications.jobs import schedule_reviews

    print(json.dumps({"review_tasks_created": schedule_reviews()}, ensure_ascii=False))
    return 0


def cmd_overdue(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from minzheng.applications.jobs import overdue_counts

    today = args.date or timezone.localdate()
    print(
        json.dumps(
            {"date": today.isoformat(), "overdue": overdue_counts(today)}, ensure_ascii=False
        )
    )
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("applications", help="救助申请：复核排程、超期统计")
    sub = parser.add_subparsers(dest="applications_command", required=True)
    p = sub.add_parser("reviews", help="为在保对象生成到期复核任务（可重复运行）")
    p.set_defaults(func=cmd_reviews, needs_django=True)
    p = sub.add_parser("overdue", help="按环节统计超期未办的申请（JSON）")
    p.add_argument("--date", type=iso_date, help="统计日期 YYYY-MM-DD，默认今天")
    p.set_defaults(func=cmd_overdue, needs_django=True)
