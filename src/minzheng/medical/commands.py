"""`minzheng medical hospital-add`: link a designated hospital to its API client (audited)."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("medical", help="医疗救助一站式结算")
    commands = parser.add_subparsers(dest="medical_command", required=True, metavar="COMMAND")
    add = commands.add_parser(
        "hospital-add",
        help="登记定点医院并关联其接口客户端",
        description="先用 minzheng api-client create 登记带 medical:settle 授权的客户端，再关联医院。",
    )
    add.add_argument("--code", required=True, help="医疗机构代码")
    add.add_argument("--name", required=True, help="医院名称")
    add.add_argument("--region", required=True, help="医院所在区划，12 位代码")
    add.add_argument("--client", required=True, help="接口客户端名称")
    add.set_defaults(func=add_hospital, needs_django=True)


def add_hospital(args: argparse.Namespace) -> int:
    from minzheng.core.errors import DomainError
    from minzheng.medical.actions import do_register_hospital

    try:
        hospital = do_register_hospital(
            None,
            code=args.code,
            name=args.name,
            region_code=args.region.strip(),
            client_name=args.client.strip(),
        )
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    print(f"已登记定点医院 {hospital.name}（{hospital.code}），结算客户端：{args.client}")
    return 0
