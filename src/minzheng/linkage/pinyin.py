"""Toneless pinyin of a person's name, reading the surname as a surname.

Homophones (同音字) are the most common way a clerk miswrites a name he heard: 王伟 becomes 王玮.
Comparing names by pinyin catches them. pypinyin reads characters with their everyday reading, which
is wrong for a handful of surnames (单 is "shan" as a surname, "dan" otherwise), so the surname is
looked up in a table first.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Surname readings that differ from the character's everyday reading.
# Source: 《通用规范汉字表》 and the 《中国姓氏》 readings used by public-security household
# registration; compound surnames are listed so the two characters are kept together.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan",
    "曾": "zeng",
    "仇": "qiu",
    "区": "ou",
    "解": "xie",
    "朴": "piao",
    "查": "zha",
    "盖": "ge",
    "缪": "miao",
    "秘": "bi",
    "繁": "po",
    "句": "gou",
    "覃": "qin",
    "员": "yun",
    "召": "shao",
    "种": "chong",
    "能": "nai",
    "重": "chong",
    "折": "she",
    "翟": "zhai",
    "尉": "wei",
    "乐": "yue",
    "长": "chang",
    "万": "wan",
    "么": "yao",
    "隗": "wei",
    "厍": "she",
    "冼": "xian",
    "褚": "chu",
    "莘": "shen",
    "宓": "mi",
    "眭": "sui",
    "阚": "kan",
    "蕃": "pi",
    "尉迟": "yuchi",
    "万俟": "moqi",
    "长孙": "zhangsun",
    "澹台": "tantai",
    "单于": "chanyu",
    "欧阳": "ouyang",
    "司马": "sima",
    "诸葛": "zhuge",
    "上官": "shangguan",
    "东方": "dongfang",
    "皇甫": "huangfu",
    "令狐": "linghu",
    "慕容": "murong",
    "公孙": "gongsun",
    "司徒": "situ",
    "司空": "sikong",
    "夏侯": "xiahou",
    "宇文": "yuwen",
    "轩辕": "xuanyuan",
    "闻人": "wenren",
    "呼延": "huyan",
    "端木": "duanmu",
    "南宫": "nangong",
    "西门": "ximen",
    "独孤": "dugu",
}

COMPOUND_SURNAMES: frozenset[str] = frozenset(s for s in SURNAME_READINGS if len(s) == 2)


def split_surname(name: str) -> tuple[str, str]:
    """Split a Chinese name into surname and given name (compound surnames kept whole)."""
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


@lru_cache(maxsize=65536)
def char_pinyin(char: str) -> str:
    """Toneless reading of one character; characters without a reading are dropped."""
    reading = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
    return "".join(reading).lower()


def name_pinyin(name: str) -> str:
    """Toneless pinyin of a whole name without separators, e.g. 单伟 → "shanwei"; a name
    written in pinyin only (WANGWEI, Wang Wei) is its own reading, lower-cased."""
    if name.isascii():
        return "".join(c for c in name.lower() if c.isalpha())
    surname, given = split_surname(name)
    surname_reading = SURNAME_READINGS.get(surname)
    if surname_reading is None:
        surname_reading = "".join(char_pinyin(c) for c in surname)
    return surname_reading + "".join(char_pinyin(c) for c in given)
