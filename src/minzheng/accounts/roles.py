"""Roles and what each may do. The one table that says who sees case data (三员分立)."""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", "市级管理员"
    COUNTY_APPROVER = "county_approver", "县级审核审批员"
    TOWNSHIP_CASEWORKER = "township_caseworker", "乡镇经办员"
    VILLAGE_ASSISTANT = "village_assistant", "村社协理员"
    AUDITOR = "auditor", "审计员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"


class Capability(StrEnum):
    CASE_DATA = "case_data"  # read people, households and cases within the region scope
    EDIT_CASES = "edit_cases"  # take applications, keep household data current
    APPROVE = "approve"  # county approval of cases and payment rolls
    VIEW_PII = "view_pii"  # reveal a full ID or phone number (audited)
    MANAGE_PARAMETERS = "manage_parameters"  # policy parameters
    VIEW_STATISTICS = "view_statistics"
    VIEW_AUDIT = "view_audit"  # the audit trail (审计员)
    MANAGE_SECURITY = "manage_security"  # unlock accounts, login log (安全管理员)
    MANAGE_USERS = "manage_users"  # staff accounts and API clients (系统管理员)
    MANAGE_ORGANISATIONS = (
        "manage_organisations"  # 社会组织登记管理与慈善监管 (registration authority)
    )
    REGISTRY_OFFICE = "registry_office"  # 区县婚姻登记处与殡葬管理（公墓、清明祭扫）的业务
    BANK_FILES = "bank_files"  # 银行代发文件、回盘与文件模板：县级（市级）资金发放的业务


C = Capability
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.CITY_ADMIN: frozenset({C.CASE_DATA, C.MANAGE_PARAMETERS, C.VIEW_STATISTICS, C.VIEW_PII}),
    Role.COUNTY_APPROVER: frozenset(
        {C.CASE_DATA, C.APPROVE, C.VIEW_PII, C.VIEW_STATISTICS, C.MANAGE_PARAMETERS}
    ),
    Role.TOWNSHIP_CASEWORKER: frozenset({C.CASE_DATA, C.EDIT_CASES, C.VIEW_PII}),
    Role.VILLAGE_ASSISTANT: frozenset({C.CASE_DATA, C.EDIT_CASES}),
    # 三员分立: the three administrators never see case data.
    Role.AUDITOR: frozenset({C.VIEW_AUDIT}),
    Role.SECURITY_ADMIN: frozenset({C.MANAGE_SECURITY}),
    Role.SYSTEM_ADMIN: frozenset({C.MANAGE_USERS}),
}

# 社会组织登记管理机关 are the city and county bureaus: their administrators and approvers.
for _role in (Role.CITY_ADMIN, Role.COUNTY_APPROVER):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {C.MANAGE_ORGANISATIONS}

# The marriage registry and the cemeteries are the county's (their rows carry the county's code,
# civil.marriage.require_office_staff): their work lists are in the menus of county and city staff.
for _role in (Role.CITY_ADMIN, Role.COUNTY_APPROVER):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {C.REGISTRY_OFFICE}

# The bank's transfer files, their returns and the file templates are the county's payment work
# (a roll is approved and sent to the bank per county). A township or a village follows up the
# failed transfers of its own payees on 发放异常 (correct an account), not the files themselves.
for _role in (Role.CITY_ADMIN, Role.COUNTY_APPROVER):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {C.BANK_FILES}

# The region level a role's scope must be at (a township caseworker is scoped to a township …).
ROLE_SCOPE_LEVELS: dict[str, tuple[str, ...]] = {
    Role.CITY_ADMIN: ("city",),
    Role.COUNTY_APPROVER: ("county",),
    Role.TOWNSHIP_CASEWORKER: ("township",),
    Role.VILLAGE_ASSISTANT: ("village",),
    Role.AUDITOR: ("city", "county"),
    Role.SECURITY_ADMIN: ("city", "county"),
    Role.SYSTEM_ADMIN: ("city", "county"),
}
