"""Prometheus metrics for the operators (prometheus_client, in its multi-process mode).

Gunicorn runs several worker processes and batch jobs run as separate `minzheng` commands, so the
per-process figures — request latency by route, server errors, job durations and failures — are
written to files under `settings.METRICS_DIR` (PROMETHEUS_MULTIPROC_DIR, set in settings.py before
prometheus_client is imported) and summed at scrape time. The business figures — roll sizes and
totals, warnings, settlements — are read from the database at scrape time by each app's
`metrics.collect()`, so they are the same whichever worker answers.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import Metric
from prometheus_client.multiprocess import MultiProcessCollector

import minzheng

REQUESTS = Counter(
    "minzheng_http_requests",
    "HTTP requests answered, by route, method and status class",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "minzheng_http_request_duration_seconds",
    "Time to answer a request, by route",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
SERVER_ERRORS = Counter(
    "minzheng_http_server_errors", "Requests that ended in a 5xx, by route", ["route"]
)
JOB_DURATION = Histogram(
    "minzheng_job_duration_seconds",
    "Duration of batch jobs (minzheng commands), by job",
    ["job"],
    buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 10800),
)
JOB_FAILURES = Counter("minzheng_job_failures", "Batch jobs that failed, by job", ["job"])


def route_of(request: HttpRequest) -> str:
    """The URL pattern, not the path: `/registry/persons/<int:pk>/`, so ids do not explode labels."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return "/" + str(match.route).lstrip("^")


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        except Exception:
            SERVER_ERRORS.labels(route_of(request)).inc()
            raise
        route = route_of(request)
        LATENCY.labels(route, request.method or "").observe(time.perf_counter() - started)
        REQUESTS.labels(route, request.method or "", f"{response.status_code // 100}xx").inc()
        if response.status_code >= 500:
            SERVER_ERRORS.labels(route).inc()
        return response


@contextmanager
def track_job(job: str) -> Iterator[None]:
    """Time a batch job; count it as failed when it raises or returns a non-zero exit code."""
    started = time.perf_counter()
    outcome: dict[str, bool] = {"failed": False}
    try:
        yield
    except BaseException:
        outcome["failed"] = True
        raise
    finally:
        JOB_DURATION.labels(job).observe(time.perf_counter() - started)
        if outcome["failed"]:
            JOB_FAILURES.labels(job).inc()


def failed_job(job: str) -> None:
    JOB_FAILURES.labels(job).inc()


class DatabaseCollector:
    """Each app's `metrics.collect()`: figures read from the database when Prometheus scrapes."""

    def collect(self) -> Iterable[Metric]:
        for module in pkgutil.iter_modules(minzheng.__path__):
            if not module.ispkg:
                continue
            try:
                source: Any = importlib.import_module(f"minzheng.{module.name}.metrics")
            except ModuleNotFoundError as exc:
                if exc.name == f"minzheng.{module.name}.metrics":
                    continue
                raise
            collect = getattr(source, "collect", None)
            if collect is not None:
                yield from collect()


def exposition() -> bytes:
    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    registry.register(DatabaseCollector())
    return generate_latest(registry)
