"""Elderly-care pages: HTTP only — parse, call one action or query, render."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.core import clock
from minzheng.core.errors import DomainError, ValidationFailed
from minzheng.core.inputs import int_param
from minzheng.core.yearmonth import YearMonth
from minzheng.eldercare import actions, queries, rules
from minzheng.eldercare.models import Assessment
from minzheng.eldercare.rules import ITEMS, LEVEL_LABELS, Conditions
from minzheng.registry.models import Person

RISK_ROWS = 4  # blank event rows on the form; more events: save, then add at the next visit


@requires(Capability.CASE_DATA)
def assessment_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = clock.today()
    f = {k: request.GET.get(k, "").strip() for k in ("level", "q", "due")}
    rows = queries.latest_assessments(user)
    if f["due"]:
        rows = queries.due_for_reassessment(user, today)
    if f["level"] in LEVEL_LABELS:
        rows = rows.filter(level=f["level"])
    if f["q"]:
        rows = rows.filter(person__name__contains=f["q"])
    counts = queries.level_counts(user)
    page = Paginator(rows.order_by("-assessed_on", "-id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "eldercare/assessment_list.html",
        {
            "page": page,
            "filters": f,
            "levels": LEVEL_LABELS.items(),
            "level_cards": [(v, t, counts.get(v, 0)) for v, t in LEVEL_LABELS.items()],
            "due_count": queries.due_for_reassessment(user, today).count(),
            "today": today,
            "can_assess": user.can(Capability.EDIT_CASES),
        },
    )


def _answers(request: HttpRequest) -> dict[str, int]:
    answers: dict[str, int] = {}
    for item in ITEMS:
        raw = request.POST.get(item.code, "").strip()
        if raw:
            if not raw.isdigit():
                raise rules.AnswerInvalid(f"{item.code} {item.name} 的得分应为数字")
            answers[item.code] = int(raw)
    return answers


@requires(Capability.EDIT_CASES)
def assessment_new(request: HttpRequest) -> HttpResponse:
    """The assessor's form, sized for a phone: find the person, then the 26 items."""
    user = staff_user(request)
    today = clock.today()
    error = ""
    person: Person | None = None
    matches: list[Person] = []
    raw_person = request.GET.get("person") or request.POST.get("person") or ""
    try:
        if raw_person:
            person = Person.objects.get_visible(user, pk=int_param(raw_person, "人员编号"))
    except DomainError as exc:
        error = exc.message
    q = request.GET.get("q", "").strip()
    if person is None and q:
        elderly_age, _ = queries.parameters(user.region_id, today).integer("eldercare.elderly_age")
        born_before = date(today.year - elderly_age, today.month, 1)
        matches = list(queries.find_elderly(user, q, born_before))
        if not matches:
            error = (
                f"未找到“{q}”：请核对姓名或身份证号（仅列出辖区内{elderly_age}周岁以上在世人员）"
            )
    if request.method == "POST" and person is not None:
        try:
            assessed_on = _day(request.POST.get("assessed_on", ""))
            events = actions.parse_risk_events(
                [
                    (
                        request.POST.get(f"event_kind_{i}", ""),
                        request.POST.get(f"event_day_{i}", ""),
                    )
                    for i in range(RISK_ROWS)
                ]
            )
            assessment = actions.do_record_assessment(
                user,
                person.pk,
                answers=_answers(request),
                conditions=Conditions(
                    coma=request.POST.get("coma") == "on",
                    dementia=request.POST.get("dementia") == "on",
                    mental_disorder=request.POST.get("mental_disorder") == "on",
                    risk_events=events,
                ),
                assessed_on=assessed_on,
                reason=request.POST.get("reason", ""),
                second_assessor=request.POST.get("second_assessor", ""),
            )
            return redirect("eldercare:assessment_detail", assessment.pk)
        except DomainError as exc:
            error = exc.message
    previous = queries.person_history(user, person.pk).first() if person else None
    chosen = {i.code: request.POST.get(i.code, "") for i in ITEMS}
    grouped = [
        (
            g,
            [
                (i, int(chosen[i.code]) if chosen[i.code].isdigit() else None)
                for i in ITEMS
                if i.group == g
            ],
        )
        for g in rules.GROUP_LABELS
    ]
    return render(
        request,
        "eldercare/assessment_form.html",
        {
            "person": person,
            "matches": matches,
            "q": q,
            "error": error,
            "grouped": grouped,
            "assessed_on": request.POST.get("assessed_on") or today.isoformat(),
            "form": request.POST,
            "today": today,
            "previous": previous,
            "risk_rows": range(RISK_ROWS),
            "risk_kinds": rules.RISK_EVENT_LABELS.items(),
            "reasons": [(v, t) for v, t in Assessment.Reason.choices if v != "first"],
        },
    )


def _day(text: str, what: str = "评估日期") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(f"{what}应为 YYYY-MM-DD 的有效日期", code="date_invalid") from None


@requires(Capability.CASE_DATA)
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = staff_user(request)
    assessment = Assessment.objects.select_related("person", "assessor").get_visible(
        user, pk=assessment_id
    )
    scores = assessment.item_scores
    rows = [
        (item, scores.get(item.code), dict(item.options).get(scores.get(item.code, -1), ""))
        for item in ITEMS
    ]
    return render(
        request,
        "eldercare/assessment_detail.html",
        {
            "a": assessment,
            "rows": rows,
            "groups": [
                (g, score, rules.GROUP_MAX[g])
                for g, score in (
                    ("self_care", assessment.self_care_score),
                    ("movement", assessment.movement_score),
                    ("mental", assessment.mental_score),
                    ("perception", assessment.perception_score),
                )
            ],
            "history": queries.person_history(user, assessment.person_id),
            "events": [(k, d) for k, d in assessment.risk_events],
            "can_assess": user.can(Capability.EDIT_CASES),
            "max_total": rules.MAX_TOTAL,
        },
    )


@requires(Capability.CASE_DATA)
def allowance_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = clock.today()
    error, done = "", None
    month_text = request.POST.get("month") or str(YearMonth.of(today))
    if request.method == "POST":
        try:
            if not user.can(Capability.APPROVE):
                raise ValidationFailed(
                    "只有县级审核审批员可以生成高龄津贴名单", code="not_approver"
                )
            try:
                month = YearMonth.parse(month_text)
            except (ValueError, TypeError):
                raise ValidationFailed(
                    f"月份格式应为 YYYY-MM：{month_text}", code="month_invalid"
                ) from None
            done = actions.do_enrol_allowances(user, user.region_id, month)
        except DomainError as exc:
            error = exc.message
    rows = queries.allowance_enrolments(user)
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(person__name__contains=q)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "eldercare/allowance_list.html",
        {
            "page": page,
            "q": q,
            "summary": queries.allowance_summary(user),
            "can_run": user.can(Capability.APPROVE),
            "month": month_text,
            "error": error,
            "done": done,
        },
    )


# ── 助餐 ────────────────────────────────────────────────────────────────────────────────────


def _month(text: str, default: YearMonth) -> YearMonth:
    if not text:
        return default
    try:
        return YearMonth.parse(text)
    except (ValueError, TypeError):
        raise ValidationFailed(f"月份格式应为 YYYY-MM：{text}", code="month_invalid") from None


@requires(Capability.CASE_DATA)
def meal_points(request: HttpRequest) -> HttpResponse:
    """Meal points, this month's figures and the coverage of villages, computed."""
    user = staff_user(request)
    today = clock.today()
    error = ""
    if request.method == "POST":
        try:
            actions.do_add_meal_point(
                user,
                name=request.POST.get("name", ""),
                village_code=request.POST.get("village", ""),
                operator=request.POST.get("operator", ""),
            )
            return redirect("eldercare:meal_points")
        except DomainError as exc:
            error = exc.message
    month = YearMonth.of(today)
    coverage = queries.meal_coverage(user)
    return render(
        request,
        "eldercare/meal_points.html",
        {
            "points": queries.meal_points_visible(user),
            "coverage": coverage,
            "villages": sum(c.villages for c in coverage),
            "covered": sum(c.covered for c in coverage),
            "figures": queries.meal_month_figures(user, month.first_day(), today),
            "month": month,
            "can_add": user.can(Capability.EDIT_CASES),
            "error": error,
            "form": request.POST,
        },
    )


@requires(Capability.CASE_DATA)
def meal_records(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = clock.today()
    error, saved = "", None
    if request.method == "POST":
        try:
            meals = request.POST.get("meals", "").strip()
            if not meals.isdigit():
                raise ValidationFailed("餐次应为整数", code="meals_invalid")
            saved = actions.do_record_meal(
                user,
                point_id=int_param(request.POST.get("point"), "助餐点"),
                id_number=request.POST.get("id_number", "").strip(),
                day=_day(request.POST.get("day", ""), "就餐日期"),
                meals=int(meals),
            )
        except DomainError as exc:
            error = exc.message
    records = queries.meal_records_visible(user)
    q = request.GET.get("q", "").strip()
    if q:
        records = records.filter(person__name__contains=q)
    page = Paginator(records, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "eldercare/meal_records.html",
        {
            "page": page,
            "q": q,
            "points": queries.meal_points_visible(user).filter(active=True),
            "can_record": user.can(Capability.EDIT_CASES),
            "error": error,
            "saved": saved,
            "form": request.POST,
            "today": today.isoformat(),
        },
    )


@requires(Capability.CASE_DATA)
def meal_statements(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = clock.today()
    error = ""
    try:
        month = _month(
            request.POST.get("month") or request.GET.get("month", ""), YearMonth.of(today) - 1
        )
        if request.method == "POST":
            actions.do_confirm_meal_statement(
                user, int_param(request.POST.get("point"), "助餐点"), month
            )
            return redirect(f"{request.path}?month={month}")
    except DomainError as exc:
        error, month = exc.message, YearMonth.of(today) - 1
    first, last = month.first_day(), month.last_day()
    dues = [queries.meal_month_due(p, first, last) for p in queries.meal_points_visible(user)]
    return render(
        request,
        "eldercare/meal_statements.html",
        {
            "month": month,
            "dues": dues,
            "can_confirm": user.can(Capability.APPROVE),
            "month_over": month < YearMonth.of(today),
            "error": error,
        },
    )
