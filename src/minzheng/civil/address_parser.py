"""Parsing free-text Ningbo addresses into the levels of the standard address register
(region → road → number → building → unit → room). Pure: no ORM.

Built on the linkage parser (county, township, road, number) and extended below the door number,
where that parser stops. Full-width digits and small Chinese numerals (三幢, 二单元) are read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from minzheng.linkage.address import NINGBO_COUNTIES, parse_address, strip_city_prefix

_CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_COMMUNITY = re.compile(r"(?P<community>[^路街巷弄道号\d]{2,10}?社区|[^路街巷弄道号\d]{2,10}?村)")
_BUILDING = re.compile(r"(?P<b>[0-9一二三四五六七八九十]+)\s*(?:幢|栋|号楼|座)")
_UNIT = re.compile(r"(?P<u>[0-9一二三四五六七八九十]+)\s*单元")
_ROOM = re.compile(r"(?P<r>\d{2,5})\s*(?:室|房)?$")


def cn_number(text: str) -> int | None:
    """'3' → 3, '十二' → 12, '二十' → 20; None for what is not a small number."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    value = 0
    for c in text:
        value = value * 10 + _CN_DIGITS[c]
    return value


def normalise(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII), no spaces, ⻄ and similar radicals folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True, slots=True)
class AddressParts:
    county: str | None
    township: str | None
    community: str | None
    road: str | None
    number: int | None
    building: int | None
    unit: int | None
    room: str | None


def _expand_short_names(text: str) -> str:
    """宁波海曙… → 宁波市海曙区…: residents often drop 市 and 区."""
    if text.startswith("宁波") and not text.startswith("宁波市"):
        text = "宁波市" + text[2:]
    head = "宁波市" if text.startswith("宁波市") else ""
    body = text[len(head) :]
    for county in NINGBO_COUNTIES:
        short = county[:-1]
        if body.startswith(short) and not body.startswith(county):
            return head + county + body[len(short) :]
    return text


def parse_parts(text: str) -> AddressParts:
    clean = _expand_short_names(normalise(text))
    base = parse_address(clean)
    rest = strip_city_prefix(clean)
    community = None
    start = 0
    for part in (base.county, base.township):
        if part and part in rest:
            start = max(start, rest.find(part) + len(part))
    match = _COMMUNITY.match(rest, start)
    if match:
        community = match.group("community")
    number = None
    after_number = rest
    if base.number:
        digits = re.match(r"\d+", base.number)
        number = int(digits.group()) if digits else None
        after_number = rest[rest.find(base.number) + len(base.number) :]
    building = unit = None
    room = None
    match = _BUILDING.search(after_number)
    if match:
        building = cn_number(match.group("b"))
        after_number = after_number[match.end() :]
    match = _UNIT.search(after_number)
    if match:
        unit = cn_number(match.group("u"))
        after_number = after_number[match.end() :]
    match = _ROOM.search(after_number)
    if match and (building is not None or unit is not None):
        room = match.group("r")
    road = base.road
    if road and community and road.startswith(community):
        road = road[len(community) :]
    return AddressParts(base.county, base.township, community, road, number, building, unit, room)
