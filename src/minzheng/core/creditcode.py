"""Unified social credit codes (统一社会信用代码, GB 32100-2015): normalise, check, describe.

The twin of `core/idnumber.py`: pure (no Django, no clock), one error code per failure with a
Chinese message, and a CLI (`minzheng creditcode check`) printing JSON lines.

What is checked, in this order (rules and sources: docs/organisations.md):
1. 18 characters from GB 32100-2015's set `0123456789ABCDEFGHJKLMNPQRTUWXY` (no I, O, S, V, Z);
2. position 1 a registration-authority code and position 2 a type code of that authority
   (GB 32100-2015 表1, as reproduced in the public explanations of the standard);
3. positions 3–8 the registering authority's division code: 100000 for national bodies, or any
   GB/T 2260 code in python-stdnum's national list `cn/loc.dat` (the list `core.idnumber` reads), so
   any province, city or county in China is accepted, not only Zhejiang's. A code retired before
   2015 is accepted too: published codes carry them (91120224… uses 宝坻县's 120224, retired 2001),
   because registration authorities kept their old codes; the name then says 已撤销;
4. positions 9–17 the organisation code (组织机构代码, GB 11714-1997) with its own check character
   (weights 3,7,9,10,5,8,4,2; C9 = 11 − Σ mod 11, 10 → X, 11 → 0);
5. position 18 the check character (GB 32100-2015 §4.3, ISO 7064 MOD 31-3 style):
   (31 − Σ cᵢ·wᵢ mod 31) mod 31 with the weights below.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import mul
from typing import Any

from minzheng.core.divisions import name_for
from minzheng.core.errors import ValidationFailed
from minzheng.core.idnumber import AGGREGATE_NAMES, area_spells
from minzheng.core.regioncode import RegionCode

LENGTH = 18
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
MODULUS = len(CHARSET)  # 31
ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORGANISATION_CODE_MODULUS = 11
NATIONAL_REGION = "100000"  # GB 32100-2015: registered by a national (central) authority
FIRST_ISSUE_YEAR = 2015  # 国发〔2015〕33号; GB 32100-2015 in force 2015-10-01
CIVIL_AFFAIRS = "5"  # 民政

# GB 32100-2015 表1: 登记管理部门代码 → (name, {机构类别代码: name}).
AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": (
        "机构编制",
        {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    ),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {
            "1": "外国旅游部门常驻代表机构",
            "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "9": "其他",
        },
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}

_NORMALIZE = str.maketrans(
    {
        **{chr(0xFF10 + digit): str(digit) for digit in range(10)},  # full-width ０–９
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},  # full-width Ａ–Ｚ
        **{chr(0xFF41 + i): chr(0x41 + i) for i in range(26)},  # full-width ａ–ｚ
        **dict.fromkeys(" \t\r\n\u3000\xa0\u200b\ufeff-－‐‑‒–—―−", None),
    }
)


@dataclass(frozen=True, slots=True)
class CreditCodeError:
    code: str
    message: str

    def as_exception(self) -> InvalidCreditCode:
        return InvalidCreditCode(self.message, code=self.code)


class InvalidCreditCode(ValidationFailed):
    code = "invalid_credit_code"


@dataclass(frozen=True, slots=True)
class CreditCodeCheck:
    """The verdict on one code, with what it says about its holder when it is valid."""

    input: str
    valid: bool
    normalized: str
    authority_code: str | None = None
    authority_name: str | None = None
    type_code: str | None = None
    type_name: str | None = None
    region_code: str | None = None
    region_name: str | None = None
    organisation_code: str | None = None  # GB 11714 form: XXXXXXXX-X
    error: CreditCodeError | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape used by the CLI and the API; `error` only when invalid."""
        result: dict[str, Any] = {
            "input": self.input,
            "valid": self.valid,
            "normalized": self.normalized,
            "authority_code": self.authority_code,
            "authority_name": self.authority_name,
            "type_code": self.type_code,
            "type_name": self.type_name,
            "region_code": self.region_code,
            "region_name": self.region_name,
            "organisation_code": self.organisation_code,
        }
        if self.error is not None:
            result["error"] = {"code": self.error.code, "message": self.error.message}
        return result

    def require_valid(self) -> CreditCodeCheck:
        if self.error is not None:
            raise self.error.as_exception()
        return self

    @property
    def is_civil_affairs(self) -> bool:
        return self.authority_code == CIVIL_AFFAIRS


def normalize(raw: str) -> str:
    """Upper case, full-width to ASCII, spaces and dashes removed."""
    return raw.translate(_NORMALIZE).upper()


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (GB 32100-2015)."""
    values = [_CHARSET_VALUES.get(c, -1) for c in first17]
    if len(values) != LENGTH - 1 or -1 in values:
        raise ValueError(f"not 17 characters of the credit-code set: {first17!r}")
    total = sum(map(mul, values, WEIGHTS))
    return CHARSET[(MODULUS - total % MODULUS) % MODULUS]


def organisation_check_character(body8: str) -> str:
    """The 9th character of an organisation code for its first 8 (GB 11714-1997)."""
    values = [_ORGANISATION_VALUES.get(c, -1) for c in body8]
    if len(values) != len(ORGANISATION_CODE_WEIGHTS) or -1 in values:
        raise ValueError(f"not 8 digits or letters: {body8!r}")
    total = sum(map(mul, values, ORGANISATION_CODE_WEIGHTS))
    check = ORGANISATION_CODE_MODULUS - total % ORGANISATION_CODE_MODULUS
    return {10: "X", 11: "0"}.get(check, str(check))


# Each character's value, looked up once (the demo builds 35,740 codes): GB 32100-2015's set by
# position; GB 11714's digits as themselves and A–Z as 10–35.
_CHARSET_VALUES = {c: i for i, c in enumerate(CHARSET)}
_ORGANISATION_VALUES = {
    **{str(d): d for d in range(10)},
    **{chr(ord("A") + i): 10 + i for i in range(26)},
}


def build(authority: str, type_code: str, region: str, organisation_body8: str) -> str:
    """A complete, valid code from its parts (demo data and tests)."""
    org = organisation_body8 + organisation_check_character(organisation_body8)
    first17 = authority + type_code + region + org
    return first17 + check_character(first17)


def parse(raw: str) -> CreditCodeCheck:
    """Check one code. A failure carries a stable code and a Chinese message."""
    code = normalize(raw)
    if not code:
        return _invalid(raw, code, "empty", "统一社会信用代码为空")
    if len(code) != LENGTH:
        return _invalid(raw, code, "bad_length", f"统一社会信用代码应为18位，这里是{len(code)}位")
    wrong = [(i + 1, c) for i, c in enumerate(code) if c not in CHARSET]
    if wrong:
        position, char = wrong[0]
        hint = "（不使用字母I、O、S、V、Z）" if char in "IOSVZ" else ""
        message = f"统一社会信用代码第{position}位“{char}”不是允许的字符{hint}"
        return _invalid(raw, code, "bad_character", message)

    authority = AUTHORITIES.get(code[0])
    if authority is None:
        message = f"统一社会信用代码第1位“{code[0]}”不是登记管理部门代码"
        return _invalid(raw, code, "unknown_authority", message)
    authority_name, types = authority
    type_name = types.get(code[1])
    if type_name is None:
        allowed = "、".join(f"{k}{v}" for k, v in types.items())
        message = (
            f"统一社会信用代码第2位“{code[1]}”不是{authority_name}部门的机构类别代码"
            f"（应为{allowed}）"
        )
        return _invalid(raw, code, "unknown_type", message)

    region = code[2:8]
    if not region.isdigit():
        message = f"统一社会信用代码第3—8位“{region}”应为6位数字的行政区划代码"
        return _invalid(raw, code, "bad_region", message)
    region_name = region_name_for(region)
    if region_name is None:
        message = f"统一社会信用代码第3—8位“{region}”不是已知的行政区划代码"
        return _invalid(raw, code, "unknown_region", message)

    org = code[8:17]
    if not (org[8].isdigit() or org[8] == "X") or org[8] != organisation_check_character(org[:8]):
        message = (
            f"统一社会信用代码第9—17位的组织机构代码“{org[:8]}-{org[8]}”校验码不符"
            f"（GB 11714），可能有字符输错"
        )
        return _invalid(raw, code, "bad_organisation_code", message)

    if code[17] != check_character(code[:17]):
        message = "统一社会信用代码校验码（第18位）不符，可能有字符输错，请逐位核对"
        return _invalid(raw, code, "bad_check_digit", message)

    return CreditCodeCheck(
        input=raw,
        valid=True,
        normalized=code,
        authority_code=code[0],
        authority_name=authority_name,
        type_code=code[1],
        type_name=type_name,
        region_code=region,
        region_name=region_name,
        organisation_code=f"{org[:8]}-{org[8]}",
    )


def region_name_for(region: str) -> str | None:
    """The name of a registering authority's division code, or None if it is not one."""
    if region == NATIONAL_REGION:
        return "国家级"
    if region not in _REGION_NAMES:
        _REGION_NAMES[region] = _lookup_region(region)
    return _REGION_NAMES[region]


_REGION_NAMES: dict[str, str | None] = {}


def _lookup_region(region: str) -> str | None:
    spells = area_spells().get(region)
    if not spells:
        return None
    local = name_for(region)  # Ningbo's own divisions file has today's names
    if local:
        return local
    latest = spells[-1]
    name = latest.name
    if name in AGGREGATE_NAMES:
        city = area_spells().get(RegionCode.of(region).key6("city"))
        name = (city[-1].name if city else "") + name
    if latest.end is not None and latest.end < FIRST_ISSUE_YEAR:
        name += "（已撤销）"
    return name


def _invalid(raw: str, code: str, error_code: str, message: str) -> CreditCodeCheck:
    return CreditCodeCheck(
        input=raw, valid=False, normalized=code, error=CreditCodeError(error_code, message)
    )
