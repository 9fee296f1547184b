"""实物救助 pages: stock by township with receipts, distributions and their hand-over lists, the
phone-sized hand-over page (QR code, signature upload), the recipient's QR confirmation page, and
vouchers. HTTP only."""

from __future__ import annotations

import base64
import io
from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.assistance.programmes import PROGRAMMES
from minzheng.core.clock import today
from minzheng.core.errors import DomainError, NotFound, ValidationFailed
from minzheng.core.yearmonth import YearMonth
from minzheng.inkind import actions, queries
from minzheng.inkind.models import Handover, Item
from minzheng.outreach.queries import campaigns_visible
from minzheng.registry.models import Membership, Person


def _int(raw: str, label: str) -> int:
    raw = raw.strip()
    if not raw.isdigit():
        raise ValidationFailed(f"{label}应为正整数", code="bad_number")
    return int(raw)


def _item(raw: str) -> Item:
    item = Item.objects.filter(pk=int(raw) if raw.strip().isdigit() else 0).first()
    if item is None:
        raise ValidationFailed("请选择物资", code="item_missing")
    return item


def _can_edit(user: User) -> bool:
    return user.can(Capability.EDIT_CASES) or user.can(Capability.APPROVE)


@requires(Capability.CASE_DATA)
def stock(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error = ""
    if request.method == "POST":
        try:
            item = _item(request.POST.get("item", ""))
            actions.do_receive_stock(
                user,
                item,
                township=request.POST.get("township", ""),
                quantity=_int(request.POST.get("quantity", ""), "入库数量"),
                note=request.POST.get("note", ""),
            )
            messages.success(request, f"{item.name}已入库")
            return redirect("inkind:stock")
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "inkind/stock.html",
        {
            "stocks": queries.stock_visible(user),
            "movements": queries.movements_visible(user)[:30],
            "items": Item.objects.all(),
            "townships": queries.townships(user),
            "error": error,
            "can_edit": _can_edit(user),
        },
    )


@requires(Capability.CASE_DATA)
def distribution_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error = ""
    campaigns = campaigns_visible(user)
    if request.method == "POST":
        try:
            raw = request.POST.get("source", "")
            kind, _, key = raw.partition(":")
            campaign = (
                campaigns.filter(pk=int(key)).first()
                if kind == "campaign" and key.isdigit()
                else None
            )
            d = actions.do_create_distribution(
                user,
                name=request.POST.get("name", ""),
                township=request.POST.get("township", ""),
                item=_item(request.POST.get("item", "")),
                quantity_each=_int(request.POST.get("quantity_each", ""), "每户数量"),
                campaign=campaign,
                programme=key if kind == "programme" else "",
            )
            return redirect("inkind:distribution_detail", distribution_id=d.pk)
        except DomainError as exc:
            error = exc.message
    rows = queries.with_progress(queries.distributions_visible(user))
    month = YearMonth.of(today())
    return render(
        request,
        "inkind/distribution_list.html",
        {
            "page": Paginator(rows, 30).get_page(request.GET.get("page")),
            "items": Item.objects.all(),
            "townships": queries.townships(user),
            "campaigns": campaigns[:50],
            "programmes": [(p.code.value, p.name) for p in PROGRAMMES],
            "ledger": queries.ledger_beside_cash(user, month.first_day()),
            "month": month,
            "error": error,
            "can_edit": _can_edit(user),
        },
    )


@requires(Capability.CASE_DATA)
def distribution_detail(request: HttpRequest, distribution_id: int) -> HttpResponse:
    user = staff_user(request)
    d = queries.distributions_visible(user).filter(pk=distribution_id).first()
    if d is None:
        raise NotFound("发放不存在或不在您的管辖范围内")
    handovers = queries.handovers_visible(user).filter(distribution=d)
    if request.GET.get("pending") == "1":
        handovers = handovers.filter(status=Handover.Status.PENDING)
    return render(
        request,
        "inkind/distribution_detail.html",
        {
            "d": d,
            "progress": queries.with_progress(queries.distributions_visible(user))
            .filter(pk=d.pk)
            .first(),
            "page": Paginator(handovers, 50).get_page(request.GET.get("page")),
            "programme": dict((p.code.value, p.name) for p in PROGRAMMES).get(d.programme, ""),
        },
    )


def _qr_svg(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    return base64.b64encode(out.getvalue()).decode("ascii")


@requires(Capability.CASE_DATA)
def handover(request: HttpRequest, handover_id: int) -> HttpResponse:
    """The caseworker's phone at the door: the QR code the recipient scans, or a signature photo."""
    user = staff_user(request)
    h = queries.handovers_visible(user).get_visible(user, pk=handover_id)
    error = ""
    if request.method == "POST":
        try:
            upload = request.FILES.get("signature")
            if upload is None:
                raise ValidationFailed("请上传领取人签字图片", code="signature_missing")
            data = actions.check_signature(upload)
            actions.do_confirm_handover(user, h, via=Handover.Via.SIGNATURE, signature=data)
            messages.success(request, f"{h.recipient.name}户已签收")
            return redirect("inkind:handover", handover_id=h.pk)
        except DomainError as exc:
            error = exc.message
    confirm_url = request.build_absolute_uri(reverse("inkind:confirm", args=[h.token]))
    return render(
        request,
        "inkind/handover.html",
        {
            "h": h,
            "pending": h.status == Handover.Status.PENDING,
            "qr": _qr_svg(confirm_url) if h.status == Handover.Status.PENDING else "",
            "confirm_url": confirm_url,
            "error": error,
            "can_edit": _can_edit(user),
        },
    )


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The recipient's own phone, after scanning: no login, the unguessable token is the key."""
    h = (
        Handover.objects.select_related("distribution__item", "recipient")
        .filter(token=token)
        .first()
    )
    if h is None:
        return render(request, "inkind/confirm.html", {"missing": True}, status=404)
    error = ""
    if request.method == "POST" and h.status == Handover.Status.PENDING:
        try:
            h = actions.do_confirm_handover(None, h, via=Handover.Via.QR)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "inkind/confirm.html",
        {"h": h, "pending": h.status == Handover.Status.PENDING, "error": error},
    )


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed("日期格式应为 YYYY-MM-DD", code="bad_date") from None


@requires(Capability.CASE_DATA)
def vouchers(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("redeem", "").isdigit():
                v = queries.vouchers_visible(user).get_visible(user, pk=int(request.POST["redeem"]))
                actions.do_redeem_voucher(user, v, day=today())
                messages.success(request, f"救助券{v.code}已使用")
                return redirect("inkind:vouchers")
            pid = request.POST.get("person_id", "")
            person = (
                Person.objects.visible_to(user).filter(pk=int(pid) if pid.isdigit() else 0).first()
            )
            membership = (
                Membership.objects.filter(person=person, valid_to__isnull=True)
                .select_related("household")
                .first()
                if person
                else None
            )
            if membership is None:
                raise ValidationFailed("请选择管辖范围内有家庭户的人员", code="person_missing")
            v = actions.do_issue_voucher(
                user,
                membership.household,
                value=actions.parse_money(request.POST.get("value", "")),
                purpose=request.POST.get("purpose", ""),
                expires_on=_date(request.POST.get("expires_on", "")),
            )
            messages.success(request, f"已发放救助券{v.code}")
            return redirect("inkind:vouchers")
        except DomainError as exc:
            error = exc.message
    day = today()
    page = Paginator(queries.vouchers_visible(user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "inkind/vouchers.html",
        {
            "page": page,
            "rows": [
                (v, queries.voucher_state(v, day), queries.voucher_usable(v, day)) for v in page
            ],
            "error": error,
            "today": day,
            "can_edit": _can_edit(user),
        },
    )
