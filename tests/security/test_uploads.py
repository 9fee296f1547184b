"""Uploads are judged by content, limited in size, re-encoded, and served so they cannot run.

Regression for the stored XSS: a village assistant uploaded an `.html` "photo" that ran as a
same-origin page when an approver opened it (applications/actions.py, views.py, models.py).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from minzheng.applications.models import Application, HomeVisit, VisitPhoto
from minzheng.core.errors import ValidationFailed
from minzheng.core.uploads import CSV, JPEG, PDF, PNG, XLSX, check_upload, sniff
from tests.applications.conftest import application_li, clock  # noqa: F401
from tests.security.conftest import jpeg_with_exif, png

HTML = b"<html><body><script>fetch('/registry/persons/1/reveal/id_number/')</script></body></html>"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _visit(client: Client, app: Any, *files: SimpleUploadedFile) -> Any:
    return client.post(
        f"/applications/{app.pk}/act/record_visit/",
        {"visited_on": "2020-09-25", "notes": "入户查看", "photos": list(files)},
        HTTP_HX_REQUEST="true",
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("kitchen.jpg", HTML),
        ("kitchen.html", HTML),
        ("steal.js", b"fetch('/api/v1/registry/persons')"),
        ("kitchen.jpg", b"\xff\xd8\xff but not really a jpeg"),
        ("kitchen.png", b"GIF89a" + b"\x00" * 20),
    ],
)
def test_a_photo_that_is_not_a_jpeg_or_png_is_refused_and_nothing_is_recorded(
    application_li: Any,  # noqa: F811
    caseworker_nanmen: Any,
    client_for: Callable[[Any], Client],
    name: str,
    content: bytes,
) -> None:
    response = _visit(
        client_for(caseworker_nanmen),
        application_li,
        SimpleUploadedFile(name, content, content_type="image/jpeg"),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "图片" in text or "文件类型不被接受" in text
    assert not HomeVisit.objects.exists() and not VisitPhoto.objects.exists()
    assert Application.objects.get().step == "visit"


def test_a_photo_over_the_size_limit_is_refused(
    application_li: Any,  # noqa: F811
    caseworker_nanmen: Any,
    client_for: Callable[[Any], Client],
    settings: Any,
) -> None:
    settings.UPLOAD_MAX_BYTES = 2000
    big = SimpleUploadedFile("big.jpg", jpeg_with_exif((400, 400)) + b"\x00" * 3000)
    response = _visit(client_for(caseworker_nanmen), application_li, big)
    assert response.status_code == 400 and "文件超过" in response.content.decode()
    assert not VisitPhoto.objects.exists()


def test_a_photo_is_re_encoded_without_metadata_and_served_inline_with_nosniff_and_sandbox(
    application_li: Any,  # noqa: F811
    caseworker_nanmen: Any,
    approver_haishu: Any,
    client_for: Callable[[Any], Client],
) -> None:
    original = jpeg_with_exif()
    assert b"SecretCam" in original and b"<script>" in original
    response = _visit(
        client_for(caseworker_nanmen), application_li, SimpleUploadedFile("k.jpg", original)
    )
    assert response.status_code == 200
    stored = VisitPhoto.objects.get()
    assert stored.image.name.endswith(".jpg") and "k.jpg" not in stored.image.name
    with stored.image.open("rb") as handle:
        kept = handle.read()
    assert kept.startswith(b"\xff\xd8\xff")
    assert b"SecretCam" not in kept and b"GPS" not in kept and b"<script>" not in kept
    served = client_for(approver_haishu).get(f"/applications/photos/{stored.pk}/")
    assert served.status_code == 200 and served.content == kept
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"].startswith("sandbox")
    assert served["Content-Disposition"].startswith("inline")
    assert served["Cache-Control"] == "no-store"


def test_a_file_stored_before_the_check_is_served_as_an_attachment_that_cannot_run(
    application_li: Any,  # noqa: F811
    caseworker_nanmen: Any,
    approver_haishu: Any,
    client_for: Callable[[Any], Client],
) -> None:
    visit = HomeVisit.objects.create(
        application=application_li,
        visited_on="2020-09-25",
        notes="旧数据",
        visitor=caseworker_nanmen,
    )
    old = VisitPhoto.objects.create(visit=visit, image=ContentFile(HTML, "evil.html"))
    served = client_for(approver_haishu).get(f"/applications/photos/{old.pk}/")
    assert served.status_code == 200
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]


def test_signed_consent_forms_accept_pdf_and_refuse_html(
    application_li: Any,  # noqa: F811
    caseworker_nanmen: Any,
    client_for: Callable[[Any], Client],
) -> None:
    client = client_for(caseworker_nanmen)
    url = f"/applications/{application_li.pk}/act/consents/"
    refused = client.post(
        url, {"pledge_file": SimpleUploadedFile("pledge.pdf", HTML)}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 400 and "文件类型不被接受" in refused.content.decode()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    accepted = client.post(
        url, {"pledge_file": SimpleUploadedFile("pledge.pdf", pdf)}, HTTP_HX_REQUEST="true"
    )
    assert accepted.status_code == 200
    app = Application.objects.get()
    assert app.pledge_file.name.endswith(".pdf")
    with app.pledge_file.open("rb") as handle:
        assert handle.read() == pdf


def test_the_household_import_refuses_a_file_that_is_not_a_workbook_by_content(
    caseworker_nanmen: Any, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(caseworker_nanmen)
    fake = SimpleUploadedFile("家庭户.xlsx", HTML)
    page = client.post("/registry/import/", {"file": fake}).content.decode()
    assert "文件类型不被接受" in page
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("payload.html", HTML)
    page = client.post(
        "/registry/import/", {"file": SimpleUploadedFile("x.xlsx", other_zip.getvalue())}
    ).content.decode()
    assert "文件类型不被接受" in page


def test_the_roster_import_refuses_a_png_named_xlsx(
    caseworker_nanmen: Any, client_for: Callable[[Any], Client]
) -> None:
    page = client_for(caseworker_nanmen).post(
        "/linkage/roster/", {"file": SimpleUploadedFile("名单.xlsx", png())}
    )
    assert "文件类型不被接受" in page.content.decode()


def test_content_decides_the_kind_not_the_name() -> None:
    from openpyxl import Workbook

    book = io.BytesIO()
    Workbook().save(book)
    assert sniff(jpeg_with_exif()) == JPEG
    assert sniff(png()) == PNG
    assert sniff(b"%PDF-1.7\n") == PDF
    assert sniff(book.getvalue()) == XLSX
    assert sniff("流水号,结果\nB1-1,00\n".encode("gb18030")) == CSV
    assert sniff(b"\x00\x01\x02binary") is None
    with pytest.raises(ValidationFailed) as caught:
        check_upload(b"", {JPEG})
    assert caught.value.code == "upload_empty"
    with pytest.raises(ValidationFailed) as caught:
        check_upload(book.getvalue(), {JPEG, PNG})
    assert caught.value.code == "upload_bad_type" and "JPEG" in caught.value.message
