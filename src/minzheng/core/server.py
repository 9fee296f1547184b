"""The production WSGI server, started from `minzheng serve` and `minzheng demo`: gunicorn (threads
in Python) by default, or granian (a Rust HTTP server; its worker threads only run the Django call),
which answers the hospitals' settlement calls at about twice gunicorn's rate on the same cores
(docs/medical.md, Performance)."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from minzheng.wsgi import application

        return application


def _clear_metrics() -> None:
    """A new server starts its request counters from zero (Prometheus handles the reset)."""
    from django.conf import settings

    for stale in settings.METRICS_DIR.glob("*.db"):
        stale.unlink(missing_ok=True)


def _child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


SERVERS = ("gunicorn", "granian")


def serve(
    host: str,
    port: int,
    *,
    workers: int,
    threads: int,
    server: str = "gunicorn",
    backpressure: int | None = None,
) -> None:
    """`backpressure` (granian only): requests a worker takes on at once; more wait in the socket
    (granian's default: its backlog divided by the workers)."""
    _clear_metrics()
    if server == "granian":
        _granian(host, port, workers=workers, threads=threads, backpressure=backpressure)
        return
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "timeout": 120,
            "graceful_timeout": 10,
            "child_exit": _child_exit,
        }
    ).run()


def _granian(host: str, port: int, *, workers: int, threads: int, backpressure: int | None) -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    Granian(
        "minzheng.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        backpressure=backpressure,
        log_level=LogLevels.warning,
        log_access=False,
        respawn_failed_workers=True,
    ).serve()
