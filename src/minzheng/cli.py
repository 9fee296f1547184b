"""The `minzheng` command: run, set up and operate the platform.

Each app may add sub-commands in `minzheng/<app>/commands.py` with
`register(subparsers)`; a parser sets `func` (returns the exit code) and `needs_django`.
"""

from __future__ import annotations

from minzheng import bytecode

bytecode.keep_aside()  # before the imports below compile anything (minzheng/bytecode.py)

import argparse  # noqa: E402
import importlib  # noqa: E402
import os  # noqa: E402
import pkgutil  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from typing import NoReturn  # noqa: E402

import minzheng  # noqa: E402

DEMO_HOST = "127.0.0.1"
DEMO_PORT = 8000
# Long-running servers are not batch jobs: the job metrics time every other command.
UNTRACKED_COMMANDS = frozenset({"serve", "demo"})


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
    import django
    from django.apps import apps

    # Already set up when called from inside the platform (tests, another command): a second
    # setup would re-create the log handlers on whatever stream is current.
    if not apps.ready:
        django.setup()


def cmd_migrate(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from minzheng.core.server import serve

    if args.backpressure is not None and args.backpressure < 1:
        print("错误：--backpressure 须为正整数", file=sys.stderr)
        return 2
    if args.backpressure is not None and args.server != "granian":
        print("错误：--backpressure 只用于 --server granian", file=sys.stderr)
        return 2
    serve(
        args.host,
        args.port,
        workers=args.workers,
        threads=args.threads,
        server=args.server,
        backpressure=args.backpressure,
    )
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    import getpass

    from minzheng.accounts.actions import do_create_user
    from minzheng.core.errors import DomainError

    password = args.password or os.environ.get("MINZHENG_NEW_PASSWORD") or getpass.getpass("密码：")
    try:
        user = do_create_user(
            None,
            username=args.username,
            password=password,
            role=args.role,
            region_code=args.region,
            display_name=args.name or "",
        )
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    print(f"已创建 {user.username}（{user.role_label}，{user.region.name}）")
    return 0


def cmd_keys_init(args: argparse.Namespace) -> int:
    from minzheng.core.crypto import Algorithm, ensure_key_file, key_file_path

    path = key_file_path()
    if ensure_key_file(path, Algorithm(args.algorithm)):
        print(f"已创建密钥文件 {path}（{args.algorithm}）")
    else:
        print(f"密钥已存在：{path}（或由 MINZHENG_KEYS 提供），未改动")
    return 0


def cmd_rotate_keys(args: argparse.Namespace) -> int:
    from minzheng.core.keys import rotate_keys

    report = rotate_keys(
        algorithm=args.algorithm,
        retire_old=args.retire_old,
        batch_size=args.batch_size,
        progress=not args.quiet,
    )
    print(report.summary())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from django.conf import settings

    from minzheng.demo import prepare_demo

    # Demo mode: the development SMS outbox (docs/security.md) and the demo clock an
    # administrator may move (core/clock.py); the server processes read it from the environment.
    os.environ["MINZHENG_DEMO_MODE"] = "1"
    settings.DEMO_MODE = True

    logins = prepare_demo(reset=args.reset)
    print(f"\n智慧民政演示环境已就绪：http://{args.host}:{args.port}/")
    print(f"演示账号（密码均为 {logins.password}）：")
    for username, role, region in logins.accounts:
        print(f"  {username:<24} {role:<10} {region}")
    print()
    from minzheng.jobs.schedules import ensure_defaults

    ensure_defaults()
    if args.no_serve:
        return 0
    # The background worker runs beside the server: rolls, monitoring, imports and the schedules.
    import atexit
    import subprocess

    worker = subprocess.Popen([sys.executable, "-m", "minzheng.cli", "worker"])
    atexit.register(worker.terminate)
    print(f"后台任务工作进程已启动（进程号 {worker.pid}）")
    # The server starts in a fresh process: forked from this one, which has run the seed's DuckDB,
    # Splink and Arrow work, every gunicorn worker died at once of SIGSEGV and nothing was served.
    return _serve_demo(args.host, args.port)


def _serve_demo(host: str, port: int) -> int:
    import signal
    import subprocess

    command = [sys.executable, "-m", "minzheng.cli", "serve", "--host", host, "--port", str(port)]
    server = subprocess.Popen([*command, "--workers", "1", "--threads", "8"])
    # A SIGTERM to this process stops the server too (it would otherwise outlive the demo).
    previous = signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        server.wait()
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


# argparse's own refusals, in Chinese (the rest of each message names the argument and value).
ARGPARSE_MESSAGES = (
    (re.compile(r"invalid int value: (.*)"), r"应为整数：\1"),
    (re.compile(r"invalid float value: (.*)"), r"应为数字：\1"),
    (re.compile(r"invalid (\w+) value: (.*)"), r"取值不合法：\2"),
    (re.compile(r"invalid choice: (.*?) \(choose from (.*)\)"), r"不是允许的取值：\1（可选：\2）"),
    (re.compile(r"the following arguments are required: (.*)"), r"缺少必填参数：\1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"不认识的参数：\1"),
    (re.compile(r"expected one argument"), "需要一个取值"),
    (re.compile(r"expected (\d+) arguments"), r"需要 \1 个取值"),
    (re.compile(r"^argument "), "参数 "),
)


class ChineseArgumentParser(argparse.ArgumentParser):
    """Refuses bad arguments in Chinese on stderr, exit 2 (argparse's convention)."""

    def error(self, message: str) -> NoReturn:
        for pattern, replacement in ARGPARSE_MESSAGES:
            message = pattern.sub(replacement, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"错误：{message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="minzheng", description="智慧民政平台命令行")
    parser.add_argument("--version", action="version", version=f"minzheng {minzheng.__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("demo", help="准备演示数据并启动服务（SQLite，var/ 目录）")
    p.add_argument("--host", default=DEMO_HOST)
    p.add_argument("--port", type=int, default=DEMO_PORT)
    p.add_argument("--reset", action="store_true", help="删除现有演示数据库后重建")
    p.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
    p.set_defaults(func=cmd_demo, needs_django=True)

    p = sub.add_parser("serve", help="用生产 WSGI 服务器（gunicorn）运行平台")
    p.add_argument("--host", default=os.environ.get("MINZHENG_HOST", DEMO_HOST))
    p.add_argument("--port", type=int, default=int(os.environ.get("MINZHENG_PORT", DEMO_PORT)))
    p.add_argument("--workers", type=int, default=int(os.environ.get("MINZHENG_WORKERS", 2)))
    p.add_argument("--threads", type=int, default=int(os.environ.get("MINZHENG_THREADS", 4)))
    p.add_argument(
        "--server",
        choices=("gunicorn", "granian"),
        default=os.environ.get("MINZHENG_SERVER", "gunicorn"),
        help="WSGI 服务器：gunicorn（默认）或 granian",
    )
    p.add_argument(
        "--backpressure",
        type=int,
        default=None,
        help="granian 每个进程同时处理的请求数上限（默认由 granian 决定）",
    )
    p.set_defaults(func=cmd_serve, needs_django=True)

    p = sub.add_parser("migrate", help="创建或升级数据库表")
    p.add_argument("--verbosity", type=int, default=1)
    p.set_defaults(func=cmd_migrate, needs_django=True)

    p = sub.add_parser("createuser", help="创建工作人员账号")
    p.add_argument("username")
    p.add_argument("--role", required=True, help="角色代码，如 township_caseworker")
    p.add_argument("--region", required=True, help="管辖区域的 12 位区划代码")
    p.add_argument("--name", help="姓名")
    p.add_argument("--password", help="初始密码（不填则提示输入，或读 MINZHENG_NEW_PASSWORD）")
    p.set_defaults(func=cmd_createuser, needs_django=True)

    p = sub.add_parser("keys", help="个人信息加密密钥")
    keys_sub = p.add_subparsers(dest="keys_command", required=True)
    q = keys_sub.add_parser("init", help="没有密钥文件时创建一个")
    q.add_argument("--algorithm", default="AES-256-GCM", choices=["AES-256-GCM", "SM4-GCM"])
    q.set_defaults(func=cmd_keys_init, needs_django=True)

    p = sub.add_parser("rotate-keys", help="启用新密钥并用它重新加密全部个人信息")
    p.add_argument(
        "--algorithm",
        default=None,
        choices=["AES-256-GCM", "SM4-GCM"],
        help="新密钥的算法（默认同当前）",
    )
    p.add_argument("--retire-old", action="store_true", help="重新加密完成后从密钥文件删除旧密钥")
    p.add_argument("--batch-size", type=int, default=2000)
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_rotate_keys, needs_django=True)

    for module in pkgutil.iter_modules(minzheng.__path__):
        if not module.ispkg:
            continue
        try:
            commands = importlib.import_module(f"minzheng.{module.name}.commands")
        except ModuleNotFoundError as exc:
            if exc.name == f"minzheng.{module.name}.commands":
                continue
            raise
        commands.register(sub)
    return parser


def _fail(message: str, code: int = 2) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Bad input of any kind is a Chinese line on stderr and exit 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "needs_django", True):
        return _run(args)
    _setup_django()
    if args.command in UNTRACKED_COMMANDS:
        return _run(args)
    from minzheng.operations.metrics import failed_job, track_job

    with track_job(args.command):
        result = _run(args)
    if result != 0:
        failed_job(args.command)
    return result


def _run(args: argparse.Namespace) -> int:
    import csv
    import json
    from decimal import InvalidOperation

    from django.db import OperationalError, ProgrammingError

    from minzheng.core.errors import DomainError

    try:
        result: int = args.func(args)
    except DomainError as exc:
        return _fail(exc.message)
    except FileNotFoundError as exc:
        return _fail(f"找不到文件或目录：{exc.filename}")
    except IsADirectoryError as exc:
        return _fail(f"{exc.filename} 是目录，不是文件")
    except PermissionError as exc:
        return _fail(f"无权读写：{exc.filename}")
    except UnicodeError:
        return _fail(
            "文件编码无法识别（应为 UTF-8、UTF-8 BOM 或 GB18030/GBK），可用 --encoding 指定"
        )
    except json.JSONDecodeError as exc:
        return _fail(f"JSON 格式错误：第{exc.lineno}行第{exc.colno}列")
    except csv.Error as exc:
        return _fail(f"CSV 格式错误：{exc}")
    except (InvalidOperation, OverflowError):
        return _fail("数值超出允许范围")
    except ArithmeticError:
        return _fail("输入的数据无法计算（数值超出范围或记录太少）")
    except (ValueError, TypeError) as exc:
        return _fail(f"输入有误：{exc}")
    except OSError as exc:
        return _fail(f"读写文件失败：{exc.strerror or exc}")
    except KeyboardInterrupt:
        return _fail("已中断", 130)
    except (OperationalError, ProgrammingError) as exc:
        text = str(exc)
        if "no such table" in text or "does not exist" in text:
            return _fail("数据库尚未建表，请先运行 minzheng migrate（演示环境用 make demo）")
        raise
    return result


if __name__ == "__main__":
    sys.exit(main())
