"""State changes of 实物救助: stock received, a distribution list drawn, a hand-over confirmed (stock
issued with the row locked, the value booked on the ledger), vouchers issued and redeemed."""

from __future__ import annotations

import hashlib
import io
import secrets
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import region_q
from minzheng.assistance.models import OPEN_STATUSES, Enrolment
from minzheng.assistance.programmes import PROGRAMMES
from minzheng.core import audit, clock
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import RegionCode, county_code
from minzheng.core.uploads import IMAGES, check_upload
from minzheng.core.yearmonth import YearMonth
from minzheng.inkind.models import Distribution, Handover, Item, Movement, Stock, Voucher
from minzheng.outreach.models import Campaign, Target
from minzheng.regions.models import Level, Region
from minzheng.registry.models import Household, Membership

PROGRAMME_CODES = {p.code.value for p in PROGRAMMES}
# The programme a distribution drawn from a campaign (not a programme) is booked under: 临时救助,
# of which goods in kind are one form.
DEFAULT_PROGRAMME = "linshi"
SIGNATURE_BYTES = 2 * 1024 * 1024
# A signature has some ink and is mostly paper: a blank page or a photo of something else is not.
INK_SHARE = (Decimal("0.002"), Decimal("0.5"))


def _require_staff(actor: User) -> None:
    if not (actor.can(Capability.EDIT_CASES) or actor.can(Capability.APPROVE)):
        raise PermissionDenied("您的角色无权办理实物救助")


def _township(actor: User, region_id: str) -> Region:
    region = Region.objects.filter(pk=region_id, level=Level.TOWNSHIP).first()
    if region is None or not actor.covers(region_id):
        raise ValidationFailed("请选择管辖范围内的乡镇（街道）", code="bad_township")
    return region


def _positive(value: int, label: str) -> int:
    if value < 1 or value > 1_000_000:
        raise ValidationFailed(f"{label}应为1至1000000之间的整数", code="bad_quantity")
    return value


def do_receive_stock(
    actor: User, item: Item, *, township: str, quantity: int, note: str
) -> Movement:
    """Goods into a township's store (入库)."""
    _require_staff(actor)
    region = _township(actor, township)
    quantity = _positive(quantity, "入库数量")
    with transaction.atomic():
        stock, _ = Stock.objects.get_or_create(item=item, region=region)
        stock = Stock.objects.select_for_update().get(pk=stock.pk)
        stock.quantity += quantity
        stock.save(update_fields=["quantity"])
        movement = Movement.objects.create(
            stock=stock,
            region_id=region.pk,
            kind=Movement.Kind.RECEIPT,
            quantity=quantity,
            balance=stock.quantity,
            day=clock.today(),
            note=note.strip()[:200],
            recorded_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "inkind_stock",
            stock.pk,
            summary=f"{item.name}入库{quantity}{item.unit}，结存{stock.quantity}{item.unit}",
            region_code=region.pk,
        )
    return movement


def _recipients(household_ids: set[int], on: date) -> dict[int, int]:
    """Who receives for each household: its head while alive, else the living member who comes
    first — the spouse, then the eldest (the family collects for a dead head, whose death may have
    been recorded after the list's source was drawn). A household with no living member is left
    out: nobody can sign for it."""
    rank = {"head": 0, "spouse": 1}
    members = (
        Membership.objects.filter(valid_to__isnull=True, household_id__in=household_ids)
        .filter(Q(person__date_of_death__isnull=True) | Q(person__date_of_death__gt=on))
        .values_list("household_id", "person_id", "relationship", "person__birth_date")
    )
    best: dict[int, tuple[int, date, int]] = {}
    for household_id, person_id, relationship, born in members:
        key = (rank.get(relationship, 2), born or date.max, person_id)
        if household_id not in best or key < best[household_id]:
            best[household_id] = key
    return {household_id: key[2] for household_id, key in best.items()}


def do_create_distribution(
    actor: User,
    *,
    name: str,
    township: str,
    item: Item,
    quantity_each: int,
    campaign: Campaign | None = None,
    programme: str = "",
) -> Distribution:
    """A distribution list: the households of a 大排摸 campaign in the township (its targets), or
    the households enrolled in a programme there; each household's head receives, or for a dead
    head a living member (`_recipients`), and a household with no living member is not listed."""
    _require_staff(actor)
    region = _township(actor, township)
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationFailed("请填写发放名称（不超过100字）", code="name_missing")
    quantity_each = _positive(quantity_each, "每户数量")
    unit = RegionCode.of(region.pk)
    if campaign is not None and not programme:
        households = set(
            Target.objects.filter(campaign=campaign)
            .filter(region_q(unit))
            .values_list("household_id", flat=True)
        )
        source = Distribution.Source.CAMPAIGN
    elif programme in PROGRAMME_CODES and campaign is None:
        households = set(
            Enrolment.objects.filter(programme=programme, status__in=OPEN_STATUSES)
            .filter(region_q(unit))
            .values_list("household_id", flat=True)
        )
        source = Distribution.Source.PROGRAMME
    else:
        raise ValidationFailed("请选择一个大排摸或一个救助项目作为名单来源", code="bad_source")
    heads = _recipients(households, clock.today())
    regions = dict(Household.objects.filter(pk__in=heads).values_list("pk", "region_id"))
    if not heads:
        raise ValidationFailed("名单来源中没有本乡镇（街道）的家庭", code="empty_list")
    value = item.unit_value * quantity_each
    with transaction.atomic():
        d = Distribution.objects.create(
            name=name,
            region=region,
            item=item,
            quantity_each=quantity_each,
            source=source,
            campaign=campaign if source == Distribution.Source.CAMPAIGN else None,
            programme=programme if source == Distribution.Source.PROGRAMME else "",
            created_on=clock.today(),
            created_by=actor,
        )
        Handover.objects.bulk_create(
            [
                Handover(
                    distribution=d,
                    household_id=hid,
                    recipient_id=pid,
                    region_id=regions[hid],
                    quantity=quantity_each,
                    value=value,
                    token=secrets.token_urlsafe(24),
                )
                for hid, pid in sorted(heads.items())
            ],
            batch_size=1000,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "inkind_distribution",
            d.pk,
            summary=f"{name}：{len(heads)}户，每户{item.name}{quantity_each}{item.unit}",
            region_code=region.pk,
        )
    return d


def check_signature(upload: object) -> bytes:
    """The signature image, checked by its content: a JPEG or PNG (re-encoded), with some ink on
    it and mostly paper — a blank picture or a photograph is refused."""
    from PIL import Image

    checked = check_upload(upload, IMAGES, limit=SIGNATURE_BYTES)  # type: ignore[arg-type]
    with Image.open(io.BytesIO(checked.data)) as image:
        histogram = image.convert("L").histogram()
    dark = Decimal(sum(histogram[:128])) / Decimal(max(1, sum(histogram)))
    if dark < INK_SHARE[0]:
        raise ValidationFailed("签字图片是空白的，请领取人签字后重新拍照", code="blank_signature")
    if dark > INK_SHARE[1]:
        raise ValidationFailed("图片不像签字（深色过多），请拍摄白纸上的签字", code="not_signature")
    return checked.data


def do_confirm_handover(
    actor: User | None, handover: Handover, *, via: str, signature: bytes | None = None
) -> Handover:
    """The recipient confirms (by QR on their phone, with no staff login, or by a signature a
    caseworker uploads): the stock is issued with its row locked, the value goes on the ledger."""
    from minzheng.payments.jobs import book_payable

    if via == Handover.Via.SIGNATURE:
        if actor is None:
            raise PermissionDenied("签字确认须由工作人员上传")
        _require_staff(actor)
        if not signature:
            raise ValidationFailed("请上传领取人签字图片", code="signature_missing")
    elif via != Handover.Via.QR:
        raise ValidationFailed("签收方式不正确", code="bad_via")
    with transaction.atomic():
        query = Handover.objects.select_for_update()
        locked = (
            query.get(pk=handover.pk) if actor is None else query.get_visible(actor, pk=handover.pk)
        )
        if locked.status == Handover.Status.CONFIRMED:
            raise ValidationFailed("该户已签收，不能重复领取", code="already_confirmed")
        d = Distribution.objects.select_related("item").get(pk=locked.distribution_id)
        # Lock the township's stock row: two hand-overs at once cannot both take the last box.
        stock = Stock.objects.select_for_update().filter(item=d.item, region_id=d.region_id).first()
        if stock is None or stock.quantity < locked.quantity:
            have = stock.quantity if stock else 0
            raise ValidationFailed(
                f"{d.item.name}库存不足：需要{locked.quantity}{d.item.unit}，库存{have}{d.item.unit}",
                code="stock_short",
            )
        stock.quantity -= locked.quantity
        stock.save(update_fields=["quantity"])
        today = clock.today()
        locked.status = Handover.Status.CONFIRMED
        locked.confirmed_via = via
        locked.confirmed_at = timezone.now()
        if signature:
            locked.signature = signature
            locked.signature_sha256 = hashlib.sha256(signature).hexdigest()
        county = Region.objects.get(pk=county_code(d.region_id))
        line = book_payable(
            source="k",
            source_id=locked.pk,
            kind="inkind",
            programme=d.programme or DEFAULT_PROGRAMME,
            county=county,
            month=YearMonth.of(today),
            region_id=locked.region_id,
            amount=locked.value,
            actor=actor,
            credit="inventory",
            payee=locked.recipient,
        )
        locked.payment_line_id = line.pk
        locked.save(
            update_fields=[
                "status",
                "confirmed_via",
                "confirmed_at",
                "signature",
                "signature_sha256",
                "payment_line_id",
            ]
        )
        Movement.objects.create(
            stock=stock,
            region_id=stock.region_id,
            kind=Movement.Kind.ISSUE,
            quantity=locked.quantity,
            balance=stock.quantity,
            day=today,
            note=f"{d.name}：发放1户",  # no name: the township's store log is seen by every village
            handover=locked,
            recorded_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "inkind_handover",
            locked.pk,
            summary=f"{d.name}：{Handover.Via(via).label}签收，{locked.value}元",
            before={"status": Handover.Status.PENDING.label},
            after={"status": Handover.Status.CONFIRMED.label},
            person_id=locked.recipient_id,
            region_code=locked.region_id,
            actor_name=None if actor else "领取人（扫码确认）",
        )
    return locked


def parse_money(raw: str) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed("金额格式不正确", code="bad_amount") from None
    if value <= 0 or value > Decimal("100000") or value != value.quantize(Decimal("0.01")):
        raise ValidationFailed("金额应大于0、不超过100000元，最多两位小数", code="bad_amount")
    return value


def do_issue_voucher(
    actor: User, household: Household, *, value: Decimal, purpose: str, expires_on: date
) -> Voucher:
    """A voucher for a household's head (a living member for a dead head); its face value is booked on the ledger when issued."""
    from minzheng.payments.jobs import book_payable

    _require_staff(actor)
    household = Household.objects.get_visible(actor, pk=household.pk)
    purpose = purpose.strip()
    if not purpose or len(purpose) > 100:
        raise ValidationFailed("请填写用途（不超过100字）", code="purpose_missing")
    today = clock.today()
    if expires_on <= today:
        raise ValidationFailed("有效期应晚于今天", code="bad_expiry")
    head = _recipients({household.pk}, today).get(household.pk)
    if head is None:
        raise ValidationFailed("该户没有在世的家庭成员，不能发券", code="no_living_member")
    with transaction.atomic():
        for _ in range(5):
            try:
                with transaction.atomic():
                    voucher = Voucher.objects.create(
                        code=f"JZQ{secrets.randbelow(10**12):012d}",
                        household=household,
                        holder_id=head,
                        region_id=household.region_id,
                        value=value,
                        purpose=purpose,
                        issued_on=today,
                        expires_on=expires_on,
                        issued_by=actor,
                    )
                break
            except IntegrityError:
                continue
        else:
            raise ValidationFailed("券号生成失败，请重试", code="code_clash")
        line = book_payable(
            source="q",
            source_id=voucher.pk,
            kind="voucher",
            programme=DEFAULT_PROGRAMME,
            county=Region.objects.get(pk=county_code(household.region_id)),
            month=YearMonth.of(today),
            region_id=household.region_id,
            amount=value,
            actor=actor,
            payee=voucher.holder,
        )
        voucher.payment_line_id = line.pk
        voucher.save(update_fields=["payment_line_id"])
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "inkind_voucher",
            voucher.pk,
            summary=f"救助券{voucher.code}：{value}元，有效期至{expires_on}",
            person_id=head,
            region_code=household.region_id,
        )
    return voucher


def do_redeem_voucher(actor: User, voucher: Voucher, *, day: date) -> Voucher:
    _require_staff(actor)
    with transaction.atomic():
        locked = Voucher.objects.select_for_update().get_visible(actor, pk=voucher.pk)
        if locked.status == Voucher.Status.REDEEMED:
            raise ValidationFailed("该券已使用", code="already_redeemed")
        if day > locked.expires_on:
            raise ValidationFailed(f"该券已于{locked.expires_on}过期", code="expired")
        if day < locked.issued_on or day > clock.today():
            raise ValidationFailed("使用日期不正确", code="bad_date")
        locked.status, locked.redeemed_on = Voucher.Status.REDEEMED, day
        locked.save(update_fields=["status", "redeemed_on"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "inkind_voucher",
            locked.pk,
            summary=f"救助券{locked.code}已使用",
            person_id=locked.holder_id,
            region_code=locked.region_id,
        )
    return locked
