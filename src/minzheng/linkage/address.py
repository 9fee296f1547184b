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
