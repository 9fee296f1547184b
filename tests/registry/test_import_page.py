"""The import page: a caseworker uploads a sheet, sees the errors and downloads the report."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import include, path
from openpyxl import load_workbook

from minzheng.registry.models import Person
from minzheng.urls import urlpatterns as project_urlpatterns
from tests.registry.test_import_households import CHEN_FAMILY, member, sheet

# Until the project's urls.py includes the import pages, this test mounts them itself.
urlpatterns = [
    *project_urlpatterns,
    path("registry/import/", include("minzheng.registry.import_urls")),
]


@pytest.mark.urls(__name__)
def test_a_caseworker_imports_a_sheet_and_downloads_the_error_report(
    caseworker_nanmen: Any,
    settings: Any,
    tmp_path: Any,
    run_worker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.VAR_DIR = tmp_path
    client = Client()
    client.force_login(caseworker_nanmen)
    template = client.get("/registry/import/template.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    upload = sheet(*CHEN_FAMILY, member("B", "户主", "赵敏", "330203198001011235"))
    upload.name = "households.xlsx"  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/registry/import/", {"file": upload})
    # The import runs on the worker; the task page shows the counts and each refused row.
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    assert not Person.objects.filter(name="陈国平").exists()
    assert run_worker() == 1
    page = client.get(response["Location"]).content.decode()
    assert "身份证号码校验码不符" in page and Person.objects.filter(name="陈国平").exists()
    assert "<tr><th>未导入行</th><td>1</td></tr>" in page
    link = page.split('href="/registry/import/report/')[1].split('"')[0]
    report = client.get(f"/registry/import/report/{link}")
    rows = list(load_workbook(io.BytesIO(report.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][:2] == (5, "身份证号")


@pytest.mark.urls(__name__)
def test_a_village_assistant_may_import_but_an_auditor_may_not(
    auditor: Any, assistant_fuhu: Any
) -> None:
    client = Client()
    client.force_login(auditor)
    assert client.get("/registry/import/").status_code == 403
    client.force_login(assistant_fuhu)
    assert client.get("/registry/import/").status_code == 200
