"""The bureau's monthly indicators, computed from the data (民政业务大数据资源库).

Every figure is counted per village by a grouped query and rolled up to township, county and city
in Python over Ningbo's 3,040 divisions: a handful of queries a month whatever the registry's size.
Each indicator has a definition (what it counts, from which tables, as of when) shown on the
指标说明 page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from minzheng.applications.models import Application
from minzheng.assistance.models import Enrolment
from minzheng.assistance.programmes import ProgrammeCode
from minzheng.core.regioncode import county_code
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.models import PaymentLine, Roll
from minzheng.regions.models import Level, Region
from minzheng.registry.models import HukouType

PAYING_STATUSES = ("active", "gradual_exit", "ended")
PAID_ROLLS = (Roll.Status.APPROVED, Roll.Status.EXPORTED)
FUNDED_PROGRAMMES = (
    ProgrammeCode.DIBAO,
    ProgrammeCode.TEKUN,
    ProgrammeCode.ERTONG,
    ProgrammeCode.GAOLING,
)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str  # 户, 人, 元, 件, 天
    definition: str
    source: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "dibao_households",
        "低保户数",
        "户",
        "当月在发放期内的低保救助（按户纳入与单人户）户数；单人户按 1 户计。",
        "救助对象",
    ),
    Indicator(
        "dibao_persons",
        "低保人数",
        "人",
        "当月在发放期内的低保救助计入的人数：按户纳入的，为认定时按共同生活家庭成员规则"
        "（民发〔2021〕57号第7条）计入的成员数；单人户按 1 人计。",
        "救助对象（计入人数）",
    ),
    Indicator(
        "dibao_urban_persons",
        "城市低保人数",
        "人",
        "低保人数中户主为城镇户口的。",
        "救助对象（计入人数）、人员（户口性质）",
    ),
    Indicator(
        "dibao_rural_persons",
        "农村低保人数",
        "人",
        "低保人数中户主为农村户口（或未登记户口性质）的。",
        "救助对象（计入人数）、人员（户口性质）",
    ),
    Indicator(
        "dibao_urban_households",
        "城市低保户数",
        "户",
        "低保户数中户主为城镇户口的。",
        "救助对象、人员（户口性质）",
    ),
    Indicator(
        "dibao_rural_households",
        "农村低保户数",
        "户",
        "低保户数中户主为农村户口（或未登记户口性质）的。",
        "救助对象、人员（户口性质）",
    ),
    Indicator(
        "dibao_urban_funds",
        "城市低保资金支出",
        "元",
        "城市低保的低保金与价格临时补贴（收款人户口为城镇）。",
        "发放台账、人员（户口性质）",
    ),
    Indicator(
        "dibao_rural_funds",
        "农村低保资金支出",
        "元",
        "农村低保的低保金与价格临时补贴。",
        "发放台账、人员（户口性质）",
    ),
    Indicator(
        "single_person",
        "单人户低保人数",
        "人",
        "重病重残等以单人户纳入低保的人数。",
        "救助对象（按人纳入）",
    ),
    Indicator(
        "gradual_exit",
        "渐退户数",
        "户",
        "当月处于渐退期、仍在发放的低保、低边救助户数。",
        "救助对象（渐退期）",
    ),
    Indicator(
        "gradual_exit_persons",
        "渐退人数",
        "人",
        "当月处于渐退期、仍在发放的低保、低边救助计入的人数（认定时确定，同低保人数）。",
        "救助对象（渐退期、计入人数）",
    ),
    Indicator("dibian_households", "低边户数", "户", "当月在册的低保边缘家庭户数。", "救助对象"),
    Indicator(
        "dibian_persons",
        "低边人数",
        "人",
        "低边家庭认定时计入的成员数（民发〔2021〕57号第7条），不含以单人户纳入低保的成员。",
        "救助对象（计入人数）",
    ),
    Indicator(
        "tekun_persons", "特困供养人数", "人", "当月在发放期内的特困人员救助供养人数。", "救助对象"
    ),
    Indicator(
        "new_cases",
        "新增救助对象",
        "户",
        "起始月份为当月的救助纳入（低保、低边、特困）。",
        "救助对象（起始月份）",
    ),
    Indicator(
        "exits",
        "退出救助对象",
        "户",
        "最后发放月份为当月的救助（终止或渐退期满）。",
        "救助对象（终止月份）",
    ),
    Indicator(
        "dibao_funds",
        "低保金支出",
        "元",
        "当月已审批花名册中低保的救助金（含补发）。",
        "发放台账（救助金）、已审批花名册",
    ),
    Indicator(
        "dibao_price_subsidy",
        "低保价格临时补贴支出",
        "元",
        "当月已审批花名册中低保对象的物价补贴。",
        "发放台账（物价补贴）、已审批花名册",
    ),
    Indicator(
        "tekun_funds",
        "特困供养金支出",
        "元",
        "当月已审批花名册中特困的供养金（含补发）。",
        "发放台账（救助金）、已审批花名册",
    ),
    Indicator(
        "tekun_price_subsidy",
        "特困价格临时补贴支出",
        "元",
        "当月已审批花名册中特困对象的物价补贴。",
        "发放台账（物价补贴）、已审批花名册",
    ),
    Indicator(
        "temporary_funds",
        "临时救助支出",
        "元",
        "当月已审批花名册中的临时救助。",
        "发放台账（临时救助）、已审批花名册",
    ),
    Indicator(
        "price_subsidy_launched",
        "物价补贴启动",
        "次",
        "当月是否发放了物价补贴（1 为启动）。",
        "发放台账（物价补贴）、已审批花名册",
    ),
    Indicator(
        "applications_received",
        "受理申请",
        "件",
        "申请日期在当月的救助申请。",
        "救助申请（申请日期）",
    ),
    Indicator(
        "applications_decided",
        "办结申请",
        "件",
        "决定日期在当月的救助申请（批准或不予批准）。",
        "救助申请（决定日期）",
    ),
    Indicator(
        "applications_approved", "批准申请", "件", "办结申请中予以批准的。", "救助申请（已批准）"
    ),
    Indicator(
        "days_to_decision",
        "平均办理天数",
        "天",
        "当月办结申请从申请到决定的平均自然日数。",
        "救助申请（申请日期、决定日期）",
    ),
    Indicator(
        "legacy_funds",
        "原系统发放（迁移历史）",
        "元",
        "从原系统导入的发放记录中状态为已发放、所属月份为当月的金额；该区县当月已有已审批花名册时不计"
        "（以本平台台账为准）。已计入低保金、特困供养金及城乡低保资金支出。",
        "原系统发放记录（数据迁移）",
    ),
    Indicator(
        "warnings_raised",
        "新增预警",
        "件",
        "预警月份为当月的动态监测预警（按预警对象所在区划）。",
        "预警（预警月份）",
    ),
    Indicator(
        "warnings_handled",
        "办结预警",
        "件",
        "办结时间在当月的预警（核实属实、误报等各种办结原因）。",
        "预警（办结时间）",
    ),
    Indicator(
        "warnings_overdue",
        "超期未办结预警",
        "件",
        "月末时已产生、办理期限早于下月1日且到月末仍未办结的预警。",
        "预警（办理期限、办结时间）",
    ),
    Indicator(
        "medical_settlements",
        "医疗救助结算人次",
        "人次",
        "结算日期在当月、未冲销的“一站式”医疗救助结算笔数。",
        "医疗救助结算（结算日期）",
    ),
    Indicator(
        "medical_assistance_paid",
        "医疗救助支出",
        "元",
        "结算日期在当月、未冲销的医疗救助结算中医疗救助基金支付的金额。",
        "医疗救助结算（医疗救助金额）",
    ),
    Indicator(
        "ertong_persons",
        "困境儿童基本生活费人数",
        "人",
        "当月在发放期内的儿童保障（孤儿、事实无人抚养儿童等）纳入人数。",
        "救助对象（儿童保障）",
    ),
    Indicator(
        "ertong_funds",
        "儿童基本生活费支出",
        "元",
        "当月已审批花名册中儿童保障的救助金（含补发）。",
        "发放台账（救助金）、已审批花名册",
    ),
    Indicator(
        "gaoling_persons",
        "高龄津贴人数",
        "人",
        "当月在发放期内的高龄津贴纳入人数。",
        "救助对象（高龄津贴）",
    ),
    Indicator(
        "gaoling_funds",
        "高龄津贴支出",
        "元",
        "当月已审批花名册中高龄津贴的金额（含补发）。",
        "发放台账（救助金）、已审批花名册",
    ),
    Indicator(
        "meal_persons",
        "助餐服务人数",
        "人",
        "当月在助餐点有就餐记录的老年人人数（按就餐记录所在区划，一人多点分别计）。",
        "助餐就餐记录（就餐日期）",
    ),
    Indicator(
        "meal_count",
        "助餐餐次",
        "餐",
        "就餐日期在当月的就餐餐次合计。",
        "助餐就餐记录（餐次）",
    ),
    Indicator(
        "meal_subsidy",
        "助餐补贴支出",
        "元",
        "就餐日期在当月的就餐记录中按当日参数核定的补贴金额合计。",
        "助餐就餐记录（补贴金额）",
    ),
)
BY_CODE = {i.code: i for i in INDICATORS}
MONEY = {i.code for i in INDICATORS if i.unit == "元"}


@dataclass
class Hierarchy:
    """Village → township → county → city, from the Region table."""

    parent: dict[str, str]
    level: dict[str, str]
    name: dict[str, str]

    @classmethod
    def load(cls) -> Hierarchy:
        rows = Region.objects.values_list("code", "parent_id", "level", "name")
        return cls(
            parent={c: p for c, p, _, _ in rows if p},
            level={c: lv for c, _, lv, _ in rows},
            name={c: n for c, _, _, n in rows},
        )

    def chain(self, code: str) -> list[str]:
        """The region and every region above it."""
        out = [code]
        while out[-1] in self.parent:
            out.append(self.parent[out[-1]])
        return out


Figures = dict[str, dict[str, Any]]  # region code → indicator code → value


def _paying(month: date) -> Q:
    return Q(status__in=PAYING_STATUSES, start_month__lte=month) & (
        Q(end_month__isnull=True) | Q(end_month__gt=month)
    )


def _add(figures: Figures, tree: Hierarchy, code: str, indicator: str, value: Any) -> None:
    for region in tree.chain(code):
        cell = figures[region]
        cell[indicator] = cell.get(indicator, 0) + value


def compute_month(ym: YearMonth, tree: Hierarchy | None = None) -> Figures:
    """Every indicator for every region (village rows are dropped at the end), for month `ym`."""
    tree = tree or Hierarchy.load()
    month = ym.first_day()
    next_month = (ym + 1).first_day()
    figures: Figures = defaultdict(dict)
    row: Any  # each grouped query gives rows of its own shape

    # Persons are each enrolment's counted persons, fixed when it was decided (Enrolment.persons,
    # 民发〔2021〕57号 art 7): not the household's size this month.
    enrolments = (
        Enrolment.objects.filter(_paying(month))
        .values("region_id", "programme", "status", single=Q(person__isnull=False))
        .annotate(n=Count("id"), persons=Sum("persons"))
    )
    for row in enrolments:
        code, programme, n, persons = row["region_id"], row["programme"], row["n"], row["persons"]
        if programme == ProgrammeCode.DIBAO:
            _add(figures, tree, code, "dibao_households", n)
            _add(figures, tree, code, "dibao_persons", persons)
            if row["single"]:
                _add(figures, tree, code, "single_person", n)
        elif programme == ProgrammeCode.DIBIAN:
            _add(figures, tree, code, "dibian_households", n)
            _add(figures, tree, code, "dibian_persons", persons)
        elif programme == ProgrammeCode.TEKUN:
            _add(figures, tree, code, "tekun_persons", n)
        elif programme in (ProgrammeCode.ERTONG, ProgrammeCode.GAOLING):
            _add(figures, tree, code, f"{programme}_persons", n)
        if row["status"] == "gradual_exit" and programme in (
            ProgrammeCode.DIBAO,
            ProgrammeCode.DIBIAN,
        ):
            _add(figures, tree, code, "gradual_exit", n)
            _add(figures, tree, code, "gradual_exit_persons", persons)
    by_hukou = (
        Enrolment.objects.filter(_paying(month), programme="dibao")
        .values("region_id", hukou=F("household__head__hukou_type"))
        .annotate(n=Count("id"), persons=Sum("persons"))
    )
    for row in by_hukou:
        where = "urban" if row["hukou"] == HukouType.URBAN else "rural"
        _add(figures, tree, row["region_id"], f"dibao_{where}_households", row["n"])
        _add(figures, tree, row["region_id"], f"dibao_{where}_persons", row["persons"])

    started = Enrolment.objects.filter(
        start_month=month, programme__in=("dibao", "dibian", "tekun")
    )
    for row in started.values("region_id").annotate(n=Count("id")):
        _add(figures, tree, row["region_id"], "new_cases", row["n"])
    ended = Enrolment.objects.filter(
        end_month=next_month, programme__in=("dibao", "dibian", "tekun")
    )
    for row in ended.values("region_id").annotate(n=Count("id")):
        _add(figures, tree, row["region_id"], "exits", row["n"])

    lines = (
        PaymentLine.objects.filter(roll__month=month, roll__status__in=PAID_ROLLS)
        .filter(kind__in=("benefit", "price_subsidy", "temporary"))
        .values("region_id", "programme", "kind", hukou=F("payee__hukou_type"))
        .annotate(fen=Sum("amount_fen"))
    )
    launched: set[str] = set()
    for row in lines:
        yuan = Decimal(row["fen"] or 0) / 100
        code, programme, kind = row["region_id"], row["programme"], row["kind"]
        if kind == "temporary":
            _add(figures, tree, code, "temporary_funds", yuan)
        elif kind == "benefit" and programme in FUNDED_PROGRAMMES:
            _add(figures, tree, code, f"{programme}_funds", yuan)
        elif kind == "price_subsidy" and programme in (ProgrammeCode.DIBAO, ProgrammeCode.TEKUN):
            _add(figures, tree, code, f"{programme}_price_subsidy", yuan)
        if programme == ProgrammeCode.DIBAO and kind in ("benefit", "price_subsidy"):
            where = "urban" if row["hukou"] == HukouType.URBAN else "rural"
            _add(figures, tree, code, f"dibao_{where}_funds", yuan)
        if kind == "price_subsidy":
            launched.update(tree.chain(code))
    for region in launched:
        figures[region]["price_subsidy_launched"] = 1
    _legacy_payments(figures, tree, month)
    _warnings(figures, tree, month, next_month)
    _services(figures, tree, month, next_month)

    received = Application.objects.filter(submitted_on__gte=month, submitted_on__lt=next_month)
    for row in received.values("region_id").annotate(n=Count("id")):
        _add(figures, tree, row["region_id"], "applications_received", row["n"])
    decided = Application.objects.filter(decided_on__gte=month, decided_on__lt=next_month)
    days: dict[str, list[int]] = defaultdict(list)
    for code, step, submitted, decided_on in decided.values_list(
        "region_id", "step", "submitted_on", "decided_on"
    ).iterator():
        if decided_on is None:
            continue
        _add(figures, tree, code, "applications_decided", 1)
        if step == "approved":
            _add(figures, tree, code, "applications_approved", 1)
        for region in tree.chain(code):
            days[region].append((decided_on - submitted).days)
    for region, spans in days.items():
        figures[region]["days_to_decision"] = round(sum(spans) / len(spans), 1)

    return {
        code: dict(values)
        for code, values in figures.items()
        if tree.level.get(code) != Level.VILLAGE
    }


def _legacy_payments(figures: Figures, tree: Hierarchy, month: date) -> None:
    """The former system's paid months (数据迁移), for counties with no approved roll that month:
    a month is counted from one source, the platform's ledger once it pays."""
    from minzheng.adoption.models import LegacyPayment

    paying = set(
        Roll.objects.filter(month=month, status__in=PAID_ROLLS).values_list("county_id", flat=True)
    )
    rows = (
        LegacyPayment.objects.filter(month=month, status="paid")
        .values(
            "region_id",
            "programme",
            hukou=Coalesce(F("person__hukou_type"), F("household__head__hukou_type")),
        )
        .annotate(amount=Sum("amount"))
    )
    for row in rows:
        code, programme = row["region_id"], row["programme"]
        if county_code(code) in paying:
            continue
        yuan = Decimal(row["amount"] or 0)
        _add(figures, tree, code, "legacy_funds", yuan)
        if programme in (ProgrammeCode.DIBAO, ProgrammeCode.TEKUN):
            _add(figures, tree, code, f"{programme}_funds", yuan)
        if programme == ProgrammeCode.DIBAO:
            where = "urban" if row["hukou"] == HukouType.URBAN else "rural"
            _add(figures, tree, code, f"dibao_{where}_funds", yuan)


def _warnings(figures: Figures, tree: Hierarchy, month: date, next_month: date) -> None:
    from minzheng.monitoring.models import Warning

    for row in Warning.objects.filter(month=month).values("region_id").annotate(n=Count("id")):
        _add(figures, tree, row["region_id"], "warnings_raised", row["n"])
    month_start = _local_midnight(month)
    month_end = _local_midnight(next_month)
    handled = Warning.objects.filter(closed_at__gte=month_start, closed_at__lt=month_end)
    for row in handled.values("region_id").annotate(n=Count("id")):
        _add(figures, tree, row["region_id"], "warnings_handled", row["n"])
    overdue = Warning.objects.filter(
        month__lt=next_month, created_at__lt=month_end, deadline__lt=next_month
    ).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=month_end))
    for row in overdue.values("region_id").annotate(n=Count("id")):
        _add(figures, tree, row["region_id"], "warnings_overdue", row["n"])


def _services(figures: Figures, tree: Hierarchy, month: date, next_month: date) -> None:
    from minzheng.eldercare.models import MealRecord
    from minzheng.medical.models import Settlement

    settled = Settlement.objects.filter(
        status="settled", settled_on__gte=month, settled_on__lt=next_month
    )
    for row in settled.values("region_id").annotate(n=Count("id"), paid=Sum("assistance_amount")):
        _add(figures, tree, row["region_id"], "medical_settlements", row["n"])
        _add(figures, tree, row["region_id"], "medical_assistance_paid", Decimal(row["paid"] or 0))
    meals = MealRecord.objects.filter(day__gte=month, day__lt=next_month)
    per_point = meals.values("region_id").annotate(
        persons=Count("person_id", distinct=True), meals=Sum("meals"), subsidy=Sum("subsidy")
    )
    for code, persons, count, subsidy in per_point.values_list(
        "region_id", "persons", "meals", "subsidy"
    ):
        _add(figures, tree, code, "meal_persons", persons)
        _add(figures, tree, code, "meal_count", count or 0)
        _add(figures, tree, code, "meal_subsidy", Decimal(subsidy or 0))


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day))


def money_text(value: Any) -> str:
    return f"{Decimal(value):.2f}"


def jsonable(figures: Figures) -> dict[str, dict[str, Any]]:
    """Money as strings with two decimals, so a frozen month reads back exactly."""
    return {
        code: {k: (money_text(v) if k in MONEY else v) for k, v in values.items()}
        for code, values in figures.items()
    }


def regions_under(tree: Hierarchy, code: str, level: str) -> Iterable[str]:
    return sorted(c for c, lv in tree.level.items() if lv == level and code in tree.chain(c))
