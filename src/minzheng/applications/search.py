"""Every case, open or finished, found by what a caseworker knows: name, ID number, case number,
programme, status, step, township and date. Reads go through the region scope (`visible_to`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.scope import region_q, scope_q
from minzheng.applications.models import Application
from minzheng.applications.rules import CLOSED_STEPS, OPEN_STEPS
from minzheng.core.errors import ValidationFailed
from minzheng.core.pii import ID_NUMBER, blind_index
from minzheng.core.regioncode import RegionCode
from minzheng.regions.models import Level, Region

CASE_NUMBER = re.compile(r"^\d{8}(\d{6})$")
# Counting stops here: "10,000+" is shown beyond it (an exact COUNT over a city is the slow part).
COUNT_CAP = 10_000


@dataclass(frozen=True)
class CaseSearch:
    name: str = ""
    id_number: str = ""
    number: str = ""
    programme: str = ""
    status: str = ""  # "open" | "closed" | ""
    step: str = ""
    township: str = ""
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
        township=params.get("township", "").strip(),
        submitted_from=_day(params.get("from", "").strip(), "申请日期（起）"),
        submitted_to=_day(params.get("to", "").strip(), "申请日期（止）"),
    )


def search_cases(user: User, s: CaseSearch) -> QuerySet[Application]:
    qs = Application.objects.visible_to(user)
    if s.name:
        qs = qs.filter(applicant__name__contains=s.name)
    if s.id_number:
        qs = qs.filter(applicant__id_number_index=blind_index(ID_NUMBER, s.id_number))
    if s.number:
        found = CASE_NUMBER.match(s.number)
        if found is None:
            raise ValidationFailed("申请编号应为14位数字", code="bad_case_number")
        qs = qs.filter(pk=int(found.group(1)))
    if s.programme:
        qs = qs.filter(lines__programme=s.programme)
    if s.status == "open":
        qs = qs.filter(step__in=[x.value for x in OPEN_STEPS])
    elif s.status == "closed":
        qs = qs.filter(step__in=[x.value for x in CLOSED_STEPS])
    if s.step:
        qs = qs.filter(step=s.step)
    if s.township.isdigit() and len(s.township) == 12:
        qs = qs.filter(region_q(RegionCode.of(s.township, Level.TOWNSHIP)))
    if s.submitted_from:
        qs = qs.filter(submitted_on__gte=s.submitted_from)
    if s.submitted_to:
        qs = qs.filter(submitted_on__lte=s.submitted_to)
    return qs.distinct().select_related("applicant", "region").order_by("-submitted_on", "-id")


def capped_count(qs: QuerySet[Application]) -> tuple[int, bool]:
    """The number of rows up to the cap, and whether there are more."""
    n = qs.order_by().values("pk")[: COUNT_CAP + 1].count()
    return min(n, COUNT_CAP), n > COUNT_CAP


def townships_for(user: User) -> list[Region]:
    return list(Region.objects.filter(scope_q(user, "code"), level=Level.TOWNSHIP).order_by("code"))
