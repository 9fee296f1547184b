"""Settlement throughput and latency on PostgreSQL, against /healthz in the same run, and a run where
64 clients settle for the same person at once (zero cap overruns expected).

The database is given by BENCH_DATABASE_URL (else DATABASE_URL; with --quick and neither set, a
scratch database `minzheng_bench_medical_quick` on the local server); it must be PostgreSQL, and its
`public` schema is dropped and recreated — point it at a throw-away database. The script migrates,
loads the parameter catalogue, writes `--persons` 低保/特困 people and one hospital client, starts
`minzheng serve` (granian unless `--server gunicorn`; 2 workers × 4 threads unless told otherwise)
and drives it from local client processes (keep-alive connections). One JSON line per measurement,
each with the machine's load average at that moment (the machine may be shared).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
BIN = Path(sys.executable).parent
HOSPITAL = "HBENCH"


def _numbers(persons: int) -> list[str]:
    from minzheng.core.idnumber import check_digit

    numbers = []
    for n in range(persons):
        born = date(1950, 1, 1) + timedelta(days=n % 20000)
        first17 = f"330203{born:%Y%m%d}{n % 1000:03d}"
        numbers.append(first17 + check_digit(first17))
    return list(dict.fromkeys(numbers))


def reuse(persons: int) -> tuple[str, list[str]] | None:
    """The database of an earlier run, if it has one: a new token for its hospital client."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import ProgrammingError, connection

    from minzheng.api.models import ApiClient
    from minzheng.medical.models import Hospital

    try:
        if not Hospital.objects.filter(code=HOSPITAL).exists():
            return None
    except ProgrammingError:
        return None
    call_command("migrate", interactive=False, verbosity=0)
    client = ApiClient.objects.get(name="bench")
    token = ApiClient.new_token()
    client.set_token(token)
    client.save(update_fields=["token_prefix", "token_hash"])
    connection.close()
    return token, _numbers(persons)


def fresh(numbers: list[str]) -> str:
    """A person with nothing settled in 2024 yet, for the run where 64 clients settle for one."""
    from django.db import connection

    from minzheng.core.pii import ID_NUMBER, blind_index
    from minzheng.medical.models import CapAccount
    from minzheng.registry.models import Person

    used = set(CapAccount.objects.filter(year=2024).values_list("person_id", flat=True))
    for number in numbers:
        person = Person.objects.filter(id_number_index=blind_index(ID_NUMBER, number)).first()
        if person is not None and person.pk not in used:
            connection.close()
            return number
    raise SystemExit("every person has settlements: run without --reuse")


def setup(persons: int) -> tuple[str, list[str]]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from minzheng.api.actions import do_create_api_client
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.core.crypto import ensure_key_file, key_file_path
    from minzheng.medical.actions import do_register_hospital
    from minzheng.regions.loader import load_divisions
    from minzheng.registry.models import IdentityTag, Person
    from minzheng.registry.seed import seal_many

    if connection.vendor != "postgresql":
        raise SystemExit("medical_settlement needs PostgreSQL (BENCH_DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    ensure_key_file(key_file_path())
    call_command("migrate", interactive=False, verbosity=0)
    load_divisions()
    do_load_parameter_catalog(None)
    numbers = _numbers(persons)
    cipher, index, masked = seal_many("id_number", numbers)
    Person.objects.bulk_create(
        [
            Person(
                name=f"测试{n}",
                id_number_cipher=c,
                id_number_index=i,
                id_number_masked=m,
                region_id="330203001001",
            )
            for n, (c, i, m) in enumerate(zip(cipher, index, masked, strict=True))
        ],
        batch_size=2000,
    )
    IdentityTag.objects.bulk_create(
        [
            IdentityTag(
                person=p,
                tag="dibao" if p.pk % 2 else "tekun",
                source="基准测试",
                valid_from=date(2020, 1, 1),
                region_id="330203001001",
            )
            for p in Person.objects.only("pk")
        ],
        batch_size=2000,
    )
    _, token = do_create_api_client(
        None, name="bench", scopes=["medical:settle"], region_code="330203000000"
    )
    do_register_hospital(
        None, code=HOSPITAL, name="基准医院", region_code="330203000000", client_name="bench"
    )
    connection.close()
    return token, numbers


def claim_body(claim_id: str, id_number: str, big: bool = False) -> bytes:
    figures = ("100000.00", "90000.00", "30000.00") if big else ("10000.00", "9000.00", "4000.00")
    return json.dumps(
        {
            "hospital_code": HOSPITAL,
            "claim_id": claim_id,
            "id_number": id_number,
            "visit_kind": "inpatient",
            "admitted_on": "2024-05-10",
            "discharged_on": "2024-05-20",
            "total_cost": figures[0],
            "compliant_cost": figures[1],
            "basic_insurance_paid": figures[2],
            "critical_illness_paid": "0",
            "other_paid": "0",
        }
    ).encode()


def _request(kind: str, port: int, token: str, claim_id: str, number: str) -> bytes:
    """The whole HTTP/1.1 request, built before the clock starts."""
    if kind == "healthz":
        return f"GET /healthz HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode()
    body = claim_body(claim_id, number, big=kind == "same")
    head = (
        f"POST /api/v1/medical/settlements HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _exchange(sock: socket.socket, request: bytes, pending: bytearray) -> tuple[int, bytes]:
    """Send one request on a keep-alive socket and read one response (Content-Length framed)."""
    sock.sendall(request)
    while (end := pending.find(b"\r\n\r\n")) < 0:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        pending += chunk
    head = bytes(pending[:end]).decode("latin-1")
    status = int(head.split(" ", 2)[1])
    length = 0
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    total = end + 4 + length
    while len(pending) < total:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        pending += chunk
    body = bytes(pending[end + 4 : total])
    del pending[:total]
    return status, body


def _client_process(args: tuple[Any, ...]) -> tuple[list[float], float, float]:
    """One client process: `threads` keep-alive sockets, each sending its pre-built requests one
    after another. Returns the latencies (ms) and the process's own CPU seconds while sending."""
    port, token, kind, per_thread, threads, numbers, tag, start_at = args
    latencies: list[float] = []
    lock = threading.Lock()
    errors: list[str] = []
    plans = []
    for w in range(threads):
        rng = random.Random(f"{tag}-{w}")
        plans.append(
            [_request(kind, port, token, f"{tag}-{w}-{k}", rng.choice(numbers))
             for k in range(per_thread)]
        )  # fmt: skip

    def worker(w: int) -> None:
        sock = socket.create_connection((HOST, port), timeout=60)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pending = bytearray()
        mine = []
        clock = time.perf_counter
        for request in plans[w]:
            started = clock()
            status, payload = _exchange(sock, request, pending)
            mine.append((clock() - started) * 1000)
            if status != 200:
                errors.append(f"{status} {payload[:200]!r}")
        sock.close()
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=worker, args=(w,)) for w in range(threads)]
    while time.time() < start_at:  # every process starts together, after building its requests
        time.sleep(0.001)
    cpu = time.process_time()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    cpu = time.process_time() - cpu
    finished = time.time()
    if errors:
        raise SystemExit(f"{len(errors)} errors, first: {errors[0]}")
    return latencies, cpu, finished


def drive(
    port: int, token: str, kind: str, total: int, processes: int, threads: int, numbers: list[str]
) -> dict[str, Any]:
    per_thread = max(1, total // (processes * threads))
    tag = f"{kind}{time.time_ns()}"
    start_at = time.time() + 0.5 + 0.0002 * total
    jobs = [
        (port, token, kind, per_thread, threads, numbers, f"{tag}p{p}", start_at)
        for p in range(processes)
    ]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        parts = pool.map(_client_process, jobs)
    elapsed = max(finished for _, _, finished in parts) - start_at
    latencies = sorted(x for part, _, _ in parts for x in part)
    client_cpu = sum(cpu for _, cpu, _ in parts)
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[max(0, int(len(latencies) * 0.99) - 1)], 2),
        # the load generator's own CPU, as a share of the machine's CPU time during the run
        "client_cpu_share": round(client_cpu / (elapsed * (os.cpu_count() or 1)), 3),
    }


def overruns(number: str) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Sum

    from minzheng.core.pii import ID_NUMBER, blind_index
    from minzheng.medical.models import CapAccount, Settlement

    person_id = (
        __import__("minzheng.registry.models", fromlist=["Person"])
        .Person.objects.get(id_number_index=blind_index(ID_NUMBER, number))
        .pk
    )
    total = Settlement.objects.filter(person_id=person_id, status="settled").aggregate(
        s=Sum("assistance_amount")
    )["s"]
    account = CapAccount.objects.get(person_id=person_id, year=2024)
    cap = Settlement.objects.filter(person_id=person_id).values_list("annual_cap", flat=True)[0]
    connection.close()
    return {
        "settlements": Settlement.objects.filter(person_id=person_id).count(),
        "assistance_total": str(total),
        "cap_used": str(account.cap_used),
        "annual_cap": str(cap),
        "cap_overruns": int(total > cap) + int(account.cap_used != total),
    }


def in_process(token: str, numbers: list[str], total: int, profile: bool) -> list[dict[str, Any]]:
    """Settlements through the WSGI application in this process, no HTTP: wall and CPU time per
    settlement and statements per settlement, the database function against the Python way."""
    import cProfile
    import io
    import pstats

    from django.db import connection

    from minzheng.medical import actions, store
    from minzheng.wsgi import application

    statements = [0]
    run = store._run

    def counted_run(*args: Any, **kwargs: Any) -> Any:  # the prepared statements
        statements[0] += 1
        return run(*args, **kwargs)

    def counted(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        statements[0] += 1
        return execute(sql, params, many, context)

    store._run = counted_run  # type: ignore[assignment]
    rng = random.Random(7)

    def call(claim_id: str) -> int:
        payload = claim_body(claim_id, rng.choice(numbers))
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/medical/settlements",
            "QUERY_STRING": "", "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(payload)), "wsgi.input": io.BytesIO(payload),
            "HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_HOST": HOST, "SERVER_NAME": HOST,
            "SERVER_PORT": "80", "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1",
        }  # fmt: skip
        status: list[str] = []
        b"".join(application(environ, lambda s, h, *e: status.append(s)))
        return int(status[0].split()[0])

    out = []
    tag = time.time_ns()
    for way in ("function", "python"):
        actions.SETTLE_IN_DATABASE = way == "function"
        for k in range(20):  # warm-up: caches, prepared statements
            call(f"warm-{way}-{tag}-{k}")
        statements[0] = 0
        wall, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(counted):
            codes = [call(f"in-{way}-{tag}-{k}") for k in range(total)]
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if set(codes) != {200}:
            raise SystemExit(f"in-process {way}: statuses {sorted(set(codes))}")
        out.append(
            {
                "benchmark": "medical_settlement",
                "target": f"in_process_{way}",
                "settlements": total,
                "ms_per_settlement": round(wall * 1000 / total, 3),
                "cpu_ms_per_settlement": round(cpu * 1000 / total, 3),
                "statements_per_settlement": round(statements[0] / total, 2),
                **load(),
            }
        )
    if profile:  # a separate pass, CPU time only (waiting for the database is not Python work)
        actions.SETTLE_IN_DATABASE = True
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for k in range(total):
            call(f"profile-{tag}-{k}")
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(30)
        print(text.getvalue(), file=sys.stderr)
    out[0]["function_vs_python_cpu"] = round(
        out[0]["cpu_ms_per_settlement"] / out[1]["cpu_ms_per_settlement"], 3
    )
    store._run = run  # type: ignore[assignment]
    actions.SETTLE_IN_DATABASE = True
    connection.close()
    return out


def load() -> dict[str, float]:
    """The machine's load average right after a measurement: other work on it slows every figure."""
    one, five, _ = os.getloadavg()
    return {"load_average_1m": round(one, 2), "load_average_5m": round(five, 2)}


def _scratch_database(name: str) -> str:
    import psycopg

    server = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--server", choices=("granian", "gunicorn"), default="granian")
    parser.add_argument("--backpressure", type=int, default=None, help="granian only")
    parser.add_argument("--reuse", action="store_true", help="keep the database of a run before")
    parser.add_argument(
        "--in-process", action="store_true", help="time the code path without HTTP, then stop"
    )
    parser.add_argument("--profile", action="store_true", help="with --in-process: cProfile")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8116)))
    args = parser.parse_args()
    total = 400 if args.quick else args.requests
    persons = 500 if args.quick else args.persons
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") and args.quick:
        # The smoke run (benchmarks/run.py --quick) uses a scratch database of its own.
        url = _scratch_database("minzheng_bench_medical_quick")
    if not url.startswith("postgres"):
        print("请用 BENCH_DATABASE_URL 指定一个可清空的 PostgreSQL 数据库", file=sys.stderr)
        return 2
    # The key file stays between runs (blind indexes of a kept database need the same key).
    kept = Path(tempfile.gettempdir()) / "minzheng_bench_medical" / url.rsplit("/", 1)[-1]
    kept.mkdir(parents=True, exist_ok=True)
    with contextlib.nullcontext(str(kept)) as var:
        os.environ.update(
            {"DATABASE_URL": url, "MINZHENG_VAR_DIR": var, "MINZHENG_LOG_LEVEL": "WARNING"}
        )
        os.environ.pop("MINZHENG_KEYS", None)
        found = reuse(persons) if args.reuse else None
        token, numbers = found or setup(persons)
        if args.in_process:
            for line in in_process(token, numbers, total, args.profile):
                print(json.dumps(line), flush=True)
            return 0
        one = [fresh(numbers)]
        extra = ["--backpressure", str(args.backpressure)] if args.backpressure else []
        server = subprocess.Popen(
            [str(BIN / "minzheng"), "serve", "--port", str(args.port), "--workers",
             str(args.workers), "--threads", str(args.server_threads), "--server", args.server,
             *extra],
            env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.time() + 180  # a loaded machine starts Django slowly
            while True:
                try:
                    conn = http.client.HTTPConnection(HOST, args.port, timeout=2)
                    conn.request("GET", "/healthz")
                    if conn.getresponse().status == 200:
                        break
                except OSError:
                    if time.time() > deadline:
                        raise SystemExit("server did not start") from None
                    time.sleep(0.3)
            drive(args.port, token, "healthz", 200, 1, 4, numbers)  # warm-up
            drive(args.port, token, "settle", 100, 1, 4, numbers)
            common = {
                "benchmark": "medical_settlement",
                "server": f"{args.server} {args.workers}x{args.server_threads}"
                + (f" backpressure {args.backpressure}" if args.backpressure else ""),
                "clients": args.processes * args.threads,
                "cpus": os.cpu_count(),
            }
            health = drive(
                args.port, token, "healthz", total, args.processes, args.threads, numbers
            )
            print(json.dumps({**common, "target": "healthz", **health, **load()}), flush=True)
            settle = drive(args.port, token, "settle", total, args.processes, args.threads, numbers)
            print(
                json.dumps(
                    {
                        **common,
                        "target": "settlements",
                        **settle,
                        **load(),
                        "throughput_ratio_vs_healthz": round(settle["rps"] / health["rps"], 3),
                    }
                ),
                flush=True,
            )
            same = drive(args.port, token, "same", 64, 1, 64, one)
            print(
                json.dumps(
                    {**common, "target": "same_person_64_clients", "clients": 64, **same, **load(),
                     **overruns(one[0])}
                ),
                flush=True,
            )  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
