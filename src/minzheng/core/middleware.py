from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from minzheng.core import audit
from minzheng.core.errors import DomainError, ValidationFailed
from minzheng.core.inputs import text_problem, walk_strings

log = logging.getLogger("minzheng.request")


class RequestLogMiddleware:
    """One structured line per request: method, path, status, milliseconds, user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if request.path != "/healthz":
            user = getattr(request, "user", None)
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "user": user.get_username()
                    if user is not None and user.is_authenticated
                    else None,
                },
            )
        return response


class DomainErrorMiddleware:
    """A refused action is a clear Chinese message with its code, never a stack trace."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DataError | OverflowError):
            # The database refused a value no form check caught (too long, out of range): the
            # transaction has rolled back, so the user gets a refusal, not a 500.
            exception = ValidationFailed(
                "输入的内容超出允许的长度或数值范围，未保存，请检查后重新提交",
                code="value_out_of_range",
            )
        if not isinstance(exception, DomainError):
            return None
        return error_response(request, exception)


def error_response(request: HttpRequest, error: DomainError) -> HttpResponse:
    """A refusal as `{code, message}` for the API, else the Chinese error page (or fragment)."""
    if request.path.startswith("/api/") or request.headers.get("Accept") == "application/json":
        return JsonResponse(error.as_dict(), status=error.status)
    template = (
        "core/error_fragment.html" if request.headers.get("HX-Request") else "core/error.html"
    )
    return render(request, template, {"error": error}, status=error.status)


class DialogReasonMiddleware:
    """The `dialog_reason` a staff form posts (typed in the confirmation dialog) goes with every
    audit event the request writes (`core.audit.dialog_reason`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reason = ""
        if (
            request.method == "POST"
            and not request.path.startswith("/api/")
            and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            reason = request.POST.get("dialog_reason", "")
        token = audit.dialog_reason.set(reason)
        try:
            return self.get_response(request)
        finally:
            audit.dialog_reason.reset(token)


class InputGuardMiddleware:
    """Every query string, form field and JSON body is refused if it holds NUL or a control
    character, or one field is over the length limit — before any view or query sees it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self._problem(request)
        if problem is not None:
            return error_response(request, ValidationFailed(problem, code="invalid_text"))
        return self.get_response(request)

    @staticmethod
    def _problem(request: HttpRequest) -> str | None:
        values: list[str] = []
        for key, items in request.GET.lists():
            values.append(key)
            values.extend(items)
        kind = request.content_type
        if request.method in ("POST", "PUT", "PATCH"):
            if kind == "application/x-www-form-urlencoded":
                # Read the body first, so the API (which reads it again) still can.
                _ = request.body
                for key, items in request.POST.lists():
                    values.append(key)
                    values.extend(items)
            elif kind == "multipart/form-data" and not request.path.startswith("/api/"):
                for key, items in request.POST.lists():
                    values.append(key)
                    values.extend(items)
            elif kind == "application/json":
                try:
                    body = json.loads(request.body or b"null")
                except (ValueError, UnicodeDecodeError):
                    body = None  # the API answers malformed JSON itself, with its own 400
                values.extend(walk_strings(body))
        for value in values:
            problem = text_problem(value)
            if problem is not None:
                return problem
        return None


class NoStoreMiddleware:
    """Pages, exports, PDFs and API answers carry personal data: no browser or proxy keeps them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static_prefix = str(getattr(settings, "STATIC_URL", "/static/") or "/static/")
        if not self.static_prefix.startswith("/"):
            self.static_prefix = "/" + self.static_prefix

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(self.static_prefix):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
