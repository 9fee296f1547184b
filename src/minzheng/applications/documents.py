"""PDF documents with Chinese fonts and a QR code: receipt, decision, refusal and exit notices."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
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
from minzheng.regions.models import Region

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


@dataclass(frozen=True)
class Remedies:
    """Where and by when a decision can be challenged (告知救济途径)."""

    decided_by: str  # the county civil affairs bureau that decided
    review_body: str  # 行政复议机关: the county people's government
    court: str  # the basic people's court where the bureau sits
    review_days: int = 60
    litigation_months: int = 6


def remedies(app: Application) -> Remedies:
    return remedies_for(app.region)


def remedies_for(village: Region) -> Remedies:
    # 《中华人民共和国行政复议法》（2023年修订）第二十条：自知道行政行为之日起六十日内申请；
    # 第二十四条：县级以上地方人民政府管辖对本级人民政府工作部门作出的行政行为的复议。
    # 《中华人民共和国行政诉讼法》第四十六条：自知道作出行政行为之日起六个月内提起诉讼。
    county = village.parent.parent if village.parent else None
    county_name = county.name if county else ""
    city = county.parent.name if county and county.parent else ""
    # A district's court carries the city's name (宁波市海曙区人民法院); a county-level city's does not.
    court = (
        f"{city}{county_name}人民法院" if county_name.endswith("区") else f"{county_name}人民法院"
    )
    return Remedies(
        decided_by=f"{county_name}民政局",
        review_body=f"{county_name}人民政府",
        court=court,
    )


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
    context["remedies"] = remedies(app)
    context["provisional_ended"] = [
        {**row, "name": get_programme(row["programme"]).name}
        for row in app.decision.get("provisional_ended", [])
    ]
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
            "remedies": remedies_for(enrolment.region),
        },
    )
    return pdf_response(data, f"复核结论通知书-{task.pk}.pdf")
