"""Every case, open or finished, found by what a caseworker knows: name, ID number, case number,
programme, status, step, region and date. Reads go through the region scope (`visible_to`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.scope import narrowed
from minzheng.applications.models import Application, ApplicationProgramme
from minzheng.applications.rules import CLOSED_STEPS, OPEN_STEPS
from minzheng.core.errors import ValidationFailed
from minzheng.core.pii import ID_NUMBER, blind_index
from minzheng.registry.queries import name_prefix

CASE_NUMBER = re.compile(r"^\d{8}(\d{6})$")


@dataclass(frozen=True)
class CaseSearch:
    name: str = ""
    id_number: str = ""
    number: str = ""
    programme: str = ""
    status: str = ""  # "open" | "closed" | ""
    step: str = ""
    region: str = ""  # any region inside the user's scope (the region picker)
    submitted_from: date | None = None
    submitted_to: date | None = None


def _day(text: str, label: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"{label}格式应为 YYYY-MM-DD", code="bad_date") from None


def parse(params: dict[str, str]) -> CaseSearch:
    return CaseSearch(
        name=params.get("name", "").strip(),
        id_number=params.get("id_number", "").strip().upper(),
        number=params.get("number", "").strip(),
        programme=params.get("programme", "").strip(),
        status=params.get("status", "").strip(),
        step=params.get("step", "").strip(),
        region=(params.get("region") or params.get("township") or "").strip(),
        submitted_from=_day(params.get("from", "").strip(), "申请日期（起）"),
        submitted_to=_day(params.get("to", "").strip(), "申请日期（止）"),
    )


def search_cases(user: User, s: CaseSearch) -> QuerySet[Application]:
    qs: QuerySet[Application] = Application.objects.visible_to(narrowed(user, s.region))
    if s.name:
        # A prefix of the name copied onto the case, from its index (application_applicant_name).
        qs = name_prefix(qs, s.name, field="applicant_name")
    if s.id_number:
        qs = qs.filter(applicant__id_number_index=blind_index(ID_NUMBER, s.id_number))
    if s.number:
        found = CASE_NUMBER.match(s.number)
        if found is None:
            raise ValidationFailed("申请编号应为14位数字", code="bad_case_number")
        qs = qs.filter(pk=int(found.group(1)))
    if s.programme:
        # EXISTS, not a join: a join needs DISTINCT, and DISTINCT sorts every case in scope
        # before the first page (2.2 s at 50,000 cases) instead of reading the date index.
        lines = ApplicationProgramme.objects.filter(
            application=OuterRef("pk"), programme=s.programme
        )
        qs = qs.filter(Exists(lines))
    if s.status == "open":
        qs = qs.filter(step__in=[x.value for x in OPEN_STEPS])
    elif s.status == "closed":
        qs = qs.filter(step__in=[x.value for x in CLOSED_STEPS])
    if s.step:
        qs = qs.filter(step=s.step)
    if s.submitted_from:
        qs = qs.filter(submitted_on__gte=s.submitted_from)
    if s.submitted_to:
        qs = qs.filter(submitted_on__lte=s.submitted_to)
    # The order follows the index `application_submitted_scope`: the first page reads 20 entries.
    return qs.select_related("applicant", "region").order_by("-submitted_on", "-id")
