"""Deterministic Chinese test data: Ningbo residents and the noisy records departments keep.

Every record carries its true person (`true_person`) and the kind of noise it was given
(`noise_kind`), so precision and recall can be measured per kind. The generator is seeded, so
one seed always gives the same table. Nothing here is real personal data: names are drawn from
surname frequencies and common given-name characters, ID numbers are built with the GB 11643
check digit, phones and house numbers are random.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from minzheng.core import idnumber
from minzheng.linkage.pinyin import split_surname

# Share of the population, in per mille, for the most common surnames (2020 census order),
# with a few rare surnames whose reading differs from the character's everyday reading.
SURNAME_FREQUENCIES: dict[str, float] = {
    "王": 71, "李": 70, "张": 67, "刘": 54, "陈": 46, "杨": 31, "黄": 25, "赵": 23, "吴": 20,
    "周": 19, "徐": 15, "孙": 15, "马": 14, "朱": 13, "胡": 13, "郭": 12, "何": 12, "林": 11,
    "罗": 10, "高": 10, "郑": 9, "梁": 9, "谢": 8, "宋": 7, "唐": 7, "许": 6, "韩": 6, "邓": 6,
    "冯": 6, "曹": 6, "彭": 5, "曾": 5, "肖": 5, "田": 5, "董": 5, "潘": 4, "袁": 4, "蔡": 4,
    "蒋": 4, "余": 4, "于": 4, "杜": 4, "叶": 4, "程": 3, "魏": 3, "苏": 3, "吕": 3, "丁": 3,
    "任": 3, "卢": 3, "姚": 3, "沈": 3, "钟": 3, "姜": 3, "崔": 3, "谭": 3, "陆": 3, "范": 2,
    "汪": 2, "廖": 2, "石": 2, "金": 2, "韦": 2, "贾": 2, "夏": 2, "付": 2, "方": 2, "邹": 2,
    "熊": 2, "白": 2, "孟": 2, "秦": 2, "邱": 2, "侯": 2, "江": 2, "尹": 2, "薛": 2, "段": 2,
    "雷": 2, "龙": 2, "史": 2, "陶": 2, "贺": 2, "毛": 2, "郝": 2, "顾": 1, "龚": 1, "邵": 1,
    "钱": 1, "戴": 1, "严": 1, "应": 1, "竺": 0.5, "欧阳": 0.5, "单": 0.5, "仇": 0.3,
    "解": 0.3, "查": 0.3, "区": 0.1, "朴": 0.1, "尉迟": 0.05, "诸葛": 0.05, "司马": 0.05,
    "上官": 0.05,
}  # fmt: skip

# Given-name characters in groups that read alike (toneless pinyin): a homophone error replaces a
# character by another of its group. A test checks that each group really shares one reading.
_HOMOPHONE_TEXT = (
    "伟玮炜维薇 静婧晶菁靖 丽莉俐立力利 华桦骅 军君钧均 俊骏峻 敏旻珉 杰洁婕捷 涛韬滔 明鸣铭茗 "
    "强蔷 磊蕾雷 洋阳杨扬 勇永咏泳 艳燕雁彦妍 娟鹃涓 霞侠 芳方舫 平萍苹坪 刚钢纲 红虹鸿宏洪 "
    "建健剑坚 峰锋丰枫 斌彬滨 辉晖慧惠蕙 宇雨羽语玉钰 浩昊皓颢 晨辰宸琛 欣鑫馨新昕 怡仪宜艺逸毅 "
    "婷亭庭廷 梅玫媚美 云芸韵昀 林琳霖麟 玲灵铃 倩茜 凯恺楷 志智 波博 翔祥湘 珊姗杉 宁凝 "
    "瑞睿蕊 思斯丝 佳嘉家 子紫梓 文雯 涵寒韩 然冉 轩萱宣 泽则 悦越月岳 彤桐童 一依伊 诚成承城 "
    "天添 兰岚澜 英瑛莹 春纯 金锦 龙隆珑 小晓筱 雪 梦 海 国 秀 桂 安 超"
)
HOMOPHONE_GROUPS: tuple[str, ...] = tuple(_HOMOPHONE_TEXT.split())

NINGBO_COUNTIES: dict[str, str] = {
    "330203": "海曙区",
    "330205": "江北区",
    "330206": "北仑区",
    "330211": "镇海区",
    "330212": "鄞州区",
    "330213": "奉化区",
    "330225": "象山县",
    "330226": "宁海县",
    "330281": "余姚市",
    "330282": "慈溪市",
}
# Relative population of the ten county-level divisions (rounded, 2020 census).
COUNTY_WEIGHTS: tuple[float, ...] = (10, 8, 8, 5, 16, 6, 6, 7, 13, 18)

TOWNSHIPS: dict[str, tuple[str, ...]] = {
    "海曙区": ("鼓楼街道", "月湖街道", "西门街道", "南门街道", "白云街道", "望春街道", "集士港镇"),
    "江北区": ("中马街道", "白沙街道", "孔浦街道", "文教街道", "甬江街道", "庄桥街道", "慈城镇"),
    "北仑区": ("新碶街道", "小港街道", "大碶街道", "霞浦街道", "柴桥街道", "春晓街道"),
    "镇海区": ("招宝山街道", "蛟川街道", "骆驼街道", "庄市街道", "贵驷街道", "九龙湖镇"),
    "鄞州区": ("首南街道", "中河街道", "钟公庙街道", "下应街道", "东胜街道", "百丈街道", "姜山镇"),
    "奉化区": ("锦屏街道", "岳林街道", "江口街道", "西坞街道", "溪口镇", "莼湖街道"),
    "象山县": ("丹东街道", "丹西街道", "爵溪街道", "石浦镇", "西周镇", "贤庠镇"),
    "宁海县": ("跃龙街道", "桃源街道", "梅林街道", "桥头胡街道", "长街镇", "西店镇"),
    "余姚市": ("阳明街道", "凤山街道", "兰江街道", "梨洲街道", "泗门镇", "马渚镇"),
    "慈溪市": ("浒山街道", "白沙路街道", "古塘街道", "坎墩街道", "周巷镇", "观海卫镇"),
}
_ROAD_STEM_TEXT = (
    "中山 解放 人民 天童 四明 百丈 江东 桑田 兴宁 曙光 环城 长春 宁穿 钱湖 福明 惊驾 孝闻 县前 "
    "药行 灵桥 大沙泥 望春 新典 前程 明州 太河 泰安 通途 世纪 沧海 鄞县 学府 文化 丽园 "
    "新华 桃源 阳明 凤山 新城 南雷 北环 东环 西环 正大 长江 黄山 庐山 华山 恒山"
)
ROAD_STEMS: tuple[str, ...] = tuple(_ROAD_STEM_TEXT.split())
ROAD_SUFFIXES: tuple[str, ...] = ("路", "东路", "西路", "南路", "北路", "中路", "街", "大道")
SOURCES: tuple[str, ...] = ("民政", "人社", "医保", "残联", "卫健", "公安", "教育", "住建")

# How many records a person has across departments: 1 to 4, mean 2.
RECORDS_PER_PERSON = (1, 2, 3, 4)
RECORDS_PER_PERSON_WEIGHTS = (0.4, 0.3, 0.2, 0.1)

# Noise applied to each duplicate record (the first record of a person is kept clean).
NOISE_KINDS: tuple[str, ...] = (
    "clean",
    "homophone",
    "lookalike",
    "traditional",
    "pinyin_name",
    "date_swapped",
    "id_typo",
    "id_check",
    "id_transposition",
    "missing_fields",
    "id_15",
    "format",
    "address_abbreviated",
    "moved",
    "moved_county",
)
NOISE_WEIGHTS: tuple[float, ...] = (
    0.1, 0.07, 0.06, 0.07, 0.05, 0.05, 0.07, 0.05, 0.06, 0.1, 0.07, 0.08, 0.07, 0.05, 0.05
)  # fmt: skip
# Persons generated as traps: a stranger with the same name and birthday (anywhere, or in the
# same township), a twin sharing surname, birthday, address and often the household phone, and a
# household member (spouse, parent or child) sharing address and phone.
NAMESAKE_SHARE = 0.02
NAMESAKE_TOWNSHIP_SHARE = 0.01
TWIN_SHARE = 0.02
HOUSEHOLD_SHARE = 0.04
# Residents with a minority name (维吾尔族 and others), written given name · father's name.
MINORITY_SHARE = 0.02
_MINORITY_GIVEN = [
    "买买提",
    "艾力",
    "阿不都",
    "吐尔逊",
    "热依拉",
    "阿依古丽",
    "古丽娜",
    "努尔",
    "艾尔肯",
    "迪丽娜",
    "帕提古丽",
    "依明",
    "阿布力孜",
    "伊力哈木",
    "米娜瓦尔",
    "麦尔丹",
    "阿迪力",
    "布合力其",
]
# How clerks write the middle dot of 买买提·艾力: the right one, a full stop, a bullet, the
# Japanese dot, a hyphen, a space, or nothing.
MIDDLE_DOT_VARIANTS: tuple[str, ...] = ("·", ".", "•", "・", "‧", "-", " ", "", "。")
# 形近字: characters a clerk misreads from a handwritten form (illustrative list).
LOOKALIKES: dict[str, str] = {
    "明": "朋", "玉": "王", "天": "夭", "春": "舂", "梅": "海", "辉": "挥", "鸣": "呜",
    "彬": "杉", "勇": "甬", "宇": "宁", "博": "傅", "洋": "详", "琳": "淋", "钰": "珏",
    "婷": "停", "倩": "情", "凯": "岂", "泽": "择", "晓": "烧", "悦": "锐", "国": "囯",
    "建": "健", "雪": "雷", "梦": "楚", "秀": "季", "桂": "硅", "超": "趁", "安": "按",
    "海": "梅", "金": "全", "子": "孑", "一": "—", "文": "纹", "云": "去", "林": "材",
    "兰": "三", "英": "瑛", "芳": "访", "平": "乎", "华": "毕", "红": "江", "军": "车",
    "强": "弹", "丽": "俪", "静": "净", "杰": "热", "波": "坡", "峰": "锋", "刚": "钢",
}  # fmt: skip

EARLIEST_BIRTH = date(1930, 1, 1)
LATEST_BIRTH = date(2015, 12, 31)
FIFTEEN_DIGIT_LAST_YEAR = 1999  # 15-digit numbers were issued until 1999 (GB 11643-1999)


@dataclass
class _Person:
    person_id: str
    name: str
    sex: str
    birth: date
    area: str
    id_number: str
    phone: str
    address: str
    trap: str | None = None


def _cumulative(weights: tuple[float, ...] | list[float]) -> np.ndarray[Any, Any]:
    array = np.asarray(weights, dtype=float)
    return np.cumsum(array / array.sum())


@cache
def _surname_table() -> tuple[list[str], np.ndarray[Any, Any]]:
    return list(SURNAME_FREQUENCIES), _cumulative(list(SURNAME_FREQUENCIES.values()))


@cache
def _homophone_of() -> dict[str, str]:
    return {char: group for group in HOMOPHONE_GROUPS for char in group}


_BUFFER = 1 << 16


class _Generator:
    """Scalar draws come from blocks of numpy uniforms: one seeded stream, and about ten times
    faster than asking numpy for one number at a time."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self._uniforms: list[float] = []
        self.issued: set[str] = set()
        self.roads = {
            township: tuple(self._road() for _ in range(self.integer(4, 9)))
            for townships in TOWNSHIPS.values()
            for township in townships
        }

    def random(self) -> float:
        if not self._uniforms:
            self._uniforms = self.rng.random(_BUFFER).tolist()
        return self._uniforms.pop()

    def integer(self, low: int, high: int) -> int:
        """Uniform in [low, high)."""
        return low + int(self.random() * (high - low))

    def _pick(self, cumulative: np.ndarray[Any, Any]) -> int:
        return int(np.searchsorted(cumulative, self.random(), side="right"))

    def _choice(self, items: tuple[str, ...] | list[str] | str) -> str:
        return items[self.integer(0, len(items))]

    def _road(self) -> str:
        return self._choice(ROAD_STEMS) + self._choice(ROAD_SUFFIXES)

    def surname(self) -> str:
        names, cumulative = _surname_table()
        return names[min(self._pick(cumulative), len(names) - 1)]

    def given_name(self) -> str:
        length = 2 if self.random() < 0.75 else 1
        return "".join(self._choice(self._choice(HOMOPHONE_GROUPS)) for _ in range(length))

    def birth(self) -> date:
        span = (LATEST_BIRTH - EARLIEST_BIRTH).days
        return EARLIEST_BIRTH + timedelta(days=self.integer(0, span + 1))

    def id_number(self, area: str, birth: date, sex: str, sequence: int | None = None) -> str:
        while True:
            seq = self.integer(1, 999) if sequence is None else sequence
            # GB 11643: the 17th digit is odd for men and even for women.
            if (seq % 2 == 1) != (sex == "M"):
                seq = seq + 1 if seq < 998 else seq - 1
            first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
            number = first17 + idnumber.check_digit(first17)
            if number not in self.issued:
                self.issued.add(number)
                return number
            sequence = None

    def phone(self) -> str:
        prefix = self._choice(("13", "15", "18", "17", "19"))
        return prefix + "".join(str(self.integer(0, 10)) for _ in range(9))

    def address(self, county: str) -> str:
        township = self._choice(TOWNSHIPS[county])
        road = self._choice(self.roads[township])
        number = self.integer(1, 999)
        room = ""
        if self.random() < 0.5:
            room = f"{self.integer(1, 30)}幢{self.integer(101, 2000)}室"
        return f"宁波市{county}{township}{road}{number}号{room}"

    def minority_name(self) -> str:
        given = self._choice(_MINORITY_GIVEN)
        father = self._choice(_MINORITY_GIVEN)
        while father == given:
            father = self._choice(_MINORITY_GIVEN)
        return f"{given}·{father}"

    def person(self, person_id: str) -> _Person:
        area = list(NINGBO_COUNTIES)[self._pick(_cumulative(COUNTY_WEIGHTS))]
        sex = "M" if self.random() < 0.5 else "F"
        birth = self.birth()
        minority = self.random() < MINORITY_SHARE
        return _Person(
            person_id=person_id,
            name=self.minority_name() if minority else self.surname() + self.given_name(),
            sex=sex,
            birth=birth,
            area=area,
            id_number=self.id_number(area, birth, sex),
            phone=self.phone(),
            address=self.address(NINGBO_COUNTIES[area]),
        )

    def namesake(self, person_id: str, of: _Person) -> _Person:
        stranger = self.person(person_id)
        stranger.name, stranger.birth, stranger.sex = of.name, of.birth, of.sex
        stranger.id_number = self.id_number(stranger.area, of.birth, of.sex)
        stranger.trap = of.trap = "namesake"
        return stranger

    def namesake_in_township(self, person_id: str, of: _Person) -> _Person:
        """Same name, same birthday, same township (another road or door), another person."""
        stranger = self.namesake(person_id, of)
        county = NINGBO_COUNTIES[of.area]
        township = next(t for t in TOWNSHIPS[county] if t in of.address)
        road = self._choice(self.roads[township])
        stranger.area = of.area
        stranger.id_number = self.id_number(of.area, of.birth, of.sex)
        stranger.address = f"宁波市{county}{township}{road}{self.integer(1, 999)}号"
        stranger.trap = of.trap = "namesake_township"
        return stranger

    def household_member(self, person_id: str, of: _Person) -> _Person:
        """A spouse, parent or child at the same address, often on the same phone."""
        relation = self.random()
        if relation < 0.4:  # spouse: another surname, a few years apart
            name = self.surname() + self.given_name()
            birth = of.birth + timedelta(days=self.integer(-2000, 2000))
            sex = "F" if of.sex == "M" else "M"
        else:  # child or parent: the father's surname, a generation apart
            surname = split_surname(of.name)[0] if len(of.name) <= 4 else self.surname()
            name = surname + self.given_name()
            years = self.integer(22, 36) * (1 if relation < 0.7 else -1)
            birth = of.birth + timedelta(days=365 * years + self.integer(0, 365))
            sex = "M" if self.random() < 0.5 else "F"
        birth = min(max(birth, EARLIEST_BIRTH), LATEST_BIRTH)
        member = _Person(
            person_id=person_id,
            name=name if name != of.name else name + "华",
            sex=sex,
            birth=birth,
            area=of.area,
            id_number=self.id_number(of.area, birth, sex),
            phone=of.phone if self.random() < 0.8 else self.phone(),
            address=of.address,
        )
        member.trap = of.trap = "household"
        return member

    def twin(self, person_id: str, of: _Person) -> _Person:
        sex = "M" if self.random() < 0.5 else "F"
        surname = split_surname(of.name)[0]
        given = self.given_name()
        while surname + given == of.name:
            given = self.given_name()
        # Twins are registered one after the other: consecutive sequence numbers.
        sequence = int(of.id_number[14:17]) + 1
        twin = _Person(
            person_id=person_id,
            name=surname + given,
            sex=sex,
            birth=of.birth,
            area=of.area,
            id_number=self.id_number(of.area, of.birth, sex, sequence=min(sequence, 998)),
            phone=of.phone if self.random() < 0.7 else self.phone(),
            address=of.address,
        )
        twin.trap = of.trap = "twin"
        return twin


def _date_text(value: date, style: int) -> str:
    if style == 0:
        return value.isoformat()
    if style == 1:
        return f"{value.year}/{value.month}/{value.day}"
    if style == 2:
        return f"{value:%Y%m%d}"
    return f"{value.year}年{value.month}月{value.day}日"


def _to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


class _Noise:
    def __init__(self, generator: _Generator) -> None:
        self.g = generator

    def record(self, person: _Person, kind: str) -> dict[str, Any]:
        record: dict[str, Any] = {
            "name": person.name,
            "id_number": person.id_number,
            "birth_date": _date_text(person.birth, self.g.integer(0, 4)),
            "sex": person.sex if self.g.random() < 0.5 else {"M": "男", "F": "女"}[person.sex],
            "phone": person.phone,
            "address": person.address,
        }
        # Departments do not all keep every field.
        for field, missing in (("birth_date", 0.3), ("sex", 0.3), ("phone", 0.15)):
            if self.g.random() < missing:
                record[field] = None
        getattr(self, kind)(record, person)
        if "·" in str(record["name"]) and self.g.random() < 0.7:
            dot = self.g._choice(MIDDLE_DOT_VARIANTS)
            record["name"] = str(record["name"]).replace("·", dot)
        return record

    def clean(self, record: dict[str, Any], person: _Person) -> None:
        return None

    def minority_dot(self, record: dict[str, Any], person: _Person) -> None:
        dot = self.g._choice(MIDDLE_DOT_VARIANTS[1:])
        record["name"] = str(record["name"]).replace("·", dot)

    def homophone(self, record: dict[str, Any], person: _Person) -> None:
        name: str = record["name"]
        groups = _homophone_of()
        positions = [i for i in range(1, len(name)) if len(groups.get(name[i], "")) > 1]
        if not positions:
            return
        i = positions[self.g.integer(0, len(positions))]
        alternatives = [c for c in groups[name[i]] if c != name[i]]
        record["name"] = name[:i] + self.g._choice(alternatives) + name[i + 1 :]

    def lookalike(self, record: dict[str, Any], person: _Person) -> None:
        name: str = record["name"]
        positions = [i for i in range(1, len(name)) if name[i] in LOOKALIKES]
        if not positions:
            self.homophone(record, person)
            return
        i = positions[self.g.integer(0, len(positions))]
        record["name"] = name[:i] + LOOKALIKES[name[i]] + name[i + 1 :]

    def pinyin_name(self, record: dict[str, Any], person: _Person) -> None:
        """The name in pinyin only, as on a passport or a bank form: WANG Wei, Wang Wei."""
        from pypinyin import Style, lazy_pinyin

        from minzheng.linkage.pinyin import SURNAME_READINGS

        name = str(record["name"]).replace("·", "")
        surname, given = split_surname(name)
        family = SURNAME_READINGS.get(surname) or "".join(lazy_pinyin(surname, style=Style.NORMAL))
        first = "".join(lazy_pinyin(given, style=Style.NORMAL))
        style = self.g.integer(0, 3)
        if style == 0:
            record["name"] = f"{family.upper()} {first.capitalize()}"
        elif style == 1:
            record["name"] = f"{family.capitalize()} {first.capitalize()}"
        else:
            record["name"] = family + first

    def date_swapped(self, record: dict[str, Any], person: _Person) -> None:
        """Day and month swapped (1980-03-07 written 1980-07-03); only possible when both ≤ 12."""
        birth = person.birth
        if birth.day > 12 or birth.day == birth.month:
            self.missing_fields(record, person)
            return
        record["birth_date"] = _date_text(date(birth.year, birth.day, birth.month), 0)
        # The ID number would give the date away; departments that swap dates often lack it.
        if self.g.random() < 0.5:
            record["id_number"] = None

    def id_check(self, record: dict[str, Any], person: _Person) -> None:
        number: str = record["id_number"]
        wrong = self.g._choice([c for c in "0123456789X" if c != number[17]])
        record["id_number"] = number[:17] + wrong

    def address_abbreviated(self, record: dict[str, Any], person: _Person) -> None:
        """宁波 dropped, the county shortened or under an old name, 街道 written 街办, an old road
        name."""
        from minzheng.linkage.address import COUNTY_OLD_NAMES, ROAD_OLD_NAMES

        address = str(record["address"]).removeprefix("宁波市")
        county = NINGBO_COUNTIES[person.area]
        township = next(t for t in TOWNSHIPS[county] if t in address)
        old = [name for name, (now, towns) in COUNTY_OLD_NAMES.items() if now == county and
               (not towns or township in towns)]  # fmt: skip
        draw = self.g.random()
        if old and draw < 0.4:
            address = address.replace(county, self.g._choice(old), 1)
        elif draw < 0.8:
            address = address.replace(county, county[:-1], 1)
        if self.g.random() < 0.5:
            address = address.replace("街道", "街办", 1)
        for new, old_name in ROAD_OLD_NAMES.items():
            if new in address and self.g.random() < 0.8:
                address = address.replace(new, old_name, 1)
                break
        record["address"] = address

    def moved_county(self, record: dict[str, Any], person: _Person) -> None:
        """An older record from before the person moved to another county (new phone too)."""
        here = NINGBO_COUNTIES[person.area]
        record["address"] = self.g.address(self.g._choice([c for c in TOWNSHIPS if c != here]))
        if record["phone"] is not None and self.g.random() < 0.7:
            record["phone"] = self.g.phone()

    def traditional(self, record: dict[str, Any], person: _Person) -> None:
        converter = _s2t()
        record["name"] = converter.convert(record["name"])
        record["address"] = converter.convert(record["address"])

    def id_typo(self, record: dict[str, Any], person: _Person) -> None:
        number: str = record["id_number"]
        i = self.g.integer(0, 17)
        digit = str((int(number[i]) + self.g.integer(1, 10)) % 10)
        record["id_number"] = number[:i] + digit + number[i + 1 :]

    def id_transposition(self, record: dict[str, Any], person: _Person) -> None:
        number: str = record["id_number"]
        # Within the first 17 characters the check digit catches every adjacent swap.
        positions = [i for i in range(16) if number[i] != number[i + 1]]
        i = positions[self.g.integer(0, len(positions))]
        record["id_number"] = number[:i] + number[i + 1] + number[i] + number[i + 2 :]

    def missing_fields(self, record: dict[str, Any], person: _Person) -> None:
        fields = ["id_number", "birth_date", "sex", "phone", "address"]
        for _ in range(self.g.integer(1, 4)):
            record[fields.pop(self.g.integer(0, len(fields)))] = None
        # A record left with a bare name (王明, no ID, phone or address) names nobody in
        # particular; no clerk could link it, so such a record is not generated as a duplicate.
        if record["id_number"] is None and record["phone"] is None and record["address"] is None:
            record["address"] = person.address

    def id_15(self, record: dict[str, Any], person: _Person) -> None:
        number: str = record["id_number"]
        record["id_number"] = number[:6] + number[8:17]

    def format(self, record: dict[str, Any], person: _Person) -> None:
        record["id_number"] = _to_fullwidth(str(record["id_number"]).lower())
        name: str = record["name"]
        record["name"] = " ".join(name) if self.g.random() < 0.5 else name + " "
        if record["phone"]:
            phone: str = record["phone"]
            record["phone"] = f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"
        record["address"] = "浙江省" + str(record["address"]).replace("号", " 号 ")

    def moved(self, record: dict[str, Any], person: _Person) -> None:
        # An older record: the person has since moved house (often within the county) and
        # changed phone number.
        county = NINGBO_COUNTIES[person.area] if self.g.random() < 0.7 else None
        record["address"] = self.g.address(county or self.g._choice(list(TOWNSHIPS)))
        if record["phone"] is not None:
            record["phone"] = self.g.phone()


@cache
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def synthetic_records(persons: int, *, seed: int = 7) -> pd.DataFrame:
    """Records of `persons` people (about two records each) with noise and true labels.

    Columns: record_id, source, name, id_number, birth_date, sex, phone, address, true_person,
    noise_kind. Rows are shuffled so that duplicates are not neighbours.
    """
    generator = _Generator(seed)
    noise = _Noise(generator)
    people: list[_Person] = []
    while len(people) < persons:
        person = generator.person(f"P{len(people):07d}")
        people.append(person)
        draw = generator.random()
        traps = (
            (NAMESAKE_SHARE, generator.namesake),
            (NAMESAKE_TOWNSHIP_SHARE, generator.namesake_in_township),
            (TWIN_SHARE, generator.twin),
            (HOUSEHOLD_SHARE, generator.household_member),
        )
        edge = 0.0
        for share, make in traps:
            edge += share
            if draw < edge:
                if len(people) < persons and "·" not in person.name:
                    people.append(make(f"P{len(people):07d}", person))
                break

    count_table = _cumulative(RECORDS_PER_PERSON_WEIGHTS)
    noise_table = _cumulative(NOISE_WEIGHTS)
    rows: list[dict[str, Any]] = []
    for person in people:
        copies = RECORDS_PER_PERSON[generator._pick(count_table)]
        for copy in range(copies):
            kind = "clean" if copy == 0 else NOISE_KINDS[generator._pick(noise_table)]
            if kind == "id_15" and person.birth.year > FIFTEEN_DIGIT_LAST_YEAR:
                kind = "clean"
            if "·" in person.name and copy > 0:
                kind = "minority_dot" if kind in ("homophone", "lookalike", "clean") else kind
            if kind in ("homophone", "lookalike") and "·" in person.name:
                kind = "minority_dot"
            record = noise.record(person, kind)
            record["source"] = generator._choice(SOURCES)
            record["true_person"] = person.person_id
            record["noise_kind"] = person.trap or kind
            rows.append(record)

    order = generator.rng.permutation(len(rows))
    frame = pd.DataFrame([rows[int(i)] for i in order])
    frame.insert(0, "record_id", [f"R{i:08d}" for i in range(len(frame))])
    columns = ["record_id", "source", "name", "id_number", "birth_date", "sex", "phone", "address"]
    return frame[[*columns, "true_person", "noise_kind"]]
