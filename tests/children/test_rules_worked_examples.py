"""The category rule on hand-worked cases: 孤儿, 事实无人抚养儿童, 其他困境儿童, the six-month tests,
severe disability, the end age and the full-time education extension."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from minzheng.assistance.parameter_catalog import catalog_rows
from minzheng.assistance.parameters import ParameterSet, resolve_parameters
from minzheng.children.rules import (
    ChildCategory,
    ChildFacts,
    Parent,
    allowance,
    classify,
    last_paid_month,
    severe_disability,
)
from minzheng.core.yearmonth import YearMonth

DAY = date(2026, 12, 2)


@pytest.fixture(scope="module")
def params() -> ParameterSet:
    return resolve_parameters(catalog_rows(), "330203", DAY)


def child(
    father: str,
    mother: str,
    *,
    fm: int = 0,
    mm: int = 0,
    born: date = date(2014, 6, 15),
    **kw: object,
) -> ChildFacts:
    return ChildFacts(
        birth_date=born,
        in_institution=bool(kw.get("institution", False)),
        father=Parent("父亲", father, fm),
        mother=Parent("母亲", mother, mm),
        education_until=kw.get("education")  # type: ignore[arg-type]
        if isinstance(kw.get("education"), date)
        else None,
    )


def test_both_parents_dead_is_a_scattered_orphan_or_an_institutional_one(
    params: ParameterSet,
) -> None:
    assert classify(child("dead", "dead"), params, DAY).category is ChildCategory.SCATTERED_ORPHAN
    in_home = classify(child("dead", "declared_missing", institution=True), params, DAY)
    assert in_home.category is ChildCategory.INSTITUTIONAL_ORPHAN


def test_one_parent_dead_and_the_other_in_prison_seven_months_is_unsupported(
    params: ParameterSet,
) -> None:
    decision = classify(child("dead", "detained", mm=7), params, DAY)
    assert decision.category is ChildCategory.UNSUPPORTED
    assert decision.paid
    test = next(c for c in decision.criteria if c.name.startswith("母亲服刑"))
    assert (test.value, test.threshold, test.passed) == ("7个月", "不少于6个月", True)


def test_a_detention_of_five_months_does_not_count_yet(params: ParameterSet) -> None:
    decision = classify(child("dead", "detained", mm=5), params, DAY)
    assert decision.category is ChildCategory.IN_DIFFICULTY
    assert not decision.paid


def test_both_parents_unable_is_unsupported(params: ParameterSet) -> None:
    decision = classify(child("severe_disability", "lost_contact", mm=6), params, DAY)
    assert decision.category is ChildCategory.UNSUPPORTED


def test_parents_raising_the_child_give_no_category(params: ParameterSet) -> None:
    decision = classify(child("present", "present"), params, DAY)
    assert decision.category is None
    assert decision.summary == "父母均能履行抚养责任，不属于保障对象"


def test_severe_disability_is_grade_two_or_grade_four_for_mental(params: ParameterSet) -> None:
    assert severe_disability("physical", 2, params).passed
    assert not severe_disability("physical", 3, params).passed
    assert severe_disability("intellectual", 4, params).passed
    assert not severe_disability("visual", None, params).passed


def test_the_allowance_ends_with_the_eighteenth_birthday_month(params: ParameterSet) -> None:
    last, _ = last_paid_month(child("dead", "dead", born=date(2009, 1, 20)), params)
    assert last == YearMonth(2027, 1)
    over = classify(child("dead", "dead", born=date(2008, 11, 20)), params, DAY)
    assert over.category is None and over.summary == "超过保障年龄"


def test_full_time_education_extends_to_graduation_within_the_cap(params: ParameterSet) -> None:
    school = child("dead", "dead", born=date(2009, 1, 20), education=date(2030, 6, 30))
    last, criteria = last_paid_month(school, params)
    assert last == YearMonth(2030, 6)
    assert criteria[1].threshold == "不超过22周岁"
    long_school = child("dead", "dead", born=date(2009, 1, 20), education=date(2035, 6, 30))
    assert last_paid_month(long_school, params)[0] == YearMonth(2031, 1)  # the 22nd birthday month
    assert classify(school, params, date(2028, 3, 1)).category is ChildCategory.SCATTERED_ORPHAN


def test_unsupported_children_get_the_scattered_orphan_allowance(params: ParameterSet) -> None:
    scattered, version = allowance(ChildCategory.SCATTERED_ORPHAN, params)
    unsupported, same = allowance(ChildCategory.UNSUPPORTED, params)
    institutional, _ = allowance(ChildCategory.INSTITUTIONAL_ORPHAN, params)
    assert scattered == unsupported == Decimal("1600.00") and version == same
    assert institutional == Decimal("2100.00")
    assert version == "children.allowance.scattered_orphan@330200@2020-01-01"
