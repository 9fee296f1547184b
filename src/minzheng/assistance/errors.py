"""Refusals from the assistance rules: a stable code, a Chinese message, no partial decision."""

from __future__ import annotations

from datetime import date

from minzheng.core.errors import DomainError


class AssistanceError(DomainError):
    code = "assistance_error"


class NegativeIncome(AssistanceError):
    code = "negative_income"

    def __init__(self, member_id: str, kind: str, amount: object) -> None:
        super().__init__(f"成员 {member_id} 的收入（{kind}）为负数：{amount}，收入不能为负")


class DuplicateMember(AssistanceError):
    code = "duplicate_member"

    def __init__(self, member_id: str) -> None:
        super().__init__(f"家庭成员 {member_id} 重复登记，每名成员只能出现一次")


class InvalidHouseholdFacts(AssistanceError):
    code = "invalid_household_facts"


class UnknownProgramme(AssistanceError):
    code = "unknown_programme"

    def __init__(self, programme: str) -> None:
        super().__init__(f"未知的救助项目：{programme!r}")


class ProgrammeNotRuleBased(AssistanceError):
    code = "programme_not_rule_based"

    def __init__(self, programme: str) -> None:
        super().__init__(f"救助项目 {programme} 不由家庭经济状况规则认定，请走个案审批")


class ParameterMissing(AssistanceError):
    code = "parameter_missing"

    def __init__(self, key: str, as_of: date) -> None:
        super().__init__(f"政策参数 {key} 在 {as_of.isoformat()} 没有生效的取值，请先配置该参数")


class ParameterInvalid(AssistanceError):
    code = "parameter_invalid"


class RegionWithoutStandard(AssistanceError):
    code = "region_without_standard"

    def __init__(self, region_code: str) -> None:
        super().__init__(f"行政区划 {region_code} 及其上级均未设置低保标准，无法认定")


class ParameterRegionMismatch(AssistanceError):
    code = "parameter_region_mismatch"

    def __init__(self, facts_region: str, params_region: str) -> None:
        super().__init__(
            f"家庭所在区划 {facts_region} 与参数区划 {params_region} 不一致，请按家庭所在区划取参数"
        )


class InvalidRegion(AssistanceError):
    code = "invalid_region"

    def __init__(self, region_code: str) -> None:
        super().__init__(f"行政区划代码无效：{region_code!r}，应为6位数字")
