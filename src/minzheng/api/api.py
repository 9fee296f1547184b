"""/api/v1: assembled from each app's `api.router`; one error shape `{code, message}`."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.db import DataError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from minzheng.api.auth import AUTH
from minzheng.core.errors import DomainError

# Every operation may answer with these, each as `{code, message}` (declared in the schema).
ERROR_RESPONSES = {
    "400": "请求有误（参数、格式或取值超出范围）",
    "401": "未认证",
    "403": "无权访问",
    "404": "资源不存在或不在授权范围内",
    "405": "不支持的请求方法",
    "409": "与现有数据冲突",
    "422": "请求内容无法处理",
}
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "稳定的错误代码"},
        "message": {"type": "string", "description": "中文说明"},
    },
    "required": ["code", "message"],
}


class MinzhengAPI(NinjaAPI):
    """The schema declares the shared error responses on every operation, so a client (and
    schemathesis) knows every status it can get back."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"$ref": "#/components/schemas/Error"}
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                for status, description in ERROR_RESPONSES.items():
                    operation["responses"].setdefault(
                        status,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": ref}},
                        },
                    )
        return schema


api = MinzhengAPI(
    title="minzheng 智慧民政 API",
    version="1",
    description="智慧民政平台开放接口。合作系统使用 Bearer 令牌（按授权范围），工作人员使用登录会话。"
    "错误统一为 {code, message}，message 为中文说明。",
    auth=AUTH,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthorized", "未认证：请提供有效的访问令牌或先登录")


# pydantic's error types in Chinese; an unknown type keeps pydantic's own words.
VALIDATION_MESSAGES = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": '应为数字（金额写作字符串，如 "1200.50"）',
    "decimal_type": "应为数字",
    "finite_number": "应为有限的数字（不接受 NaN、Infinity）",
    "decimal_max_places": "最多两位小数",
    "decimal_max_digits": "位数过多",
    "greater_than_equal": "取值过小",
    "less_than_equal": "取值过大",
    "greater_than": "取值过小",
    "less_than": "取值过大",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "date_type": "应为日期 YYYY-MM-DD",
    "datetime_parsing": "应为时间",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "too_long": "条目过多",
    "too_short": "条目过少",
    "enum": "不是允许的取值",
    "literal_error": "不是允许的取值",
    "extra_forbidden": "不认识的字段",
    "json_invalid": "JSON 格式错误",
    "model_attributes_type": "格式不对",
    "dict_type": "应为对象",
    "list_type": "应为数组",
    "value_error": "取值不合法",
}


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = []
    for error in exc.errors:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
        kind = str(error.get("type", ""))
        text = VALIDATION_MESSAGES.get(kind) or str(error.get("msg", "格式错误"))
        if kind == "value_error":  # our own validators (CleanText …) speak Chinese already
            text = str(error.get("msg", text)).removeprefix("Value error, ")
        details.append(f"{where or '请求'}：{text}")
    return _error(request, 400, "invalid_request", "请求参数有误：" + "；".join(details[:10]))


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # An id or number past what the database can hold (SQLite raises this for ≥ 2**63).
    return _error(request, 400, "value_out_of_range", "请求中的数值超出允许范围")


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    return _error(request, 400, "value_out_of_range", "请求中的内容超出允许的长度或数值范围")


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
