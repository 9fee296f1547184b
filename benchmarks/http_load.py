"""Request throughput and latency of an authenticated page and an API call, against /healthz.

Starts `minzheng serve` (gunicorn) on a throw-away SQLite database under a temporary var/, loads the
demo, logs in as a township caseworker, registers an API partner, then drives each URL with the same
client pool (threads over http.client keep-alive) for a fixed number of requests. Prints one JSON line
per URL with requests/second, p50 and p99 milliseconds, and the ratio to /healthz of the same run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not start")


def login(port: int, username: str, password: str) -> str:
    conn = http.client.HTTPConnection(HOST, port)
    conn.request("GET", "/login/")
    response = conn.getresponse()
    page = response.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf_cookie and token
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    )
    conn.request(
        "POST",
        "/login/",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie.group(1)}",
            "Referer": f"http://{HOST}:{port}/login/",
        },
    )
    response = conn.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    assert response.status == 302 and session, response.status
    return f"sessionid={session.group(1)}"


def drive(
    port: int, path: str, headers: dict[str, str], total: int, concurrency: int
) -> dict[str, float]:
    latencies: list[float] = []
    lock = threading.Lock()
    per_worker = total // concurrency

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port)
        mine = []
        for _ in range(per_worker):
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    total = 200 if args.quick else args.requests
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "MINZHENG_VAR_DIR": var, "MINZHENG_LOG_LEVEL": "WARNING"}
        env.pop("DATABASE_URL", None)
        env.pop("MINZHENG_KEYS", None)
        minzheng = str(BIN / "minzheng")
        subprocess.run([minzheng, "demo", "--no-serve"], env=env, check=True, capture_output=True)
        token = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','minzheng.settings');django.setup();"
                "from minzheng.api.actions import do_create_api_client as c;"
                "print(c(None,name='bench',scopes=['registry:read'],region_code='330203000000')[1])",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        port = free_port()
        server = subprocess.Popen(
            [minzheng, "serve", "--port", str(port), "--workers", "2", "--threads", "4"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_ready(port)
            cookie = login(port, "caseworker_nanmen", "Minzheng#2026")
            targets = [
                ("healthz", "/healthz", {}),
                ("person_list_page", "/registry/persons/", {"Cookie": cookie}),
                (
                    "api_persons",
                    "/api/v1/registry/persons?limit=20",
                    {"Authorization": f"Bearer {token}"},
                ),
            ]
            drive(port, "/healthz", {}, 100, 4)  # warm-up
            baseline = None
            for name, path, headers in targets:
                figures = drive(port, path, headers, total, args.concurrency)
                baseline = baseline or figures["rps"]
                print(
                    json.dumps(
                        {
                            "benchmark": "http_load",
                            "target": name,
                            "path": path,
                            "concurrency": args.concurrency,
                            **figures,
                            "throughput_ratio_vs_healthz": round(figures["rps"] / baseline, 3),
                        },
                        ensure_ascii=False,
                    ),
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
