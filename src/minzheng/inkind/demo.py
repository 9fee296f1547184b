"""Demo data for 实物救助: the item catalogue, 南门街道's store stocked, a winter distribution of
quilts to the households of the 大排摸 campaign in 南门街道 (three confirmed by QR, one by
signature), and two vouchers in 福湖社区. Idempotent."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from minzheng.accounts.models import User
from minzheng.core import clock
from minzheng.core.errors import ValidationFailed
from minzheng.inkind import actions
from minzheng.inkind.models import Category, Handover, Item
from minzheng.outreach.models import Campaign
from minzheng.registry.models import Household

TOWNSHIP = "330203001000"
ITEMS = (
    ("大米（10公斤）", Category.FOOD, "袋", "50.00"),
    ("食用油（5升）", Category.FOOD, "桶", "60.00"),
    ("医用口罩（50只）", Category.MASKS, "盒", "25.00"),
    ("棉被", Category.CLOTHING, "床", "150.00"),
    ("羽绒服", Category.CLOTHING, "件", "200.00"),
    ("生活用品包", Category.SUPPLIES, "份", "80.00"),
)


def signature_png() -> bytes:
    """A white card with a dark scrawl: what a photographed signature looks like to the check."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (300, 120), 255)
    draw = ImageDraw.Draw(image)
    draw.line([(20, 80), (80, 30), (140, 90), (200, 40), (270, 70)], fill=0, width=5)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seed_items() -> list[Item]:
    return [
        Item.objects.get_or_create(
            name=name, defaults={"category": c, "unit": unit, "unit_value": Decimal(value)}
        )[0]
        for name, c, unit, value in ITEMS
    ]


def seed_demo() -> int:
    """南门街道's stock, distribution and vouchers, 福湖社区's hand-overs, then each of
    `registry.demo.DEMO_COUNTIES`' (`seed_county`); returns the number of hand-overs confirmed or
    listed (0 when the demo has them already)."""
    from minzheng.registry.demo import DEMO_COUNTIES

    made = _seed_nanmen() + seed_fuhu_distribution()
    for county in DEMO_COUNTIES:
        seed_county(county)
    return made


# What a demo county's township store received from the city: (item, quantity)
COUNTY_STOCK = (("大米（10公斤）", 120), ("食用油（5升）", 80), ("生活用品包", 60))


def seed_county(county_code: str) -> int:
    """A demo county (鄞州): the township of its busiest village receives `COUNTY_STOCK` two weeks
    ago, and that village's first two families get a 200 元 voucher, by the township's caseworker
    (the replay's account). Returns the vouchers issued; 0 when the county has stock already."""
    from minzheng.core.regioncode import RegionCode
    from minzheng.inkind.models import Stock, Voucher
    from minzheng.registry.demo import county_village
    from minzheng.registry.year import _caseworker

    if Stock.objects.unscoped_within(RegionCode.of(county_code)).exists():
        return 0
    village = county_village(county_code)
    if village is None or village.parent_id is None:
        return 0
    staff = _caseworker(village.code)
    items = {i.name: i for i in seed_items()}
    today = clock.today()
    with clock.dated(today - timedelta(days=14)):
        for name, quantity in COUNTY_STOCK:
            actions.do_receive_stock(
                staff, items[name], township=village.parent_id, quantity=quantity, note="市局调拨"
            )
    with clock.dated(today - timedelta(days=6)):
        for household in Household.objects.filter(
            region_id=village.code, closed_on__isnull=True, head__isnull=False
        ).order_by("id")[:2]:
            actions.do_issue_voucher(
                staff,
                household,
                value=Decimal("200.00"),
                purpose="指定超市购买米油等生活用品",
                expires_on=today + timedelta(days=84),
            )
    return Voucher.objects.unscoped_within(RegionCode.of(county_code)).count()


def _seed_nanmen() -> int:
    """Returns the number of hand-overs made (0 when the demo already has stock)."""
    from minzheng.inkind.models import Stock

    if Stock.objects.exists():
        return 0
    staff = User.objects.filter(username="caseworker_nanmen").first()
    if staff is None:
        return 0
    items = {i.name: i for i in seed_items()}
    for name, quantity in (("棉被", 300), ("大米（10公斤）", 200), ("医用口罩（50只）", 500)):
        actions.do_receive_stock(
            staff, items[name], township=TOWNSHIP, quantity=quantity, note="市局调拨"
        )
    campaign = Campaign.objects.order_by("id").first()
    made = 0
    if campaign is not None:
        d = actions.do_create_distribution(
            staff,
            name="冬季送温暖：棉被",
            township=TOWNSHIP,
            item=items["棉被"],
            quantity_each=1,
            campaign=campaign,
        )
        pending = list(Handover.objects.filter(distribution=d).order_by("id")[:4])
        for h in pending[:3]:
            actions.do_confirm_handover(None, h, via=Handover.Via.QR)
        for h in pending[3:]:
            actions.do_confirm_handover(
                staff, h, via=Handover.Via.SIGNATURE, signature=signature_png()
            )
        made = Handover.objects.filter(distribution=d).count()
    today = clock.today()
    for household in Household.objects.filter(region_id="330203001001").order_by("id")[:2]:
        try:
            actions.do_issue_voucher(
                staff,
                household,
                value=Decimal("200.00"),
                purpose="指定超市购买生活用品",
                expires_on=today + timedelta(days=90),
            )
        except ValidationFailed:
            continue  # a household without a head gets none
    return made


FUHU = "330203001001"  # 福湖社区, the demo village assistant's
#: The winter greeting for the township's 低保 families, and how many of 福湖社区's collected it.
GREETING = "冬季慰问：低保家庭食用油"
FUHU_COLLECTED = 2


def seed_fuhu_distribution() -> int:
    """南门街道's caseworker draws a distribution of cooking oil for every 低保 family of the
    township (福湖社区's among them: the winter quilts went to the 大排摸 list's households) at the
    start of this month; two of 福湖社区's families have collected theirs by QR, the rest are
    waiting — so the village assistant's 物资发放 is not empty. Returns the hand-overs listed;
    idempotent: nothing when the greeting is drawn already."""
    from minzheng.inkind.models import Distribution

    if Distribution.objects.filter(region_id=TOWNSHIP, name=GREETING).exists():
        return 0
    staff = User.objects.filter(username="caseworker_nanmen").first()
    if staff is None:
        return 0
    oil = next(i for i in seed_items() if i.name == "食用油（5升）")
    today = clock.today()
    drawn_on = max(today - timedelta(days=2), today.replace(day=1))  # booked in this month's roll
    with clock.dated(drawn_on):
        try:
            d = actions.do_create_distribution(
                staff,
                name=GREETING,
                township=TOWNSHIP,
                item=oil,
                quantity_each=1,
                programme="dibao",
            )
        except ValidationFailed:
            return 0  # no 低保 family in the township
        listed = Handover.objects.filter(distribution=d).count()
        actions.do_receive_stock(staff, oil, township=TOWNSHIP, quantity=listed, note="市局调拨")
    with clock.dated(today):
        collectors = Handover.objects.filter(
            distribution=d, region_id=FUHU, recipient__date_of_death__isnull=True
        )  # a head whose death was reported late is listed, but collects nothing
        for h in collectors.order_by("id")[:FUHU_COLLECTED]:
            actions.do_confirm_handover(None, h, via=Handover.Via.QR)
    return listed
