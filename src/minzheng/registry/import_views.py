"""The caseworkers' Excel import page: the template, the upload, and the error report."""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core.errors import DomainError
from minzheng.core.exports import XLSX
from minzheng.core.uploads import XLSX as XLSX_KIND
from minzheng.core.uploads import check_data_file
from minzheng.registry.template import COLUMNS, template_bytes


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _reports_dir() -> Path:
    return Path(settings.VAR_DIR) / "import_reports"


def save_error_report(user: User, content: bytes) -> str:
    """Keep an import's error report for its author. The report names people: only the author may
    fetch it, by an unguessable name."""
    token = f"{user.pk}-{secrets.token_hex(16)}"
    _reports_dir().mkdir(parents=True, exist_ok=True)
    (_reports_dir() / f"{token}.xlsx").write_bytes(content)
    return token


@requires(Capability.EDIT_CASES)
def import_page(request: HttpRequest) -> HttpResponse:
    """The upload is checked by content here; the import itself runs on the worker, and the task
    page shows its progress, the counts and each refused row."""
    from minzheng.jobs.actions import do_start_job

    context: dict[str, object] = {"columns": COLUMNS}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = "请选择要导入的 .xlsx 文件"
        else:
            user = staff_user(request)
            try:
                checked = check_data_file(upload, {XLSX_KIND})
                job = do_start_job(
                    user,
                    "household_import",
                    {},
                    upload=checked.data,
                    upload_name=upload.name or "",
                )
            except DomainError as exc:
                context["error"] = exc.message
            else:
                return redirect("jobs:job_detail", job_id=job.pk)
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
