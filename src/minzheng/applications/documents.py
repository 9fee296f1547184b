"""PDF documents with Chinese fonts and a QR code: receipt, decision, refusal and exit notices."""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from minzheng.applications.models import Application, ReviewTask
from minzheng.applications.queries import parameters_for
from minzheng.applications.rules import refusal_notice_due
from minzheng.assistance.programmes import get_programme
from minzheng.core.masking import mask_name

KINDS = {
    "receipt": ("受理回执", "applications/pdf/receipt.html"),
    "decision": ("救助决定通知书", "applications/pdf/decision.html"),
    "refusal": ("不予批准通知书", "applications/pdf/refusal.html"),
}


def status_url(request: HttpRequest, app: Application) -> str:
    return request.build_absolute_uri(reverse("portal:status", args=[app.status_token]))


def qr_data_uri(text: str) -> str:
    image = qrcode.make(text, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def pdf_bytes(template: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_to_string(template, context))


def application_context(request: HttpRequest, app: Application) -> dict[str, Any]:
    url = status_url(request, app)
    context: dict[str, Any] = {
        "app": app,
        "programmes": [get_programme(p).name for p in app.programmes],
        "masked_name": mask_name(app.applicant.name),
        "status_url": url,
        "qr": qr_data_uri(url),
        "printed_at": timezone.localtime(),
        "enrolled": [
            {**row, "name": get_programme(row["programme"]).name}
            for row in app.decision.get("enrolled", [])
        ],
        "skipped": [
            {**row, "name": get_programme(row["programme"]).name}
            for row in app.decision.get("skipped", [])
        ],
    }
    if app.decided_on and app.refusal_reason:
        context["notice_due"] = refusal_notice_due(
            app.decided_on,
            parameters_for(app.region_id, app.decided_on),
            fast_track=app.fast_track,
        ).due.on
    return context


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def application_html(request: HttpRequest, app: Application, kind: str) -> str:
    """The document as HTML: what the PDF is printed from (and what tests read)."""
    title, template = KINDS[kind]
    return render_to_string(template, {**application_context(request, app), "title": title})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]  # imported late: loads Pango

    result: bytes = HTML(string=html).write_pdf()
    return result


def application_pdf(request: HttpRequest, app: Application, kind: str) -> HttpResponse:
    title = KINDS[kind][0]
    return pdf_response(
        html_to_pdf(application_html(request, app, kind)), f"{title}-{app.number}.pdf"
    )


def exit_notice_pdf(request: HttpRequest, task: ReviewTask) -> HttpResponse:
    enrolment = task.enrolment
    head = enrolment.household.head
    url = request.build_absolute_uri(reverse("portal:home"))
    data = pdf_bytes(
        "applications/pdf/exit.html",
        {
            "title": "救助变更（退出）通知书",
            "task": task,
            "enrolment": enrolment,
            "programme": get_programme(enrolment.programme).name,
            "head_name": head.name if head else "",
            "qr": qr_data_uri(url),
            "status_url": url,
            "printed_at": timezone.localtime(),
        },
    )
    return pdf_response(data, f"复核结论通知书-{task.pk}.pdf")
