"""Pure rules of the institution registry: the labels of its codes, what a bed count or a date
may be, and the indicators (beds per 100 elderly, nursing-bed share) with the article's figures.

No database here: the queries count, these functions divide and compare."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

KIND_LABELS: dict[str, str] = {
    "public": "公办",
    "public_private": "公建民营",
    "private": "民办",
}
BED_LABELS: dict[str, str] = {"nursing": "护理型床位", "ordinary": "普通床位"}
INSPECTION_RESULT_LABELS: dict[str, str] = {
    "pass": "合格",
    "rectify": "限期整改",
    "serious": "重大隐患，停止收住",
}
CLAIM_STATUS_LABELS: dict[str, str] = {
    "filed": "已报案",
    "paid": "已赔付",
    "refused": "不予赔付",
}
DISCHARGE_LABELS: dict[str, str] = {
    "home": "返回家庭",
    "transfer": "转至其他机构",
    "hospital": "转入医院",
    "death": "死亡",
}

ELDERLY_AGE = 60  # the issue: elderly = registry persons aged 60+ on the date
MAX_BEDS_AT_ONCE = 500  # one 增加床位 form; more: submit again
MAX_RECTIFY_DAYS = 365

# The Ningbo 2020 article the project is modelled on (policy notes §11): 87,000+ beds, 5.57 per 100 elderly, nursing beds 56 %
# of institutional beds, liability insurance for 390,000 elderly in 3,172 institutions, cover
# 256.7 亿元, claims paid 730 万元. Ningbo's residents aged 60+: 1,702,566 (issue #19, from the 2020 census).
ARTICLE_BEDS = 87_000
ARTICLE_PER_100 = Decimal("5.57")
ARTICLE_NURSING_SHARE = Decimal("56")
ARTICLE_INSURED_ELDERLY = 390_000
ARTICLE_INSURED_INSTITUTIONS = 3_172
ARTICLE_CLAIMS_PAID = Decimal("7300000.00")
NINGBO_ELDERLY_2020 = 1_702_566

HUNDREDTH = Decimal("0.01")


def age_on(birth: date, day: date) -> int:
    """Full years (周岁) on `day`."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def elderly_born_by(day: date, age: int = ELDERLY_AGE) -> date:
    """The latest birth date of a person aged `age` or more on `day` (29 Feb → 28 Feb)."""
    try:
        return day.replace(year=day.year - age)
    except ValueError:
        return day.replace(year=day.year - age, day=28)


def per_100(beds: int, elderly: int) -> Decimal | None:
    """Beds per 100 elderly, two decimals; None when there are no elderly to divide by."""
    if elderly <= 0:
        return None
    return (Decimal(beds) * 100 / Decimal(elderly)).quantize(HUNDREDTH, ROUND_HALF_UP)


def share(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole`, two decimals; None when `whole` is 0."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, ROUND_HALF_UP)


def scaled(article_value: int | Decimal, registry_elderly: int) -> Decimal:
    """An article count scaled to the registry: value × registry elderly ÷ Ningbo's elderly."""
    value = Decimal(article_value) * Decimal(registry_elderly) / Decimal(NINGBO_ELDERLY_2020)
    return value.quantize(Decimal("1"), ROUND_HALF_UP)


class RuleError(ValueError):
    """Input a rule refuses; `message` is the Chinese text a user reads."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def check_bed_count(count: int) -> int:
    if count < 1:
        raise RuleError("床位数应至少为 1", "bed_count_invalid")
    if count > MAX_BEDS_AT_ONCE:
        raise RuleError(f"一次最多增加 {MAX_BEDS_AT_ONCE} 张床位", "bed_count_too_many")
    return count


def check_period(starts: date, ends: date, what: str) -> None:
    if ends < starts:
        raise RuleError(f"{what}的结束日期不能早于开始日期", "period_invalid")


def check_rectify_by(inspected_on: date, result: str, rectify_by: date | None) -> None:
    """整改 results need a deadline after the inspection (at most a year); 合格 needs none."""
    if result not in INSPECTION_RESULT_LABELS:
        raise RuleError("请选择检查结论", "result_invalid")
    if result == "pass":
        if rectify_by is not None:
            raise RuleError("检查合格无须填写整改期限", "rectify_by_not_needed")
        return
    if rectify_by is None:
        raise RuleError("限期整改须填写整改期限", "rectify_by_missing")
    days = (rectify_by - inspected_on).days
    if days < 1:
        raise RuleError("整改期限应晚于检查日期", "rectify_by_invalid")
    if days > MAX_RECTIFY_DAYS:
        raise RuleError(f"整改期限不超过检查日期后 {MAX_RECTIFY_DAYS} 天", "rectify_by_invalid")


@dataclass(frozen=True)
class Indicator:
    """One county's (or the total's) figures on a date."""

    name: str
    code: str
    institutions: int
    beds: int
    nursing_beds: int
    occupied: int
    elderly: int

    @property
    def per_100(self) -> Decimal | None:
        return per_100(self.beds, self.elderly)

    @property
    def nursing_share(self) -> Decimal | None:
        return share(self.nursing_beds, self.beds)

    @property
    def occupancy(self) -> Decimal | None:
        return share(self.occupied, self.beds)


@dataclass(frozen=True)
class ArticleRow:
    """The article's figure, that figure scaled to the registry's elderly, and the computed one."""

    label: str
    article: str
    scaled: str
    computed: str


def article_rows(
    total: Indicator, insured_elderly: int, insured_institutions: int, claims_paid: Decimal
) -> list[ArticleRow]:
    def pct(v: Decimal | None) -> str:
        return "—" if v is None else f"{v}%"

    def num(v: Decimal | None) -> str:
        return "—" if v is None else f"{v}"

    e = total.elderly
    return [
        ArticleRow(
            "养老床位（张）",
            f"{ARTICLE_BEDS:,}+",
            f"{scaled(ARTICLE_BEDS, e):,}",
            f"{total.beds:,}",
        ),
        ArticleRow(
            "每百名老年人拥有养老床位（张）",
            f"{ARTICLE_PER_100}",
            f"{ARTICLE_PER_100}",
            num(total.per_100),
        ),
        ArticleRow(
            "护理型床位占机构床位比例",
            f"{ARTICLE_NURSING_SHARE}%",
            f"{ARTICLE_NURSING_SHARE}%",
            pct(total.nursing_share),
        ),
        ArticleRow(
            "综合责任险参保老年人（人）",
            f"{ARTICLE_INSURED_ELDERLY:,}",
            f"{scaled(ARTICLE_INSURED_ELDERLY, e):,}",
            f"{insured_elderly:,}",
        ),
        ArticleRow(
            "综合责任险参保机构（家）",
            f"{ARTICLE_INSURED_INSTITUTIONS:,}",
            f"{scaled(ARTICLE_INSURED_INSTITUTIONS, e):,}",
            f"{insured_institutions:,}",
        ),
        ArticleRow(
            "累计赔付（元）",
            f"{ARTICLE_CLAIMS_PAID:,.2f}",
            f"{scaled(ARTICLE_CLAIMS_PAID, e):,.2f}",
            f"{claims_paid:,.2f}",
        ),
    ]
