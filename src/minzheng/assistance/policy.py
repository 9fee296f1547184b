"""Every parameter an evaluation reads, read once up front: a missing one fails before any rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from minzheng.assistance.decisions import CareLevel, ParameterUse
from minzheng.assistance.errors import ParameterInvalid
from minzheng.assistance.parameters import STANDARD_KEY, ParameterSet, ResolvedParameter
from minzheng.core.money import Rounding


@dataclass(frozen=True, slots=True)
class Setting[T]:
    value: T
    parameter: ResolvedParameter

    @property
    def use(self) -> ParameterUse:
        return ParameterUse.of(self.parameter)


@dataclass(frozen=True, slots=True)
class Policy:
    standard: Setting[Decimal]
    adult_age: Setting[int]
    clergy_away_min_years: Setting[int]
    income_excluded: Setting[frozenset[str]]
    deduct_extra_expenses: Setting[bool]
    dibao_money_years: Setting[int]
    dibian_multiplier: Setting[Decimal]
    dibian_money_years: Setting[int]
    vehicle_allowed: Setting[bool]
    vehicle_exempt: Setting[frozenset[str]]
    nonresidential_allowed: Setting[bool]
    nonresidential_only_home_exempt: Setting[bool]
    urban_max_homes: Setting[int]
    urban_max_homes_if_small: Setting[int]
    urban_average_area: Setting[Decimal]
    elderly_rate: Setting[Decimal]
    elderly_min_age: Setting[int]
    minor_rate: Setting[Decimal]
    severe_disability_rate: Setting[Decimal]
    severe_disability_max_grade: Setting[int]
    serious_illness_rate: Setting[Decimal]
    supplements_cumulative: Setting[bool]
    rounding: Setting[Rounding]
    floor: Setting[Decimal]
    grace_months: Setting[int]
    dibian_grace_months: Setting[int]
    single_multiplier: Setting[Decimal]
    single_severe_max_grade: Setting[int]
    single_intellectual_mental_max_grade: Setting[int]
    single_serious_illness_allowed: Setting[bool]
    tekun_multiplier: Setting[Decimal]
    care_amounts: dict[CareLevel, Setting[Decimal]]
    care_partial_max_failed: Setting[int]
    incapacity_min_age: Setting[int]
    incapacity_under_age: Setting[int]
    minor_until_age: Setting[int]
    incapacity_intellectual_mental_max_grade: Setting[int]
    incapacity_physical_max_grade: Setting[int]
    incapacity_visual_max_grade: Setting[int]
    tekun_excluded: Setting[frozenset[str]]
    supporter_dibao_min_age: Setting[int]
    supporter_elderly_min_age: Setting[int]
    supporter_severe_max_grade: Setting[int]
    supporter_intellectual_mental_max_grade: Setting[int]
    supporter_income_line: Setting[Decimal]


def _reader[T](getter: Callable[[str], tuple[T, ResolvedParameter]]) -> Callable[[str], Setting[T]]:
    def read(key: str) -> Setting[T]:
        value, parameter = getter(key)
        return Setting(value, parameter)

    return read


def load_policy(params: ParameterSet) -> Policy:
    dec, integer = _reader(params.decimal), _reader(params.integer)
    flag, codes = _reader(params.boolean), _reader(params.codes)

    def amount(key: str, *, positive: bool = False) -> Setting[Decimal]:
        s = dec(key)
        if s.value < 0 or (positive and s.value == 0):
            raise ParameterInvalid(
                f"政策参数 {key}（{s.parameter.version_id}）不能为{'零或' if positive else ''}负数"
            )
        return s

    standard = amount(
        STANDARD_KEY, positive=True
    )  # first: no standard means the region is not set up
    text, rule_param = params.text("benefit.rounding")
    try:
        rounding = Setting(Rounding(text), rule_param)
    except ValueError:
        raise ParameterInvalid(f"舍入规则 {text!r} 无效（{rule_param.version_id}）") from None

    return Policy(
        standard=standard,
        adult_age=integer("household.adult_age"),
        clergy_away_min_years=integer("household.clergy_away_min_years"),
        income_excluded=codes("income.excluded_kinds"),
        deduct_extra_expenses=flag("income.deduct_extra_expenses"),
        dibao_money_years=integer("dibao.money_asset_years"),
        dibian_multiplier=amount("dibian.income_multiplier"),
        dibian_money_years=integer("dibian.money_asset_years"),
        vehicle_allowed=flag("asset.vehicle_allowed"),
        vehicle_exempt=codes("asset.vehicle_exempt_kinds"),
        nonresidential_allowed=flag("asset.nonresidential_property_allowed"),
        nonresidential_only_home_exempt=flag("asset.nonresidential_only_home_exempt"),
        urban_max_homes=integer("asset.urban_max_homes"),
        urban_max_homes_if_small=integer("asset.urban_max_homes_if_small"),
        urban_average_area=amount("asset.urban_average_floor_area_per_capita"),
        elderly_rate=amount("supplement.elderly.rate"),
        elderly_min_age=integer("supplement.elderly.min_age"),
        minor_rate=amount("supplement.minor.rate"),
        severe_disability_rate=amount("supplement.severe_disability.rate"),
        severe_disability_max_grade=integer("supplement.severe_disability.max_grade"),
        serious_illness_rate=amount("supplement.serious_illness.rate"),
        supplements_cumulative=flag("supplement.cumulative"),
        rounding=rounding,
        floor=amount("benefit.floor_monthly"),
        grace_months=integer("gradual_exit.grace_months"),
        dibian_grace_months=integer("dibian.gradual_exit.grace_months"),
        single_multiplier=amount("single_person.household_income_multiplier"),
        single_severe_max_grade=integer("single_person.severe_disability_max_grade"),
        single_intellectual_mental_max_grade=integer("single_person.intellectual_mental_max_grade"),
        single_serious_illness_allowed=flag("single_person.serious_illness_allowed"),
        tekun_multiplier=amount("tekun.basic_multiplier"),
        care_amounts={level: amount(f"tekun.care_amount.{level.value}") for level in CareLevel},
        care_partial_max_failed=integer("tekun.care.partial_max_failed_items"),
        incapacity_min_age=integer("tekun.incapacity.min_age"),
        incapacity_under_age=integer("tekun.incapacity.under_age"),
        minor_until_age=integer("tekun.minor.until_age"),
        incapacity_intellectual_mental_max_grade=integer(
            "tekun.incapacity.intellectual_mental_max_grade"
        ),
        incapacity_physical_max_grade=integer("tekun.incapacity.physical_max_grade"),
        incapacity_visual_max_grade=integer("tekun.incapacity.visual_max_grade"),
        tekun_excluded=codes("tekun.excluded_kinds"),
        supporter_dibao_min_age=integer("tekun.supporter.dibao_min_age"),
        supporter_elderly_min_age=integer("tekun.supporter.elderly_min_age"),
        supporter_severe_max_grade=integer("tekun.supporter.severe_disability_max_grade"),
        supporter_intellectual_mental_max_grade=integer(
            "tekun.supporter.intellectual_mental_max_grade"
        ),
        supporter_income_line=amount("tekun.supporter.income_line_monthly"),
    )
