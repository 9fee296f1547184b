"""A small rule-based parser for Ningbo-style addresses.

Departments write the same home differently: with or without 浙江省宁波市, with or without the room.
Comparing the parts level by level (county, township, road, number) lets "same road, different
number" count for something without a full gazetteer. The regions app owns the standard addresses
(地名地址); this parser only needs to be good enough to compare two strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The ten county-level divisions of Ningbo, tried before the generic pattern because 镇海区 would
# otherwise be read as a town (镇) and 宁海县 as part of the city name.
NINGBO_COUNTIES: tuple[str, ...] = (
    "海曙区",
    "江北区",
    "北仑区",
    "镇海区",
    "鄞州区",
    "奉化区",
    "象山县",
    "宁海县",
    "余姚市",
    "慈溪市",
)

# Old names of county-level divisions still found in older records, with the division that holds
# the area now. 鄞县 became 鄞州区 in 2002; 江东区 was abolished in 2016 and its streets joined
# 鄞州区 (only those listed: an address there names one of them); 奉化市 became 奉化区 in 2016.
# Dates from the divisions' published histories; the State Council approvals were not read here.
COUNTY_OLD_NAMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "鄞县": ("鄞州区", ()),
    "江东区": (
        "鄞州区",
        (
            "百丈街道",
            "东胜街道",
            "明楼街道",
            "白鹤街道",
            "东柳街道",
            "东郊街道",
            "福明街道",
            "新明街道",
        ),
    ),
    "奉化市": ("奉化区", ()),
}
# Renamed roads: current name stem → the name older records carry. ILLUSTRATIVE: invented for
# the benchmark, not a gazetteer; the regions app's 地名地址 data should replace it.
ROAD_OLD_NAMES: dict[str, str] = {
    "通途": "通达",
    "世纪": "新世纪",
    "学府": "学院",
    "明州": "明洲",
    "钱湖": "东钱湖",
    "丽园": "丽苑",
    "沧海": "沧海滨",
    "前程": "前城",
}
_OLD_COUNTY = re.compile("^(?:" + "|".join(COUNTY_OLD_NAMES) + ")")
# A county written without its 区/县/市 (海曙 for 海曙区), at the start of the address.
_SHORT_COUNTY = re.compile(
    "^(?P<short>" + "|".join(c[:-1] for c in (
        "海曙区", "江北区", "北仑区", "镇海区", "鄞州区", "奉化区", "象山县", "宁海县", "余姚市", "慈溪市"
    )) + ")(?![区县市])"
)  # fmt: skip
_OLD_ROAD = re.compile("|".join(re.escape(old) for old in ROAD_OLD_NAMES.values()))
_ROAD_NOW = {old: now for now, old in ROAD_OLD_NAMES.items()}


def canonical_address(address: str) -> str:
    """Old county names, shortened county names, 街办 and old road names to today's forms.
    Expects the province and city already stripped."""
    address = _OLD_COUNTY.sub(lambda m: COUNTY_OLD_NAMES[m.group(0)][0], address, count=1)
    match = _SHORT_COUNTY.match(address)
    if match:
        short = match.group("short")
        full = next(c for c in NINGBO_COUNTIES if c[:-1] == short)
        address = full + address[len(short) :]
    address = address.replace("街办", "街道")
    return _OLD_ROAD.sub(lambda m: _ROAD_NOW[m.group(0)], address)


_PREFIX = re.compile(r"^(?:浙江省?|[^省市]{2,3}省)?(?:宁波市)?")
# Outside Ningbo: "苏州市姑苏区" is kept whole, so that 鼓楼区 in two cities does not agree.
_OTHER_COUNTY = r"(?:[^省市区县]{2,5}市)?[^省市区县]{2,4}?(?:区|县)|[^省市区县]{2,4}?市"
_COUNTY = re.compile(
    "^(?:(?P<county>" + "|".join(NINGBO_COUNTIES) + ")|(?P<other>" + _OTHER_COUNTY + "))"
)
_TOWNSHIP = re.compile(r"^(?P<township>[^路号\d]{1,8}?(?:街道|镇|乡))")
_ROAD = re.compile(r"(?P<road>[^号\d]{1,12}?(?:大道|路|街|巷|弄|道))")
_NUMBER = re.compile(r"(?P<number>\d+(?:弄\d+)?号)")


@dataclass(frozen=True)
class ParsedAddress:
    county: str | None
    township: str | None
    road: str | None
    number: str | None


def strip_city_prefix(address: str) -> str:
    """Drop the province and the city (浙江省宁波市), which every local record shares."""
    return _PREFIX.sub("", address, count=1)


def parse_address(address: str) -> ParsedAddress:
    """Split a normalised address into county / township / road / house number.

    Parts that cannot be found are None; the remainder (community, building, room) is ignored
    because departments record it too inconsistently to compare.
    """
    rest = strip_city_prefix(address)
    county: str | None = None
    match = _COUNTY.match(rest)
    if match:
        county = match.group("county") or match.group("other")
        rest = rest[match.end() :]
    township: str | None = None
    match = _TOWNSHIP.match(rest)
    if match:
        township = match.group("township")
        rest = rest[match.end() :]
    road: str | None = None
    match = _ROAD.search(rest)
    if match:
        road = match.group("road")
        rest = rest[match.end() :]
    number: str | None = None
    match = _NUMBER.search(rest)
    if match:
        number = match.group("number")
    return ParsedAddress(county=county, township=township, road=road, number=number)
