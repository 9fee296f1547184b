"""The article's figures (Ningbo, 2020) beside the ones computed from the data (issue 17 point 6).

The article's values are those of `shared/domain/policy.md` §11 (the persons and the two spending
figures are kept once, in `registry.economy`, which the synthetic city is calibrated on). The
computed side is the dashboard's own indicators for the city: the stock figures of December 2020,
the spending summed over the twelve months of 2020 from the approved rolls' ledger. A year whose
rolls were never run (the synthetic city writes enrolments, not rolls) shows no spending figure:
"未回放", never a number made up from the monthly amounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from minzheng.core.yearmonth import YearMonth
from minzheng.payments.parameter_catalog import PRICE_SUBSIDY_CALIBRATION
from minzheng.registry.economy import ARTICLE_PERSONS, ARTICLE_SPENDING_YUAN

ARTICLE_MONTH = YearMonth(2020, 12)  # the article's year end: its stock figures are compared here
# 物价补贴 "launched 9 times, 1.78 亿元" (policy.md §11).
ARTICLE_PRICE_SUBSIDY_LAUNCHES = 9
ARTICLE_PRICE_SUBSIDY_YUAN = Decimal("178000000")
# The groups the article's 物价补贴 covers that this platform does not pay, as a share of those it
# pays (illustrative, derived from the article: payments.parameter_catalog).
OUTSIDE_SHARE = Decimal(PRICE_SUBSIDY_CALIBRATION["outside_share"])
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ArticleFigure:
    name: str
    unit: str
    article: Decimal
    article_text: str  # as the article puts it
    computed: Decimal | None  # None: the year's rolls were not replayed (未回放)
    note: str

    @property
    def difference(self) -> Decimal | None:
        return None if self.computed is None else self.computed - self.article

    @property
    def difference_pct(self) -> Decimal | None:
        if self.difference is None or not self.article:
            return None
        return (100 * self.difference / self.article).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    def show(self, value: Decimal | None, *, missing: str = "未回放") -> str:
        if value is None:
            return missing
        if self.unit == "元":
            return f"{value:,.2f}"
        return f"{value:,}"

    @property
    def article_shown(self) -> str:
        return self.show(self.article)

    @property
    def computed_shown(self) -> str:
        return self.show(self.computed)

    @property
    def difference_shown(self) -> str:
        return self.show(self.difference, missing="—")


def _sum(months: list[dict[str, Any]], *codes: str) -> Decimal:
    return sum((Decimal(m.get(c, 0)) for m in months for c in codes), Decimal(0))


def article_figures(
    december: dict[str, Any], year: list[dict[str, Any]], replayed_months: int
) -> list[ArticleFigure]:
    """`december`: the city's figures for December 2020; `year`: its twelve months of 2020;
    `replayed_months`: how many of those months have an approved roll (or imported payments)."""

    def count(code: str) -> Decimal:
        return Decimal(december.get(code, 0))

    def spent(*codes: str) -> Decimal | None:
        return _sum(year, *codes) if replayed_months else None

    replay_note = (
        f"2020 年 {replayed_months} 个月有已审批花名册，按台账合计"
        if replayed_months
        else "2020 年的花名册未回放，台账中没有这一年的支出"
    )
    launches = sum(1 for m in year if m.get("price_subsidy_launched"))
    paid_subsidy = spent("dibao_price_subsidy", "tekun_price_subsidy")
    return [
        ArticleFigure(
            "低保人数",
            "人",
            Decimal(ARTICLE_PERSONS["dibao"]),
            "59,337 人",
            count("dibao_persons"),
            "2020 年 12 月在发放期内（含渐退期）的低保户认定时计入的成员，加上单人户",
        ),
        ArticleFigure(
            "低边人数",
            "人",
            Decimal(ARTICLE_PERSONS["dibian"]),
            "16,520 人",
            count("dibian_persons"),
            "2020 年 12 月低边家庭认定时计入的成员（不含其中以单人户纳入低保的成员）",
        ),
        ArticleFigure(
            "特困人数",
            "人",
            Decimal(ARTICLE_PERSONS["tekun"]),
            "3,476 人",
            count("tekun_persons"),
            "2020 年 12 月在发放期内的特困供养人员",
        ),
        ArticleFigure(
            "单人户低保",
            "人",
            Decimal(ARTICLE_PERSONS["single_person"]),
            "13,151 人",
            count("single_person"),
            "2020 年 12 月以单人户纳入低保的人数",
        ),
        ArticleFigure(
            "渐退",
            "人",
            Decimal(ARTICLE_PERSONS["gradual_exit"]),
            "1,906 人",
            count("gradual_exit_persons"),
            "2020 年 12 月处于渐退期、仍在发放的低保、低边所涉人数",
        ),
        ArticleFigure(
            "低保金（全年）",
            "元",
            Decimal(ARTICLE_SPENDING_YUAN["dibao"]),
            "超过 4.77 亿元",
            spent("dibao_funds"),
            replay_note,
        ),
        ArticleFigure(
            "特困保障金（全年）",
            "元",
            Decimal(ARTICLE_SPENDING_YUAN["tekun"]),
            "7,038.09 万元",
            spent("tekun_funds"),
            replay_note,
        ),
        ArticleFigure(
            "物价补贴（全年）",
            "元",
            ARTICLE_PRICE_SUBSIDY_YUAN,
            "1.78 亿元",
            paid_subsidy,
            replay_note + "；本平台发放的低保、特困对象，不含文章数中平台外发放的对象",
        ),
        ArticleFigure(
            "物价补贴（全年，含平台外对象估算）",
            "元",
            ARTICLE_PRICE_SUBSIDY_YUAN,
            "1.78 亿元",
            None if paid_subsidy is None else (paid_subsidy * (1 + OUTSIDE_SHARE)).quantize(CENT),
            f"本平台发放额 ×（1 + {OUTSIDE_SHARE}）：失业保险金领取人员、优抚对象等不经本平台发放的"
            f"对象按参数 {OUTSIDE_SHARE} 估算（由文章数字推得的示例值，非文章数字）",
        ),
        ArticleFigure(
            "物价补贴启动月数",
            "次",
            Decimal(ARTICLE_PRICE_SUBSIDY_LAUNCHES),
            "启动 9 次（3—6 月翻倍）",
            Decimal(launches) if replayed_months else None,
            "2020 年发放了物价补贴的月份数（按月计，同月多次启动计 1 次）",
        ),
    ]
