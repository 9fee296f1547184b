"""The lean entry for `POST /api/v1/medical/settlements`: a WSGI wrapper in front of Django.

A hospital settles at discharge, many calls a second through one token; on the full stack half of
a settlement's server CPU went to Django's 15 middleware, URL resolution and django-ninja, none of
which the call needs (no session, no CSRF, no template). This wrapper answers the call itself when
it is an ordinary one — a JSON body that parses and validates, a bearer token of a usable client
with scope `medical:settle`, an allowed host, no query string, no control characters — with the
same code (`medical.api.settle_for` → `actions.do_settle_claim`), the same JSON body and the same
headers as the full path, and it counts the request in the metrics and the request log as the
middleware would. Anything else (a malformed or invalid body, a missing or unknown token, a plain
HTTP request where HTTPS is required) goes on, untouched, to the full Django stack, which answers it
as before. Every other path goes to Django directly.
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.signals import setting_changed
from django.db import DataError
from django.dispatch import receiver
from django.http.request import split_domain_port, validate_host
from django.utils.csp import CSP, build_policy
from ninja.responses import NinjaJSONEncoder
from pydantic import ValidationError

from minzheng.core.errors import DomainError
from minzheng.core.inputs import text_problem, walk_strings

PATH = "/api/v1/medical/settlements"
ROUTE = "/api/v1/medical/settlements"  # the metrics label MetricsMiddleware gives this path
MAX_BODY = 64 * 1024  # a settlement is ~400 bytes; anything bigger takes the full path

log = logging.getLogger("minzheng.request")
server_log = logging.getLogger("django.request")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


# The headers depend on settings only: built once per process (a CSP policy took 3 % of a
# settlement's CPU, cProfile, 2026-12-03), again after a setting changes (tests).
_built_headers: dict[bool, list[tuple[str, str]]] = {}


@receiver(setting_changed)
def _settings_changed(**kwargs: Any) -> None:
    _built_headers.clear()
    _hosts_seen.clear()


def _headers(secure: bool) -> list[tuple[str, str]]:
    headers = _built_headers.get(secure)
    if headers is None:
        headers = _built_headers[secure] = _build_headers(secure)
    return headers


def _build_headers(secure: bool) -> list[tuple[str, str]]:
    """The headers the full stack puts on this route's JSON answers (tests/medical/test_fastpath
    compares them with a full-stack answer)."""
    headers = [("Content-Type", "application/json; charset=utf-8")]
    for header, config in (
        (CSP.HEADER_ENFORCE, getattr(settings, "SECURE_CSP", None)),
        (CSP.HEADER_REPORT_ONLY, getattr(settings, "SECURE_CSP_REPORT_ONLY", None)),
    ):
        if config:
            headers.append((str(header), build_policy(config)))
    if settings.X_FRAME_OPTIONS:
        headers.append(("X-Frame-Options", str(settings.X_FRAME_OPTIONS).upper()))
    headers += [("Vary", "Cookie"), ("Cache-Control", "no-store"), ("Pragma", "no-cache")]
    if secure and settings.SECURE_HSTS_SECONDS:
        sts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            sts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            sts += "; preload"
        headers.append(("Strict-Transport-Security", sts))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        policy = settings.SECURE_REFERRER_POLICY
        if not isinstance(policy, str):
            policy = ",".join(policy)
        headers.append(("Referrer-Policy", policy))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    return headers


def _is_secure(environ: dict[str, Any]) -> bool:
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        header, value = proxy
        forwarded = environ.get(header)
        if forwarded is not None:
            return bool(forwarded.split(",")[0].strip() == value)
    return bool(environ.get("wsgi.url_scheme") == "https")


_hosts_seen: dict[str, bool] = {}


def _host_allowed(environ: dict[str, Any]) -> bool:
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        return False  # the full stack sorts out forwarded hosts
    known = _hosts_seen.get(host)
    if known is None:
        if len(_hosts_seen) > 64:  # a client making up hosts does not grow the cache
            _hosts_seen.clear()
        known = _hosts_seen[host] = _check_host(str(host))
    return known


def _check_host(host: str) -> bool:
    domain, _ = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


def _read_body(environ: dict[str, Any]) -> bytes | None:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length <= 0 or length > MAX_BODY:
        return None
    body: bytes = environ["wsgi.input"].read(length)
    return body


def _answer(environ: dict[str, Any], body: bytes) -> tuple[int, Any] | None:
    """(status, JSON data) — or None: let the full stack answer."""
    from minzheng.medical.api import SCOPE, SettlementIn, client_for_token, settle_for

    if environ.get("QUERY_STRING"):
        return None
    if not str(environ.get("CONTENT_TYPE", "")).startswith("application/json"):
        return None
    scheme, _, token = str(environ.get("HTTP_AUTHORIZATION", "")).partition(" ")
    if scheme.lower() != "bearer" or not token or " " in token:
        return None
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    # JSON refuses raw control characters in strings (strict parsing); only an escape (\u0000),
    # which starts with a backslash in every encoding json.loads accepts, or a raw DEL can bring
    # one in, so the walk is needed only then. The body is shorter than a field may be
    # (MAX_BODY ≤ MAX_FIELD_CHARS), so no string can be too long.
    if b"\\" in body or b"\x7f" in body:
        for value in walk_strings(data):
            if text_problem(value) is not None:
                return None
    try:
        claim = SettlementIn.model_validate(data)
    except ValidationError:
        return None
    client = client_for_token(token)
    if client is None or not client.has_scope(SCOPE):
        return None
    try:
        return 200, settle_for(client, claim)
    except DomainError as error:
        return error.status, {"code": error.code, "message": error.message}
    except (DataError, OverflowError):
        return 400, {
            "code": "value_out_of_range",
            "message": "请求中的内容超出允许的长度或数值范围",
        }


class SettlementFastPath:
    """WSGI middleware: answers ordinary settlement calls itself, passes everything else on."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.app(environ, start_response)
        secure = _is_secure(environ)
        if (settings.SECURE_SSL_REDIRECT and not secure) or not _host_allowed(environ):
            return self.app(environ, start_response)
        body = _read_body(environ)
        if body is None:
            return self.app(environ, start_response)
        started = time.perf_counter()
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            answer = _answer(environ, body)
        except Exception:
            answer = (500, {"code": "server_error", "message": "服务器内部错误，请稍后重试"})
            server_log.exception("Internal Server Error: %s", PATH)
        finally:
            signals.request_finished.send(sender=self.__class__)
        if answer is None:
            environ["wsgi.input"] = io.BytesIO(body)  # the full stack reads it again
            return self.app(environ, start_response)
        status, data = answer
        payload = json.dumps(data, cls=NinjaJSONEncoder).encode()
        headers = [*_headers(secure), ("Content-Length", str(len(payload)))]
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        _count(status, started)
        return [payload]


# The metric series this route writes, looked up once per process (a `labels()` lookup per call
# was 4 % of a settlement's CPU).
_series: dict[str, Any] = {}


def _count(status: int, started: float) -> None:
    from minzheng.operations.metrics import LATENCY, REQUESTS, SERVER_ERRORS

    elapsed = time.perf_counter() - started
    klass = f"{status // 100}xx"
    if klass not in _series:  # created on first use, as `labels()` would: no empty series
        _series["latency"] = LATENCY.labels(ROUTE, "POST")
        _series[klass] = REQUESTS.labels(ROUTE, "POST", klass)
    _series["latency"].observe(elapsed)
    _series[klass].inc()
    if status >= 500:
        SERVER_ERRORS.labels(ROUTE).inc()
    if log.isEnabledFor(logging.INFO):
        log.info(
            "request",
            extra={
                "method": "POST",
                "path": PATH,
                "status": status,
                "ms": round(elapsed * 1000, 1),
                "user": None,
            },
        )
