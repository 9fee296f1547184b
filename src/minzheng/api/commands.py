"""`minzheng api-client create --name NAME --region CODE --scope SCOPE...`: connect a partner system
(a hospital, a bank, another department) without the browser. The token is printed once; only its
hash is kept, and the creation is audited (actor "cli")."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("api-client", help="接口客户端（合作系统）")
    commands = parser.add_subparsers(dest="api_client_command", required=True, metavar="COMMAND")
    create = commands.add_parser(
        "create",
        help="登记接口客户端并打印一次性令牌",
        description="登记合作系统的接口客户端。令牌只在此打印一次，平台只保存其摘要。",
    )
    create.add_argument("--name", required=True, help="客户端名称，如 宁波市第一医院")
    create.add_argument("--region", required=True, help="数据范围：12 位区划代码")
    create.add_argument(
        "--scope",
        required=True,
        nargs="+",
        action="extend",
        dest="scopes",
        metavar="SCOPE",
        help="授权范围，可多个，如 medical:settle registry:read",
    )
    create.set_defaults(func=create_client, needs_django=True)


def create_client(args: argparse.Namespace) -> int:
    from minzheng.api.actions import do_create_api_client
    from minzheng.core.errors import DomainError

    try:
        client, token = do_create_api_client(
            None, name=args.name.strip(), scopes=args.scopes, region_code=args.region.strip()
        )
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    print(
        f"已登记接口客户端 {client.name}（{client.region.name}，授权：{'、'.join(client.scopes)}）"
    )
    print(f"令牌（只显示这一次，请妥善转交）：{token}")
    return 0
