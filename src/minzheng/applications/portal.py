"""The resident portal (mobile-first): sign in by ID number and SMS code, apply, follow by QR."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from minzheng.accounts import ratelimit
from minzheng.applications import actions, documents, queries, rules
from minzheng.applications.actions import WorkflowRefused
from minzheng.applications.models import Application
from minzheng.applications.rules import CODE_POLICY, Step
from minzheng.applications.views import _suggestion, account_form, money
from minzheng.core import clock
from minzheng.core.audit import client_ip
from minzheng.core.errors import DomainError, ValidationFailed
from minzheng.core.masking import mask_name
from minzheng.payments.account_changes import do_file_resident_account_change
from minzheng.payments.accounts import BANKS, active_account, do_record_intake_account
from minzheng.payments.models import AccountChange
from minzheng.regions.models import Region
from minzheng.registry.models import Person

SESSION_PERSON = "portal_person"
SESSION_PENDING = "portal_pending"
SESSION_SEEN = "portal_seen"

type ResidentView = Callable[[HttpRequest, Person], HttpResponse]


def resident(view: ResidentView) -> Callable[[HttpRequest], HttpResponse]:
    """A page for a signed-in resident; others go to the sign-in page."""

    @wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        person = Person.objects.filter(pk=request.session.get(SESSION_PERSON) or 0).first()
        if person is None:
            return HttpResponseRedirect(reverse("portal:home"))
        now = time.time()
        seen = request.session.get(SESSION_SEEN)
        if seen is None or now - float(seen) > settings.PORTAL_IDLE_SECONDS:
            # Idle too long (or a session from before the timeout existed): sign in again.
            request.session.pop(SESSION_PERSON, None)
            request.session.pop(SESSION_SEEN, None)
            return HttpResponseRedirect(reverse("portal:home") + "?timeout=1")
        request.session[SESSION_SEEN] = now
        return view(request, person)

    return wrapped


def _limit_code_sending(number: str, ip: str | None) -> None:
    """Limits that hold whether or not the number is registered (so they reveal nothing):
    per ID number (as the per-person rule), per source address, and for the whole platform."""
    window = CODE_POLICY.window_minutes * 60
    id_key = ratelimit.keyed(number.strip().upper())
    if ratelimit.count("portal_all", "*", 3600) >= settings.PORTAL_CODES_GLOBAL:
        raise WorkflowRefused("系统繁忙，请稍后再试", code="code_rate_limited")
    if ratelimit.count("portal_ip", ip or "-", 3600) >= settings.PORTAL_CODES_PER_IP:
        raise WorkflowRefused("本网络获取验证码过于频繁，请一小时后再试", code="code_rate_limited")
    if ratelimit.count("portal_id", id_key, window) >= CODE_POLICY.max_sends:
        raise WorkflowRefused(
            f"验证码发送过于频繁：{CODE_POLICY.window_minutes}分钟内最多"
            f"{CODE_POLICY.max_sends}次，请稍后再试",
            code="code_rate_limited",
        )
    for bucket, key in (("portal_all", "*"), ("portal_ip", ip or "-"), ("portal_id", id_key)):
        ratelimit.add(bucket, key)


def home(request: HttpRequest) -> HttpResponse:
    """Step one: the ID number; a code goes to the phone on record if the person is registered.

    The answer is the same whether or not the number is registered: the same page next, and the
    same limits (counted per number, per address and in total before anyone is looked up).
    """
    error = ""
    if request.method == "POST":
        number = request.POST.get("id_number", "").strip()[:40]
        if number:
            try:
                _limit_code_sending(number, client_ip(request))
                person = actions.do_send_sign_in_code(number, ip=client_ip(request))
            except DomainError as exc:
                error = exc.message
            else:
                request.session[SESSION_PENDING] = person.pk if person else None
                return HttpResponseRedirect(reverse("portal:code"))
        else:
            error = "请输入身份证号"
    if not error and request.GET.get("timeout"):
        error = "长时间未操作，已自动退出，请重新登录"
    return render(request, "portal/home.html", {"error": error})


def code(request: HttpRequest) -> HttpResponse:
    """Step two: the code. The same message whether or not the number was known."""
    error = ""
    if request.method == "POST":
        try:
            person = actions.do_check_sign_in_code(
                request.session.get(SESSION_PENDING),
                request.POST.get("code", ""),
                ip=client_ip(request),
            )
        except DomainError as exc:
            error = exc.message
        else:
            request.session.cycle_key()
            request.session[SESSION_PERSON] = person.pk
            request.session[SESSION_SEEN] = time.time()
            request.session.pop(SESSION_PENDING, None)
            return HttpResponseRedirect(reverse("portal:mine"))
    return render(request, "portal/code.html", {"error": error})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """POST only: a link or an image elsewhere cannot sign a resident out."""
    request.session.pop(SESSION_PERSON, None)
    request.session.pop(SESSION_SEEN, None)
    return HttpResponseRedirect(reverse("portal:home"))


@resident
def mine(request: HttpRequest, person: Person) -> HttpResponse:
    apps = Application.objects.filter(applicant=person).order_by("-id")
    return render(
        request,
        "portal/mine.html",
        {"person": person, "apps": apps, "name": mask_name(person.name)},
    )


@resident
def apply(request: HttpRequest, person: Person) -> HttpResponse:
    error = ""
    household = queries.current_household(person, clock.today())
    existing_account = active_account(person)
    if request.method == "POST":
        try:
            if request.POST.get("pledge") != "1" or request.POST.get("authorisation") != "1":
                raise ValidationFailed(
                    "请阅读并确认诚信承诺书和核对授权书", code="consents_missing"
                )
            account = None if existing_account else account_form(request, person)
            with transaction.atomic():
                app = actions.do_submit_application(
                    None,
                    applicant=person,
                    programmes=request.POST.getlist("programmes"),
                    declared_income=money(request.POST.get("declared_income", ""), "家庭月收入"),
                    income_variable=request.POST.get("income_variable") == "1",
                    reason=request.POST.get("reason", ""),
                    staff_relative_name=request.POST.get("staff_relative_name", ""),
                    staff_relation=request.POST.get("staff_relation", ""),
                    consents_confirmed=True,
                    ip=client_ip(request),
                )
                if account is not None:
                    do_record_intake_account(None, person, account, application_id=app.pk)
        except DomainError as exc:
            error = exc.message
        else:
            return HttpResponseRedirect(reverse("portal:status", args=[app.status_token]))
    return render(
        request,
        "portal/apply.html",
        {
            "person": person,
            "household": household,
            "choices": queries.programme_choices(),
            "error": error,
            "name": mask_name(person.name),
            "banks": BANKS,
            "existing_account": existing_account,
        },
    )


@resident
def account(request: HttpRequest, person: Person) -> HttpResponse:
    """变更收款账户: the signed-in resident asks to change their own account (never another's:
    the person is the one signed in). A county approver decides it; the page shows the outcome."""
    error = ""
    if request.method == "POST":
        try:
            form = account_form(request, person)
            do_file_resident_account_change(
                person, form, reason=request.POST.get("reason", ""), request=request
            )
        except DomainError as exc:
            error = exc.message
        else:
            return HttpResponseRedirect(reverse("portal:account") + "?filed=1")
    return render(
        request,
        "portal/account.html",
        {
            "name": mask_name(person.name),
            "current": active_account(person),
            "changes": AccountChange.objects.filter(person=person).order_by("-filed_at", "-id")[
                :10
            ],
            "pending": AccountChange.objects.filter(
                person=person, status=AccountChange.Status.PENDING
            ).exists(),
            "banks": BANKS,
            "error": error,
            "filed": request.GET.get("filed") == "1" and not error,
        },
        status=400 if error else 200,
    )


@resident
def portal_suggest(request: HttpRequest, person: Person) -> HttpResponse:
    return _suggestion(request, person)


def status(request: HttpRequest, token: str) -> HttpResponse:
    """码上办: no sign-in; the token is the key, the name is masked, only dates and steps show."""
    app = (
        Application.objects.filter(status_token=token).select_related("applicant").first()
        if len(token) >= 20
        else None
    )
    if app is None:
        raise Http404("未找到该申请")
    records = list(app.steps.order_by("id"))
    shown = [s for s in rules.OPEN_STEPS if s is not Step.SUBMITTED or app.channel == "portal"]
    timeline = []
    for step in shown:
        record = next((r for r in reversed(records) if r.step == step.value), None)
        timeline.append(
            {
                "label": rules.STEP_LABELS[step],
                "started": record.started_on if record else None,
                "done": record.completed_at if record else None,
                "due": record.due_on if record else None,
                "current": app.step == step.value,
            }
        )
    return render(
        request,
        "portal/status.html",
        {
            "app": app,
            "name": mask_name(app.applicant.name),
            "timeline": timeline,
            "approved": app.step == Step.APPROVED,
            "refused": app.step == Step.REFUSED,
            "programmes": [n for c, n in queries.programme_choices() if c in app.programmes],
            "qr": documents.qr_data_uri(documents.status_url(request, app)),
        },
    )


def public_notice(request: HttpRequest, village: str) -> HttpResponse:
    """公示: the cases of one village now in their 7-day notice, names masked, for anyone to read."""
    region = Region.objects.filter(code=village, level="village").first()
    if region is None:
        raise Http404("未找到该村（社区）")
    cases = (
        Application.objects.filter(region=region, step=Step.PUBLIC_NOTICE)
        .select_related("applicant")
        .order_by("notice_ends_on", "id")
    )
    rows = [
        {
            "name": mask_name(app.applicant.name),
            "programmes": [n for c, n in queries.programme_choices() if c in app.programmes],
            "starts": app.step_started_on,
            "ends": app.notice_ends_on,
            "number": app.number,
        }
        for app in cases
    ]
    return render(request, "portal/public_notice.html", {"region": region, "rows": rows})
