"""Synthetic Ningbo: a deterministic, vectorised registry of households for demos and benchmarks.

`generate(persons, seed)` is pure (numpy and the divisions files, no Django, no clock): the same
arguments give the same names, ID numbers, ages and households. `seed_registry` seals the personal
data and writes it in bulk (COPY on PostgreSQL, executemany on SQLite). The model and which rates
are illustrative: docs/seed_and_import.md.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice, repeat
from typing import Any

import numpy as np
import numpy.typing as npt

from minzheng.core.divisions import Division, divisions
from minzheng.core.errors import DomainError
from minzheng.core.regioncode import RegionCode, county_code, county_of

IntArray = npt.NDArray[np.int64]
StrArray = npt.NDArray[np.str_]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# `ningbo` is the whole city at the 2020 census (policy.md §11).
SCALES: dict[str, int] = {
    "test": 400,
    "district": 100_000,
    "city": 1_000_000,
    "ningbo": 9_404_283,
}
# Ages are counted at the 2020 census's reference moment, so the data does not depend on today.
CENSUS_DAY = date(2020, 11, 1)
# 宁波市第七次全国人口普查主要数据公报 (policy.md §11); 余姚/慈溪 split 126.1 : 185.9 of 3,083,520.
COUNTY_RESIDENTS: dict[str, int] = {
    "330203": 1_041_285,
    "330205": 488_885,
    "330206": 829_448,
    "330211": 510_462,
    "330212": 1_609_555,
    "330213": 577_505,
    "330225": 567_665,
    "330226": 695_958,
    "330281": round(3_083_520 * 126.1 / (126.1 + 185.9)),
    "330282": round(3_083_520 * 185.9 / (126.1 + 185.9)),
}
# Census age bands 0–14, 15–59, 60+ (policy.md §11) and family households' 2.21 persons each.
AGE_BAND_SHARES = (0.1226, 0.6963, 0.1810)
PERSONS_PER_HOUSEHOLD = 2.21
# Collective households (集体户): 261,322 with 707,975 persons in the census (policy.md §11), so
# 7.53 % of residents, 2.71 persons each. Who lives in them the census figures there do not say:
# illustrative, they are unrelated adults aged 18–59 (dormitories of workplaces and schools), the
# first registered as head, the others 其他; men in the census's share (4,905,769 of 9,404,283).
CENSUS_RESIDENTS = 9_404_283
COLLECTIVE_PERSONS = 707_975
COLLECTIVE_HOUSEHOLDS = 261_322
CENSUS_MEN = 4_905_769
# Identity tags are written from what the rules decided (registry/economy.py), with this source.
TAG_SOURCE = "规则认定（合成数据）"
# ID-number sequences of one (area, birth date, sex): 500 per sex; a county generated in several
# parts gives each part its own slice, so numbers stay unique across the parts.
SEQUENCES = 500

CHILD, ADULT, ELDER = 0, 1, 2
BAND_AGES = ((0, 14), (15, 59), (60, 100))

# Household templates: (relationship, age band) per member, and an illustrative prior share of
# households. `_template_counts` moves the priors the least it must so that the household size and
# the census age bands come out exactly (a minimum-norm correction).
TEMPLATES: tuple[tuple[str, float, tuple[tuple[str, int], ...]], ...] = (
    ("single_adult", 0.21, (("head", ADULT),)),
    ("single_elder", 0.1, (("head", ELDER),)),
    ("couple", 0.19, (("head", ADULT), ("spouse", ADULT))),
    ("elder_couple", 0.07, (("head", ELDER), ("spouse", ELDER))),
    ("single_parent", 0.03, (("head", ADULT), ("child", CHILD))),
    ("elder_and_adult_child", 0.05, (("head", ELDER), ("child", ADULT))),
    ("couple_child", 0.11, (("head", ADULT), ("spouse", ADULT), ("child", CHILD))),
    ("couple_adult_child", 0.14, (("head", ADULT), ("spouse", ADULT), ("child", ADULT))),
    (
        "couple_two_children",
        0.025,
        (("head", ADULT), ("spouse", ADULT), ("child", CHILD), ("child", CHILD)),
    ),
    (
        "three_generations",
        0.035,
        (("head", ADULT), ("spouse", ADULT), ("child", CHILD), ("parent", ELDER)),
    ),
    (
        "elders_with_young_family",
        0.025,
        (
            ("head", ELDER),
            ("spouse", ELDER),
            ("child", ADULT),
            ("child_in_law", ADULT),
            ("grandchild", CHILD),
        ),
    ),
    (
        "six_members",
        0.015,
        (
            ("head", ADULT),
            ("spouse", ADULT),
            ("child", CHILD),
            ("child", CHILD),
            ("parent", ELDER),
            ("parent", ELDER),
        ),
    ),
)

MAX_MEMBERS = max(len(t[2]) for t in TEMPLATES)
_RELATIONSHIP_TABLE = np.array(
    [t[2][p][0] if p < len(t[2]) else "" for t in TEMPLATES for p in range(MAX_MEMBERS)]
)
_BAND_TABLE = np.array(
    [t[2][p][1] if p < len(t[2]) else -1 for t in TEMPLATES for p in range(MAX_MEMBERS)],
    dtype=np.int64,
)

# Approximate shares of the commonest surnames in China (公安部户政管理研究中心 name reports);
# the tail is spread over the rest of the list. Illustrative, not a Ningbo count.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
)
_SURNAME_TOP = (7.1, 7.0, 6.7, 5.4, 4.6, 3.1, 2.5, 2.4, 2.0, 1.9, 1.7, 1.5, 1.4, 1.3, 1.3)
GIVEN_NAMES: dict[tuple[str, int], tuple[str, ...]] = {
    # (sex, cohort): cohort 0 born before 1970, 1 in 1970–1994, 2 from 1995. Common names of each era.
    ("男", 0): _words(
        "建国 建华 国强 志明 德明 国平 海林 建军 永康 金根 福根 庆华 伟民 立新 根发 永林 明华 国庆 志强 建平 文华 海根 阿三 忠良 金龙 荣华 宝康 "
        "成德 瑞林 长根"
    ),
    ("女", 0): _words(
        "秀英 桂英 凤英 玉兰 秀珍 美娟 素芬 菊芳 彩娣 月娥 丽华 爱娣 翠英 小芬 雪琴 亚萍 素珍 美华 彩凤 阿娣 桂芳 金娣 菊英 玉英 秀兰 惠芬 银娣 "
        "月琴 丽娟 雅芬"
    ),
    ("男", 1): _words(
        "伟 强 磊 军 勇 杰 涛 斌 超 鹏 海峰 建波 晓东 俊杰 志刚 浩 宇 斌斌 海涛 立波 军伟 旭东 春雷 剑锋 晓峰 国栋 明亮 鑫 健 凯"
    ),
    ("女", 1): _words(
        "丽 敏 静 燕 芳 娟 霞 红 琳 洁 晓燕 丽娜 海燕 佳 蕾 婷 丹 莉 雪 萍 晓丽 亚琴 红霞 海波 巧玲 春燕 慧 琼 露 颖"
    ),
    ("男", 2): _words(
        "浩然 子轩 梓睿 宇航 俊熙 一鸣 思远 博文 皓轩 子豪 天佑 嘉诚 宇轩 浩宇 子墨 锦程 铭泽 睿 泽宇 奕辰 俊豪 梓豪 晨阳 逸凡 沐阳 子睿 昊天 "
        "乐 宸 骏"
    ),
    ("女", 2): _words(
        "子涵 欣怡 梓涵 诗涵 雨萱 可馨 佳怡 思琪 语桐 一诺 梦瑶 紫萱 欣妍 若汐 梓萱 雨桐 诗琪 依诺 可欣 梓琪 沐晴 思语 安琪 芷若 佳琪 雅琪 语汐 "
        "悦 怡 彤"
    ),
}

# Illustrative rates (no Ningbo figure found): certified disability and serious illness by age band.
DISABILITY_RATE = (0.008, 0.020, 0.060)
# Category shares, approximately those of the 2006 second national sample survey of disability.
DISABILITY_CATEGORIES = (
    ("visual", 0.149),
    ("hearing", 0.242),
    ("speech", 0.015),
    ("physical", 0.291),
    ("intellectual", 0.067),
    ("mental", 0.074),
    ("multiple", 0.162),
)
DISABILITY_GRADE_SHARES = (0.12, 0.22, 0.30, 0.36)  # grades 1–4, illustrative
ILLNESS_RATE = (0.002, 0.008, 0.030)  # illustrative
ILLNESSES = (
    ("恶性肿瘤", 0.55),
    ("尿毒症", 0.15),
    ("重性精神病", 0.12),
    ("白血病", 0.05),
    ("器官移植术后", 0.04),
    ("血友病", 0.02),
    ("慢性心力衰竭", 0.07),
)
URBAN_HUKOU_SHARE = {"街道": 0.85, "镇": 0.30, "乡": 0.15}  # illustrative, by township type
PHONE_SHARE_AGED_16_PLUS = 0.95  # illustrative
PHONE_PREFIXES: tuple[int, ...] = (
    130,
    131,
    132,
    133,
    135,
    136,
    137,
    138,
    139,
    150,
    151,
    152,
    153,
    155,
)
PHONE_PREFIXES += (157, 158, 159, 177, 180, 181, 182, 183, 186, 187, 188, 189, 198, 199)
ROADS = _words(
    "中山路 解放路 天一路 百丈路 江东路 人民路 环城路 新华路 建设路 文化路 学士路 兴宁路 钱湖路 四明路 体育场路 长春路 世纪大道 民安路 宁穿路 "
    "通途路"
)
# Townships of the former 江东区 (330204, merged into 鄞州区 in 2016): their residents registered
# before 2016 carry 330204 in their ID numbers.
JIANGDONG_TOWNSHIPS = frozenset(["百丈", "东胜", "明楼", "白鹤", "东柳", "东郊", "福明", "新明"])
# People born before ID numbers were issued (1984) registered at some time in 1984–1989.
FIRST_ISSUE_YEAR = 1984
LATE_REGISTRATION_YEARS = 6


class SeedRefused(DomainError):
    code = "seed_refused"


# -- the pure model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticRegistry:
    """Columns of persons (one row each) and households, as numpy arrays."""

    name: StrArray
    id_number: StrArray
    sex: StrArray  # 男 / 女
    birth_ordinal: IntArray
    age: IntArray
    band: IntArray
    phone: StrArray  # "" for none
    village: StrArray  # 12-digit code
    hukou_type: StrArray
    address: StrArray
    disability_category: StrArray
    disability_grade: IntArray  # 0 for none
    illness: StrArray  # "" for none
    labour_capacity: StrArray
    household: IntArray  # index into the household arrays
    relationship: StrArray
    household_head: IntArray  # person index of each household's head
    household_village: StrArray
    household_address: StrArray
    household_kind: StrArray  # HouseholdKind: family / collective

    @property
    def persons(self) -> int:
        return len(self.name)

    @property
    def households(self) -> int:
        return len(self.household_head)


def generate(
    persons: int,
    seed: int | Sequence[int],
    *,
    county: str | None = None,
    slots: tuple[int, int] = (0, SEQUENCES),
) -> SyntheticRegistry:
    """A synthetic registry of exactly `persons` persons. Deterministic in its arguments.

    With `county`, everyone lives in that county (one chunk of a chunked seed), and ID-number
    sequences are drawn from `slots` (first, count) only.
    """
    rng = np.random.default_rng(seed)
    collective_sizes = _collective_sizes(persons, rng)
    family_persons = persons - int(collective_sizes.sum())
    kinds = _household_kinds(family_persons, persons, rng)
    sizes = np.array([len(t[2]) for t in TEMPLATES])[kinds]
    household = np.repeat(np.arange(len(kinds)), sizes)
    position = _positions(household)
    slot = kinds[household] * MAX_MEMBERS + position
    relationship = _RELATIONSHIP_TABLE[slot]
    band = _BAND_TABLE[slot]
    head = np.flatnonzero(position == 0)

    age = _ages(rng, kinds, household, relationship, band, head)
    sex = _sexes(rng, relationship, band, household, head)
    family = _Members(household, relationship, band, age, sex)
    merged = _merge(rng, family, _collective_members(rng, collective_sizes))
    household, relationship, band, age, sex = (
        merged.household,
        merged.relationship,
        merged.band,
        merged.age,
        merged.sex,
    )
    household_kind = merged.kind
    sizes = np.bincount(household, minlength=len(household_kind))
    head = np.flatnonzero(_positions(household) == 0)
    birth_ordinal = _birth_ordinals(rng, age)
    cohort = _cohorts(birth_ordinal)
    name = _names(rng, sex, cohort, relationship, household, head)

    village_of_household, township_kind = _villages(rng, sizes, county)
    village = village_of_household[household]
    household_address = _addresses(rng, village_of_household)
    address = household_address[household]
    urban_share = np.vectorize(URBAN_HUKOU_SHARE.__getitem__, otypes=[float])(township_kind)
    urban = rng.random(len(household_kind)) < urban_share
    hukou_type = np.where(urban[household], "urban", "rural")

    id_number = _id_numbers(rng, village, birth_ordinal, sex, slots)
    phone = _phones(rng, age)
    category, grade, illness = _health(rng, band)
    labour = _labour_capacity(age, grade, illness)
    return SyntheticRegistry(
        name=name,
        id_number=id_number,
        sex=sex,
        birth_ordinal=birth_ordinal,
        age=age,
        band=band,
        phone=phone,
        village=village,
        hukou_type=hukou_type,
        address=address,
        disability_category=category,
        disability_grade=grade,
        illness=illness,
        labour_capacity=labour,
        household=household,
        relationship=relationship,
        household_head=head,
        household_village=village_of_household,
        household_address=household_address,
        household_kind=household_kind,
    )


@dataclass(frozen=True)
class _Members:
    household: IntArray
    relationship: StrArray
    band: IntArray
    age: IntArray
    sex: StrArray
    kind: StrArray = dataclasses.field(default_factory=lambda: np.array([], dtype="<U10"))


def _collective_sizes(persons: int, rng: np.random.Generator) -> IntArray:
    """Sizes of the collective households of a city of `persons`: the census's share of persons,
    2.71 a household on average (at least one each, the rest spread at random)."""
    members = round(persons * COLLECTIVE_PERSONS / CENSUS_RESIDENTS)
    households = min(members, round(members * COLLECTIVE_HOUSEHOLDS / COLLECTIVE_PERSONS))
    if households == 0:
        return np.zeros(0, np.int64)
    extra = rng.multinomial(members - households, np.full(households, 1 / households))
    return np.asarray(1 + extra, dtype=np.int64)


def _collective_members(rng: np.random.Generator, sizes: IntArray) -> _Members:
    household = np.repeat(np.arange(len(sizes)), sizes)
    n = len(household)
    first = _positions(household) == 0
    return _Members(
        household=household,
        relationship=np.where(first, "head", "other"),
        band=np.full(n, ADULT, np.int64),
        age=rng.integers(18, 60, n).astype(np.int64),
        sex=np.where(rng.random(n) < CENSUS_MEN / CENSUS_RESIDENTS, "男", "女"),
    )


def _merge(rng: np.random.Generator, family: _Members, collective: _Members) -> _Members:
    """Family and collective households in one random order (`_villages` cuts the running count
    of persons into counties, so the two kinds must be mixed), members kept together."""
    families = int(family.household.max()) + 1 if len(family.household) else 0
    total = families + (int(collective.household.max()) + 1 if len(collective.household) else 0)
    order = rng.permutation(total)  # new position → old household
    new_of_old = np.empty(total, np.int64)
    new_of_old[order] = np.arange(total)
    old = np.concatenate([family.household, collective.household + families])
    new = new_of_old[old]
    people = np.argsort(new, kind="stable")
    return _Members(
        household=np.asarray(new[people], dtype=np.int64),
        relationship=np.concatenate([family.relationship, collective.relationship])[people],
        band=np.concatenate([family.band, collective.band])[people],
        age=np.concatenate([family.age, collective.age])[people],
        sex=np.concatenate([family.sex, collective.sex])[people],
        kind=np.where(order >= families, "collective", "family"),
    )


def _template_counts(persons: int, residents: int | None = None) -> IntArray:
    sizes = np.array([len(t[2]) for t in TEMPLATES], dtype=float)
    bands = np.array([[sum(1 for _, b in t[2] if b == band) for t in TEMPLATES] for band in (0, 2)])
    prior = np.array([t[1] for t in TEMPLATES]) / PERSONS_PER_HOUSEHOLD
    constraints = np.vstack([sizes, np.ones(len(TEMPLATES)), bands])
    # Collective households hold adults only: the family households carry all the city's
    # children and elders, so their shares among family members are that much higher.
    whole = (residents or persons) / max(persons, 1)
    targets = np.array(
        [
            1.0,
            1 / PERSONS_PER_HOUSEHOLD,
            AGE_BAND_SHARES[CHILD] * whole,
            AGE_BAND_SHARES[ELDER] * whole,
        ]
    )
    correction = constraints.T @ np.linalg.solve(
        constraints @ constraints.T, targets - constraints @ prior
    )
    per_person = np.clip(prior + correction, 0.0, None)
    counts = np.floor(per_person * persons).astype(np.int64)
    # Single adults take up the rounding, so the total is exactly `persons`.
    counts[0] += persons - int((counts * sizes).sum())
    return np.asarray(counts, dtype=np.int64)


def _household_kinds(persons: int, residents: int, rng: np.random.Generator) -> IntArray:
    """Templates of the family households holding `persons` of a city of `residents`."""
    counts = _template_counts(persons, residents)
    kinds = np.repeat(np.arange(len(TEMPLATES)), counts)
    return rng.permutation(kinds)


def _positions(household: IntArray) -> IntArray:
    starts = np.flatnonzero(np.r_[True, household[1:] != household[:-1]])
    return np.arange(len(household)) - np.repeat(starts, np.diff(np.r_[starts, len(household)]))


def _ages(
    rng: np.random.Generator,
    kinds: IntArray,
    household: IntArray,
    relationship: StrArray,
    band: IntArray,
    head: IntArray,
) -> IntArray:
    n = len(band)
    # Everyone first gets an age in their band: children evenly, adults 18–59, elders decaying
    # (scale chosen so that about 69% of the 60+ are 65+, as in the census).
    age = np.empty(n, dtype=np.int64)
    age[band == CHILD] = rng.integers(0, 15, (band == CHILD).sum())
    age[band == ADULT] = rng.integers(18, 60, (band == ADULT).sum())
    elders = band == ELDER
    age[elders] = np.minimum(60 + rng.exponential(16.5, elders.sum()).astype(np.int64), 100)
    # Then generations are tied together: parents 22–38 years older than their children.
    head_age = age[head][household]
    names = np.array([t[0] for t in TEMPLATES])[kinds][household]
    gap = rng.integers(22, 39, n)
    young_family = np.isin(names, ["single_parent", "couple_child", "couple_two_children"])
    young_family |= np.isin(names, ["three_generations", "six_members"])
    first_child = (band == CHILD) & young_family
    # The head is a generation above the household's first child.
    child_age = np.full(len(kinds), -1, dtype=np.int64)
    np.maximum.at(child_age, household[first_child], age[first_child])
    has_child = child_age >= 0
    head_ages = age[head]
    head_ages[has_child] = np.clip(child_age[has_child] + gap[head][has_child], 20, 59)
    kind_names = np.array([t[0] for t in TEMPLATES])[kinds]
    adult_child = np.isin(kind_names, ["couple_adult_child"])
    head_ages[adult_child] = rng.integers(40, 60, adult_child.sum())
    age[head] = head_ages
    head_age = age[head][household]
    relation_is = {
        r: relationship == r for r in ("spouse", "child", "parent", "child_in_law", "grandchild")
    }
    low, high = np.array([b[0] for b in BAND_AGES]), np.array([b[1] for b in BAND_AGES])
    spouse = relation_is["spouse"]
    age[spouse] = head_age[spouse] + np.rint(rng.normal(-2, 3, spouse.sum())).astype(np.int64)
    adult_children = relation_is["child"] & (band != CHILD)
    age[adult_children] = head_age[adult_children] - gap[adult_children]
    parent = relation_is["parent"]
    age[parent] = head_age[parent] + gap[parent]
    # Elders living with a young family: child, child-in-law and grandchild hang off the child.
    elders_family = np.isin(names, ["elders_with_young_family"])
    grandchild = relation_is["grandchild"] & elders_family
    child_in_family = relation_is["child"] & elders_family
    in_law = relation_is["child_in_law"]
    grandchild_age = np.zeros(len(kinds), dtype=np.int64)
    grandchild_age[household[grandchild]] = age[grandchild]
    age[child_in_family] = np.clip(
        grandchild_age[household[child_in_family]] + gap[child_in_family], 20, 59
    )
    parent_age = np.zeros(len(kinds), dtype=np.int64)
    parent_age[household[child_in_family]] = age[child_in_family]
    age[in_law] = parent_age[household[in_law]] + rng.integers(-3, 4, in_law.sum())
    heads_of_elders = head[elders_family[head]]
    age[heads_of_elders] = parent_age[household[heads_of_elders]] + gap[heads_of_elders]
    spouse_of_elders = spouse & elders_family
    age[spouse_of_elders] = age[head][household[spouse_of_elders]] - rng.integers(
        0, 4, spouse_of_elders.sum()
    )
    # Keep everyone in their census band: the band counts are what the seed promises.
    return np.clip(age, low[band], high[band])


def _sexes(
    rng: np.random.Generator,
    relationship: StrArray,
    band: IntArray,
    household: IntArray,
    head: IntArray,
) -> StrArray:
    # Illustrative: 80% of couples' heads are men; single elders are 40% men; births 51.5% boys.
    male = rng.random(len(band)) < np.where(band == CHILD, 0.515, 0.5)
    has_spouse = np.zeros(len(head), dtype=bool)
    has_spouse[household[relationship == "spouse"]] = True
    heads_with_spouse = head[has_spouse]
    male[heads_with_spouse] = rng.random(len(heads_with_spouse)) < 0.8
    single_elder_heads = head[~has_spouse & (band[head] == ELDER)]
    male[single_elder_heads] = rng.random(len(single_elder_heads)) < 0.4
    spouse = relationship == "spouse"
    male[spouse] = ~male[head][household[spouse]]
    # Two parents of the head: a father and a mother.
    parent = np.flatnonzero(relationship == "parent")
    second = parent[1:][household[parent[1:]] == household[parent[:-1]]]
    male[second] = ~male[second - 1]
    in_law = relationship == "child_in_law"
    male[in_law] = ~male[np.flatnonzero(in_law) - 1]
    return np.where(male, "男", "女")


def _birth_ordinals(rng: np.random.Generator, age: IntArray) -> IntArray:
    census = CENSUS_DAY.toordinal()
    # A birthday within the year before the census day that gives this age.
    days_into_year = rng.integers(0, 365, len(age))
    return census - np.floor(age * 365.2425).astype(np.int64) - days_into_year


def _cohorts(birth_ordinal: IntArray) -> IntArray:
    return np.searchsorted(
        [date(1970, 1, 1).toordinal(), date(1995, 1, 1).toordinal()], birth_ordinal, side="right"
    ).astype(np.int64)


def _names(
    rng: np.random.Generator,
    sex: StrArray,
    cohort: IntArray,
    relationship: StrArray,
    household: IntArray,
    head: IntArray,
) -> StrArray:
    weights = np.full(len(SURNAMES), 0.3)
    weights[: len(_SURNAME_TOP)] = _SURNAME_TOP
    surnames = np.array(list(SURNAMES))
    own = rng.choice(len(SURNAMES), size=len(sex), p=weights / weights.sum())
    # Children and grandchildren take the head's surname, and so does the head's father.
    head_surname = own[head][household]
    inherits = np.isin(relationship, ["child", "grandchild"])
    father = (relationship == "parent") & (sex == "男")
    surname_index = np.where(inherits | father, head_surname, own)
    given = np.empty(len(sex), dtype=object)
    for (person_sex, person_cohort), pool in GIVEN_NAMES.items():
        chosen = (sex == person_sex) & (cohort == person_cohort)
        given[chosen] = np.array(pool, dtype=object)[rng.integers(0, len(pool), chosen.sum())]
    return np.array(
        [s + g for s, g in zip(surnames[surname_index].tolist(), given.tolist(), strict=False)]
    )


def _villages(
    rng: np.random.Generator, sizes: IntArray, county: str | None = None
) -> tuple[StrArray, StrArray]:
    households = len(sizes)
    all_divisions = divisions()
    villages = [d for d in all_divisions if d.level == "village"]
    townships = {d.code: d for d in all_divisions if d.level == "township"}
    counties = [county] if county else sorted(COUNTY_RESIDENTS)
    share = np.array([COUNTY_RESIDENTS[c] for c in counties], dtype=float)
    # Households are in random order: cutting their running person count at the counties'
    # population shares gives each county its share of persons, to within one household.
    boundaries = np.cumsum(share / share.sum())[:-1] * sizes.sum()
    county_of_household = np.searchsorted(boundaries, np.cumsum(sizes) - sizes, side="right")
    codes = np.empty(households, dtype="<U12")
    kinds = np.empty(households, dtype="<U2")
    for index, county in enumerate(counties):
        local = [v for v in villages if v.county_code == county]
        # Villages differ in size: lognormal weights, fixed by the seed.
        weights = rng.lognormal(0.0, 0.5, len(local))
        chosen = county_of_household == index
        picks = rng.choice(len(local), size=int(chosen.sum()), p=weights / weights.sum())
        codes[chosen] = np.array([v.code for v in local])[picks]
        kinds[chosen] = np.array([_township_kind(townships[v.parent_code or ""]) for v in local])[
            picks
        ]
    return codes, kinds


def _township_kind(township: Division) -> str:
    return "街道" if township.name.endswith("街道") else township.name[-1]


def _addresses(rng: np.random.Generator, village: StrArray) -> StrArray:
    names = {d.code: d.name for d in divisions()}
    parents = {d.code: d.parent_code or "" for d in divisions()}
    unique, inverse = np.unique(village, return_inverse=True)
    prefix = np.array(
        [names[county_code(c)] + names[parents[c]] + names[c] for c in unique.tolist()]
    )[inverse]
    community = np.char.endswith(prefix, "社区")
    road = np.array(ROADS)[rng.integers(0, len(ROADS), len(village))]
    number = rng.integers(1, 400, len(village))
    building = rng.integers(1, 30, len(village))
    room = rng.integers(1, 18, len(village)) * 100 + rng.integers(1, 5, len(village))
    return np.array(
        [
            f"{p}{r}{n}号{b}幢{m}室" if c else f"{p}{n}号"
            for p, c, r, n, b, m in zip(
                prefix.tolist(),
                community.tolist(),
                road.tolist(),
                number.tolist(),
                building.tolist(),
                room.tolist(),
                strict=False,
            )
        ]
    )


def _area_codes(village: StrArray, registration_year: IntArray) -> IntArray:
    """The county code in force where and when the person was first registered."""
    township_names = {d.code: d.name for d in divisions() if d.level == "township"}
    unique, inverse = np.unique(village, return_inverse=True)
    county = np.array([int(county_of(v)) for v in unique.tolist()])[inverse]
    jiangdong = np.array(
        [
            township_names[RegionCode.of(v).township.code].removesuffix("街道")
            in JIANGDONG_TOWNSHIPS
            for v in unique.tolist()
        ]
    )[inverse]
    code = county.copy()
    year = registration_year
    # Later rules overwrite earlier ones for the older years. Years: loc.dat via core.idnumber.
    for current, before, older in (
        (330211, 1985, 330221),  # 镇海县
        (330212, 2002, 330227),  # 鄞县
        (330213, 2016, 330283),  # 奉化市
        (330213, 1989, 330224),  # 奉化县
        (330281, 1989, 339001),  # 余姚市 (province-administered)
        (330281, 1986, 330219),  # 余姚市
        (330281, 1985, 330223),  # 余姚县
        (330282, 1989, 339009),  # 慈溪市 (province-administered)
        (330282, 1988, 330222),  # 慈溪县
    ):
        code[(county == current) & (year < before)] = older
    code[(county == 330212) & jiangdong & (year < 2016)] = 330204  # 江东区
    return code


def _id_numbers(
    rng: np.random.Generator,
    village: StrArray,
    birth_ordinal: IntArray,
    sex: StrArray,
    slots: tuple[int, int] = (0, SEQUENCES),
) -> StrArray:
    born = (birth_ordinal - date(1970, 1, 1).toordinal()).astype("datetime64[D]")
    year = born.astype("datetime64[Y]").astype(np.int64) + 1970
    month = born.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (born - born.astype("datetime64[M]")).astype(np.int64) + 1
    late = FIRST_ISSUE_YEAR + rng.integers(0, LATE_REGISTRATION_YEARS, len(year))
    area = _area_codes(village, np.where(year < FIRST_ISSUE_YEAR, late, year))
    male = (sex == "男").astype(np.int64)
    # The 3-digit sequence is unique within (area, birth date, sex): odd for men, even for women.
    keys = (area * 1_000_000 + birth_ordinal) * 2 + male
    groups, group = np.unique(keys, return_inverse=True)
    order = np.argsort(group, kind="stable")
    starts = np.r_[0, np.flatnonzero(np.diff(group[order])) + 1]
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - np.repeat(starts, np.diff(np.r_[starts, len(group)]))
    first_slot, count = slots
    if len(rank) and int(rank.max()) >= count:
        raise SeedRefused("同一出生日期和性别的人数超过可用的身份证顺序码", code="seed_sequences")
    offset = rng.integers(0, count, len(groups))[group]
    sequence = 2 * (first_slot + (offset + rank) % count) + male
    first17 = (area * 100_000_000 + year * 10_000 + month * 100 + day) * 1_000 + sequence
    # Check digit as core.idnumber.check_digit (ISO 7064 MOD 11-2), for all numbers at once.
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
    digits = (first17[:, None] // 10 ** np.arange(16, -1, -1, dtype=np.int64)) % 10
    check = np.array(list("10X98765432"))[(digits @ weights) % 11]
    return np.asarray(np.char.add(first17.astype(str), check))


def _phones(rng: np.random.Generator, age: IntArray) -> StrArray:
    has = (age >= 16) & (rng.random(len(age)) < PHONE_SHARE_AGED_16_PLUS)
    prefix = np.array(PHONE_PREFIXES)[rng.integers(0, len(PHONE_PREFIXES), len(age))]
    rest = rng.integers(0, 100_000_000, len(age))
    numbers = np.array(
        [f"{p}{r:08d}" for p, r in zip(prefix.tolist(), rest.tolist(), strict=False)]
    )
    return np.where(has, numbers, "")


def _choice(rng: np.random.Generator, table: Sequence[tuple[str, float]], n: int) -> StrArray:
    p = np.array([w for _, w in table])
    return np.array([v for v, _ in table])[rng.choice(len(table), size=n, p=p / p.sum())]


def _health(rng: np.random.Generator, band: IntArray) -> tuple[StrArray, IntArray, StrArray]:
    n = len(band)
    disabled = rng.random(n) < np.array(DISABILITY_RATE)[band]
    category = np.where(disabled, _choice(rng, DISABILITY_CATEGORIES, n), "")
    grades = rng.choice(4, size=n, p=DISABILITY_GRADE_SHARES) + 1
    grade = np.where(disabled, grades, 0).astype(np.int64)
    ill = rng.random(n) < np.array(ILLNESS_RATE)[band]
    illness = np.where(ill, _choice(rng, ILLNESSES, n), "")
    return category, grade, illness


def _labour_capacity(age: IntArray, grade: IntArray, illness: StrArray) -> StrArray:
    # Recorded for working ages only. Grades 1–2 or a serious illness: none; grades 3–4: partial.
    working = (age >= 16) & (age < 60)
    severe = ((grade >= 1) & (grade <= 2)) | (illness != "")
    capacity = np.where(severe, "none", np.where(grade >= 3, "partial", "full"))
    return np.where(working, capacity, "")


# -- sealing ----------------------------------------------------------------------------------


def seal_many(kind: str, values: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Ciphertexts, blind indexes and masked forms — `core.pii.seal` for many values at once.

    The AES key schedule and the HMAC key are set up once; tokens have Keyring.encrypt's format.
    A process pool was measured slower than one process here (docs/seed_and_import.md).
    """
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from minzheng.core.crypto import NONCE_BYTES, Algorithm, keyring
    from minzheng.core.pii import _MASKS

    ring = keyring()
    key = ring.active_key
    if key.algorithm is Algorithm.AES_GCM:
        aead, aad, prefix = AESGCM(key.secret), key.key_id.encode(), f"{key.key_id}:"
        nonces = os.urandom(NONCE_BYTES * len(values))
        encrypt, b64 = aead.encrypt, base64.b64encode
        ciphers = []
        for i, value in enumerate(values):
            nonce = nonces[i * NONCE_BYTES : (i + 1) * NONCE_BYTES]
            ciphers.append(prefix + b64(nonce + encrypt(nonce, value.encode(), aad)).decode())
    else:
        ciphers = [ring.encrypt(value) for value in values]
    base = hmac.new(ring.index_key, f"{kind}:".encode(), hashlib.sha256)
    indexes = []
    for value in values:
        digest = base.copy()
        digest.update(value.encode())
        indexes.append(digest.hexdigest()[:40])
    mask = _MASKS[kind]
    return ciphers, indexes, [mask(value) for value in values]


# -- writing ----------------------------------------------------------------------------------


SEED_OBJECT_TYPE = "registry_seed"
BATCH_ROWS = 50_000
MEMBERSHIPS_FROM = date(2010, 1, 1)  # illustrative: when the seeded households were recorded

type Column = Sequence[Any] | Any  # a sequence of values, or one value for every row


def seed_registry(
    scale: str,
    seed: int,
    *,
    persons: int | None = None,
    progress: Callable[[str], None] | None = None,
    chunk_persons: int | None = None,
    bar: bool = False,
    defer_indexes: bool | None = None,
    writers: int | None = None,
) -> Any:
    """Generate and write the synthetic city in chunks (registry/city_seed.py)."""
    from minzheng.registry.city_seed import CHUNK_PERSONS, seed_city

    return seed_city(
        scale,
        seed,
        persons=persons,
        progress=progress,
        chunk_persons=chunk_persons or CHUNK_PERSONS,
        bar=bar,
        defer_indexes=defer_indexes,
        writers=writers,
    )


def _iso_days(ordinals: IntArray) -> list[str]:
    days = (np.asarray(ordinals) - date(1970, 1, 1).toordinal()).astype("datetime64[D]")
    return [str(day) for day in days.tolist()]


def _timestamp(moment: datetime, vendor: str) -> str:
    # Django keeps aware datetimes as naive UTC text on SQLite.
    if vendor == "sqlite":
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return moment.isoformat()


def _next_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        row = cursor.fetchone()
    return int(row[0])


def _reset_sequence(table: str) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return  # SQLite's rowid follows MAX(id) by itself
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


@dataclass(frozen=True)
class Days:
    """A date column given as day ordinals (written as dates without a Python object per row)."""

    ordinals: IntArray

    def __len__(self) -> int:
        return len(self.ordinals)


def _is_column(value: Any) -> bool:
    return isinstance(value, (list, range, np.ndarray, Days))


def _as_list(value: Any) -> Any:
    if isinstance(value, Days):
        return _iso_days(value.ordinals)
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def _insert(table: str, columns: dict[str, Column]) -> None:
    """Bulk insert: COPY (CSV, encoded by Arrow) on PostgreSQL; executemany on SQLite, with the
    table's secondary indexes dropped and rebuilt around it (building an index once is much
    faster than keeping it up to date row by row). Both run inside the caller's transaction.

    Columns of the model the seed does not know get their field default, so the registry's models
    can grow without breaking the seed.
    """
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "postgresql":
        copy_csv(table, *csv_rows(table, columns))
        return
    columns = columns | _defaults_for_other_columns(table, columns)
    rows = len(next(v for v in columns.values() if _is_column(v)))
    values = [_as_list(v) if _is_column(v) else repeat(v, rows) for v in columns.values()]
    names = ", ".join(columns)
    raw = connection.connection
    cursor = raw.cursor()
    try:
        cursor.execute("PRAGMA cache_size = -1000000")
        indexes = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        ).fetchall()
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
        all_rows = zip(*values, strict=False)
        while batch := list(islice(all_rows, BATCH_ROWS)):
            cursor.executemany(sql, batch)
        for _name, create in indexes:
            cursor.execute(create)
    finally:
        cursor.close()


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
CSV_BATCH_ROWS = 100_000


def _arrow(value: Any, rows: int) -> Any:
    import pyarrow as pa

    if isinstance(value, Days):
        days = np.asarray(value.ordinals, dtype=np.int64) - _EPOCH_ORDINAL
        return pa.array(days.astype(np.int32), type=pa.int32()).cast(pa.date32())
    if isinstance(value, range):
        return pa.array(np.arange(value.start, value.stop, value.step, dtype=np.int64))
    if isinstance(value, (list, np.ndarray)):
        return pa.array(value)
    if value is None:
        return pa.nulls(rows, pa.string())
    if hasattr(value, "obj"):  # a JSON adapter from a field default
        value = json.dumps(value.obj, ensure_ascii=False)
    return pa.array(np.full(rows, value))


def csv_rows(table: str, columns: dict[str, Column]) -> tuple[list[str], list[bytes]]:
    """The rows of `columns` as PostgreSQL CSV (Arrow's writer: strings quoted, NULL empty), in
    blocks: what `copy_csv` sends. Pure apart from reading the model's field defaults."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    columns = columns | _defaults_for_other_columns(table, columns)
    rows = len(next(v for v in columns.values() if _is_column(v)))
    arrays = [_arrow(v, rows) for v in columns.values()]
    names = list(columns)
    data = pa.table(arrays, names=names)
    options = pa_csv.WriteOptions(include_header=False)
    blocks = []
    for start in range(0, rows, CSV_BATCH_ROWS):
        sink = pa.BufferOutputStream()
        pa_csv.write_csv(data.slice(start, CSV_BATCH_ROWS), sink, options)
        blocks.append(sink.getvalue().to_pybytes())
    return names, blocks


def copy_csv(table: str, names: list[str], blocks: list[bytes]) -> None:
    """COPY CSV blocks from `csv_rows` into `table`, in the caller's transaction (PostgreSQL)."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    sql = f"COPY {table} ({', '.join(names)}) FROM STDIN WITH (FORMAT csv)"
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for block in blocks:
            copy.write(block)


def _defaults_for_other_columns(table: str, known: dict[str, Column]) -> dict[str, Column]:
    from django.apps import apps
    from django.db import connection

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    extra: dict[str, Column] = {}
    for field in model._meta.concrete_fields:
        if field.column in known or field.primary_key:
            continue
        if not field.has_default() and not field.null:
            raise SeedRefused(f"演示数据不知道如何填写 {table}.{field.column}", code="seed_schema")
        extra[str(field.column)] = field.get_db_prep_save(field.get_default(), connection)
    return extra
