"""The caseworkers' Excel import page: the template, the upload, and the error report."""

from __future__ import annotations

import io
import secrets
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.core.errors import DomainError
from minzheng.core.exports import XLSX
from minzheng.core.uploads import XLSX as XLSX_KIND
from minzheng.core.uploads import check_data_file
from minzheng.registry.imports import import_households
from minzheng.registry.template import COLUMNS, template_bytes


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _reports_dir() -> Path:
    return Path(settings.VAR_DIR) / "import_reports"


@requires(Capability.EDIT_CASES)
def import_page(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"columns": COLUMNS}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = "请选择要导入的 .xlsx 文件"
        else:
            user = staff_user(request)
            try:
                checked = check_data_file(upload, {XLSX_KIND})
                result = import_households(user, io.BytesIO(checked.data))
            except DomainError as exc:
                context["error"] = exc.message
            else:
                context["result"] = result
                context["summary"] = result.summary()
                if result.errors:
                    # The report names people: only its author may fetch it, by an unguessable name.
                    token = f"{user.pk}-{secrets.token_hex(16)}"
                    _reports_dir().mkdir(parents=True, exist_ok=True)
                    (_reports_dir() / f"{token}.xlsx").write_bytes(result.error_report())
                    context["report_token"] = token
    return render(request, "registry/import_households.html", context)


@requires(Capability.EDIT_CASES)
def import_template(request: HttpRequest) -> HttpResponse:
    return _download(template_bytes(), "家庭户导入模板.xlsx")


@requires(Capability.EDIT_CASES)
def import_report(request: HttpRequest, token: str) -> HttpResponse:
    user = staff_user(request)
    owner, _, secret = token.partition("-")
    path = _reports_dir() / f"{token}.xlsx"
    if owner != str(user.pk) or not secret.isalnum() or not path.is_file():
        raise Http404
    return _download(path.read_bytes(), "导入错误报告.xlsx")
