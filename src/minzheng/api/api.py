"""/api/v1: assembled from each app's `api.router`; one error shape `{code, message}`."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import ScopedActor
from minzheng.api.auth import AUTH
from minzheng.api.models import ApiClient
from minzheng.core.errors import DomainError, PermissionDenied

api = NinjaAPI(
    title="minzheng 智慧民政 API",
    version="1",
    description="智慧民政平台开放接口。合作系统使用 Bearer 令牌（按授权范围），工作人员使用登录会话。"
    "错误统一为 {code, message}，message 为中文说明。",
    auth=AUTH,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def actor(
    request: HttpRequest, *, scope: str, capability: Capability = Capability.CASE_DATA
) -> ScopedActor:
    """The caller, checked for the partner scope or the staff capability the endpoint needs."""
    caller: Any = getattr(request, "auth", None)
    if isinstance(caller, ApiClient):
        if not caller.has_scope(scope):
            raise PermissionDenied(f"该客户端未获授权：{scope}")
        return caller
    if isinstance(caller, User) and caller.can(capability):
        return caller
    raise PermissionDenied("无权调用该接口")


def _error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthorized", "未认证：请提供有效的访问令牌或先登录")


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = []
    for error in exc.errors:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
        details.append(f"{where or '请求'}：{error.get('msg', '格式错误')}")
    return _error(request, 400, "invalid_request", "请求参数有误：" + "；".join(details))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    messages = {404: "资源不存在", 405: "不支持的请求方法", 403: "无权访问"}
    return _error(
        request, exc.status_code, f"http_{exc.status_code}", messages.get(exc.status_code, str(exc))
    )


def _mount_app_routers() -> None:
    """Each app that has an `api.py` with a `router` is mounted at /api/v1/<router prefix>."""
    for config in apps.get_app_configs():
        if not config.name.startswith("minzheng.") or config.label == "api":
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.api":
                continue
            raise
        router = getattr(module, "router", None)
        if router is not None:
            api.add_router(getattr(module, "PREFIX", f"/{config.label}"), router)


_mount_app_routers()
