"""Staff pages: work queues, window intake, a case and its step actions (HTMX), reviews, outbox."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.applications import actions, documents, queries, rules
from minzheng.applications.models import (
    Application,
    Objection,
    ReviewTask,
    SmsMessage,
    VisitPhoto,
)
from minzheng.applications.rules import CaseAct, Move, Step
from minzheng.assistance.actions import amount_for
from minzheng.core import clock
from minzheng.core.audit import client_ip
from minzheng.core.errors import NotFound, ValidationFailed
from minzheng.core.inputs import int_param, parse_amount, region_prefix
from minzheng.core.pii import ID_NUMBER, blind_index
from minzheng.core.uploads import file_response
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.accounts import (
    BANKS,
    AccountForm,
    active_account,
    check_account_form,
    do_record_intake_account,
)
from minzheng.registry.models import Person


def money(text: str, label: str) -> Decimal:
    return parse_amount(text, label)


def day(text: str, label: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise ValidationFailed(f"{label}格式应为 YYYY-MM-DD", code="bad_date") from None


def account_form(request: HttpRequest, applicant: Person) -> AccountForm:
    return check_account_form(
        applicant,
        bank_name=request.POST.get("bank_name", ""),
        number=request.POST.get("account_number", ""),
        holder=request.POST.get("account_holder", "applicant"),
        agent_name=request.POST.get("agent_name", ""),
        relation=request.POST.get("agent_relation", ""),
    )


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


@requires(Capability.CASE_DATA)
def queue(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = clock.today()
    step = request.GET.get("step", "")
    overdue = request.GET.get("overdue") == "1"
    region = region_prefix(request.GET.get("region", ""))
    q = queries.queue_for(user, today, step=step, overdue_only=overdue, region=region)
    rows = [(app, rules.lateness(app.step_due, today)) for app in q.rows]
    context = {
        "queue": q,
        "rows": rows,
        "step": step,
        "overdue": overdue,
        "today": today,
        "can_edit": user.can(Capability.EDIT_CASES),
    }
    template = "applications/_queue_rows.html" if _is_htmx(request) else "applications/queue.html"
    return render(request, template, context)


@requires(Capability.EDIT_CASES)
def new_application(request: HttpRequest) -> HttpResponse:
    """窗口受理: find the applicant by full ID number, then one form for several programmes."""
    user = staff_user(request)
    number = (request.POST.get("id_number") or request.GET.get("id_number") or "").strip().upper()
    person = None
    if number:
        person = (
            Person.objects.visible_to(user)
            .filter(id_number_index=blind_index(ID_NUMBER, number))
            .first()
        )
    existing_account = active_account(person) if person else None
    if request.method == "POST" and person is not None:
        account = None if existing_account else account_form(request, person)
        with transaction.atomic():
            app = actions.do_submit_application(
                user,
                applicant=person,
                programmes=request.POST.getlist("programmes"),
                declared_income=money(request.POST.get("declared_income", ""), "家庭月收入"),
                income_variable=request.POST.get("income_variable") == "1",
                reason=request.POST.get("reason", ""),
                staff_relative_name=request.POST.get("staff_relative_name", ""),
                staff_relation=request.POST.get("staff_relation", ""),
                consents_confirmed=request.POST.get("consents") == "1",
                ip=client_ip(request),
            )
            if account is not None:
                do_record_intake_account(user, person, account, application_id=app.pk)
        return HttpResponseRedirect(reverse("applications:detail", args=[app.pk]))
    household = queries.current_household(person, clock.today()) if person else None
    return render(
        request,
        "applications/new.html",
        {
            "id_number": number,
            "person": person,
            "household": household,
            "choices": queries.programme_choices(),
            "not_found": bool(number) and person is None,
            "banks": BANKS,
            "existing_account": existing_account,
        },
    )


@requires(Capability.CASE_DATA)
def suggest(request: HttpRequest) -> HttpResponse:
    """HTMX: the programmes the rules suggest for the declared income."""
    user = staff_user(request)
    person = Person.objects.get_visible(
        user, pk=int_param(request.GET.get("person"), "人员编号", default=0)
    )
    return _suggestion(request, person)


def _suggestion(request: HttpRequest, person: Person) -> HttpResponse:
    today = clock.today()
    household = queries.current_household(person, today)
    try:
        income = money(request.GET.get("declared_income", ""), "家庭月收入")
    except ValidationFailed:
        return HttpResponse('<p class="muted">填写家庭月收入后显示建议项目。</p>')
    if household is None:
        return HttpResponse('<p class="muted">未找到家庭户。</p>')
    suggestion = queries.suggest_programmes(household, person, income, today)
    return render(request, "applications/_suggestion.html", {"suggestion": suggestion})


def _detail_context(request: HttpRequest, app: Application) -> dict[str, object]:
    user = staff_user(request)
    today = clock.today()
    facts = actions.case_facts(app)
    moves = {
        m.value: rules.decide_move(facts, m, user.role, user.pk, today)
        for m in Move
        if rules.TRANSITIONS[m].source.value == app.step
    }
    advance = rules.decide_advance_aid(
        rules.AdvanceFacts(
            step=Step(app.step),
            period_active=queries.fast_track_period(app.region_id, today) is not None,
            staff_relative=app.staff_relative,
            already_granted=app.advance_aid,
        ),
        user.role,
    )
    return {
        "app": app,
        "advance": advance,
        "advance_amount": rules.policy_amount(
            "advance_aid.temporary_amount", queries.parameters_for(app.region_id, today)
        ),
        "can_extend": (
            user.role in (rules.TOWNSHIP_CASEWORKER, rules.COUNTY_APPROVER)
            and app.step in {s.value for s in rules.OPEN_STEPS}
            and app.accepted_on is not None
            and not app.special_case
        ),
        "steps": app.steps.select_related("completed_by").order_by("id"),
        "visits": app.visits.prefetch_related("photos").select_related("visitor"),
        "objections": app.objections.select_related("answered_by").order_by("id"),
        "moves": moves,
        "lateness": rules.lateness(app.step_due, today),
        "today": today,
        "programme_names": [n for c, n in queries.programme_choices() if c in app.programmes],
        "is_approver": user.can(Capability.APPROVE),
        "can_edit": user.can(Capability.EDIT_CASES),
    }


@requires(Capability.CASE_DATA)
def detail(request: HttpRequest, application_id: int) -> HttpResponse:
    app = Application.objects.get_visible(staff_user(request), pk=application_id)
    return render(request, "applications/detail.html", _detail_context(request, app))


@require_POST
@requires(Capability.CASE_DATA)
def act(request: HttpRequest, application_id: int, move: str) -> HttpResponse:
    """One step action; HTMX gets the refreshed case panel back."""
    user = staff_user(request)
    app = Application.objects.get_visible(user, pk=application_id)
    post = request.POST
    try:
        code = CaseAct(move)
    except ValueError:
        raise NotFound("没有这个操作") from None
    if code is CaseAct.ACCEPT:
        actions.do_accept_application(user, app)
    elif code is CaseAct.RECORD_VISIT:
        actions.do_record_home_visit(
            user,
            app,
            visited_on=day(post.get("visited_on", ""), "入户日期"),
            notes=post.get("notes", ""),
            photos=request.FILES.getlist("photos"),
        )
    elif code is CaseAct.DEFER_VISIT:
        actions.do_defer_home_visit(user, app, reason=post.get("reason", ""))
    elif code is CaseAct.ADVANCE_AID:
        actions.do_grant_advance_aid(
            user,
            app,
            reason=post.get("reason", ""),
            temporary=post.get("temporary") == "1",
            enrol=post.get("enrol") == "1",
            bank_name=post.get("bank_name", ""),
            account_number=post.get("account_number", ""),
        )
    elif code is CaseAct.EXTEND:
        actions.do_extend_limit(user, app, reason=post.get("reason", ""))
    elif code is CaseAct.SPOT_CHECK:
        actions.do_record_spot_check(
            user,
            app,
            visited_on=day(post.get("visited_on", ""), "抽查日期"),
            note=post.get("note", ""),
        )
    elif code is CaseAct.CONSENTS:
        actions.do_sign_consents(
            user,
            app,
            ip=client_ip(request),
            pledge_file=request.FILES.get("pledge_file"),
            authorisation_file=request.FILES.get("authorisation_file"),
            confirmed_on_screen=post.get("confirmed") == "1",
        )
    elif code is CaseAct.RECORD_VERIFICATION:
        actions.do_record_verification(
            user,
            app,
            verified_income=money(post.get("verified_income", ""), "核对家庭月收入"),
            passed=post.get("passed") == "1",
            note=post.get("note", ""),
        )
    elif code is CaseAct.TOWNSHIP_REVIEW:
        actions.do_township_review(
            user, app, passed=post.get("passed") == "1", note=post.get("note", "")
        )
    elif code is CaseAct.OBJECTION:
        actions.do_record_objection(
            user, app, objector=post.get("objector", ""), content=post.get("content", "")
        )
    elif code is CaseAct.ANSWER:
        objection = (
            Objection.objects.visible_to(user)
            .filter(application=app, pk=int_param(post.get("objection"), "异议编号", default=0))
            .first()
        )
        if objection is None:
            raise NotFound("异议不存在")
        actions.do_answer_objection(user, objection, answer=post.get("answer", ""))
    elif code is CaseAct.CLOSE_PUBLIC_NOTICE:
        actions.do_close_public_notice(user, app)
    elif code is CaseAct.COUNTY_DECISION:
        actions.do_county_decide(
            user, app, approve=post.get("approve") == "1", reason=post.get("reason", "")
        )
    else:
        raise NotFound("没有这个操作")
    app = Application.objects.get_visible(user, pk=application_id)
    if _is_htmx(request):
        return render(request, "applications/_case.html", _detail_context(request, app))
    return HttpResponseRedirect(reverse("applications:detail", args=[app.pk]))


@requires(Capability.CASE_DATA)
def document(request: HttpRequest, application_id: int, kind: str) -> HttpResponse:
    app = Application.objects.get_visible(staff_user(request), pk=application_id)
    allowed = {
        "receipt": app.accepted_on is not None,
        "decision": app.step == Step.APPROVED,
        "refusal": app.step == Step.REFUSED,
    }
    if not allowed.get(kind):
        raise NotFound("该文书尚不能出具")
    return documents.application_pdf(request, app, kind)


@requires(Capability.CASE_DATA)
def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    user = staff_user(request)
    found = VisitPhoto.objects.filter(
        pk=photo_id,
        visit__application__in=Application.objects.visible_to(user),
    ).first()
    if found is None:
        raise NotFound("照片不存在或不在您的管辖范围内")
    with found.image.open("rb") as handle:
        data = handle.read()
    # Shown inline only if the bytes are a photo; anything else (a file stored before uploads
    # were checked) goes out as an attachment that cannot run as a page of this site.
    return file_response(data, filename=f"入户照片{found.pk}", inline_image=True)


@requires(Capability.CASE_DATA)
def fast_track(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if request.method == "POST":
        actions.do_start_fast_track(
            user,
            region_code=request.POST.get("region", "") or user.region_id,
            starts_on=day(request.POST.get("starts_on", ""), "开始日期"),
            ends_on=day(request.POST.get("ends_on", ""), "结束日期"),
            reason=request.POST.get("reason", ""),
        )
        return HttpResponseRedirect(reverse("applications:fast_track"))
    periods = queries.fast_track_periods_for(user).select_related("region", "created_by")
    return render(
        request,
        "applications/fast_track.html",
        {
            "periods": periods,
            "can_manage": user.can(Capability.MANAGE_PARAMETERS),
            "today": clock.today(),
        },
    )


@requires(Capability.CASE_DATA)
def reviews(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = clock.today()
    tasks = list(queries.reviews_for(user, today, due_only=request.GET.get("due") == "1")[:200])
    return render(
        request,
        "applications/reviews.html",
        {"tasks": tasks, "today": today, "due": request.GET.get("due") == "1"},
    )


@requires(Capability.CASE_DATA)
def review_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    user = staff_user(request)
    task = ReviewTask.objects.get_visible(user, pk=task_id)
    if request.method == "POST" and request.POST.get("action") == "termination_notice":
        actions.do_start_termination_notice(user, task, note=request.POST.get("note", ""))
        return HttpResponseRedirect(reverse("applications:review_detail", args=[task.pk]))
    if request.method == "POST":
        amount_text = request.POST.get("amount", "").strip()
        actions.do_complete_review(
            user,
            task,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
            amount=money(amount_text, "调整后金额") if amount_text else None,
        )
        return HttpResponseRedirect(reverse("applications:review_detail", args=[task.pk]))
    enrolment = task.enrolment
    return render(
        request,
        "applications/review_detail.html",
        {
            "task": task,
            "enrolment": enrolment,
            "amount": amount_for(enrolment, YearMonth.of(clock.today())),
            "last_paid": (
                (YearMonth.of(enrolment.end_month) - 1).first_day() if enrolment.end_month else None
            ),
            "outcomes": ReviewTask.Outcome.choices,
            "can_edit": user.can(Capability.EDIT_CASES),
        },
    )


@requires(Capability.CASE_DATA)
def exit_notice(request: HttpRequest, task_id: int) -> HttpResponse:
    task = ReviewTask.objects.get_visible(staff_user(request), pk=task_id)
    if task.outcome not in (ReviewTask.Outcome.EXIT, ReviewTask.Outcome.GRADUAL_EXIT):
        raise NotFound("该复核没有退出结论")
    return documents.exit_notice_pdf(request, task)


@requires(Capability.MANAGE_USERS)
def sms_outbox(request: HttpRequest) -> HttpResponse:
    """The development outbox holds residents' sign-in codes: demo mode only, system administrator
    only — never a case role (docs/security.md)."""
    if not settings.DEMO_MODE:
        raise NotFound("短信发件箱仅在演示模式下提供")
    messages = SmsMessage.objects.order_by("-sent_at", "-id")[:100]
    return render(request, "applications/sms_outbox.html", {"messages_out": messages})
