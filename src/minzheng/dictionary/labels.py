"""The dictionary's catalogue: every kind of code a user may see, with its default Chinese label
taken from the code that defines it, and the administrator's edits on top."""

from __future__ import annotations

import time
from functools import cache

from minzheng.core.money import ROUNDING_LABELS
from minzheng.core.regioncode import full_code
from minzheng.eldercare.labels import KIND_NAMES as ELDERCARE_KIND_NAMES
from minzheng.inkind.labels import KIND_NAMES as INKIND_KIND_NAMES
from minzheng.institutions.labels import KIND_NAMES as INSTITUTION_KIND_NAMES
from minzheng.institutions.labels import OBJECT_TYPES as INSTITUTION_OBJECT_TYPES
from minzheng.rescue.labels import KIND_NAMES as RESCUE_KIND_NAMES

KIND_NAMES: dict[str, str] = {
    "programme": "救助项目",
    "application_step": "申请环节",
    "channel": "申请渠道",
    "enrolment_status": "救助状态",
    "roll_status": "花名册状态",
    "payment_kind": "发放类别",
    "region_level": "区划层级",
    "role": "角色",
    "relationship": "与户主关系",
    "household_kind": "户别",
    "audit_action": "审计操作",
    "rounding": "舍入规则",
    "bank_outcome": "银行回盘结果",
    "parameter": "政策参数名称",
    "object_type": "审计对象类型",
    "bank_field": "银行文件字段",
    "api_scope": "接口授权范围",
    "field": "变更字段",
    "linkage_comparison": "身份比对项",
    "linkage_level": "身份比对结果",
    **ELDERCARE_KIND_NAMES,
    **RESCUE_KIND_NAMES,
    **INKIND_KIND_NAMES,
    **INSTITUTION_KIND_NAMES,
}

OBJECT_TYPES: dict[str, str] = {
    "account_change": "银行账户变更申请",
    "api_client": "接口客户端",
    "application": "救助申请",
    "application_search": "救助申请查询",
    "audit_log": "审计日志",
    "bank_account": "银行账户",
    "provider_account": "机构收款账户",
    "bank_file": "银行文件",
    "bank_return": "银行回盘",
    "bank_template": "银行文件模板",
    "change_request": "家庭变更申请",
    "child_case": "儿童保障档案",
    "child_director": "儿童主任",
    "child_visit": "儿童走访记录",
    "grievance": "投诉举报",
    "history_month": "历史回放月份",
    "appeal": "行政复议与诉讼",
    "outreach_campaign": "大排摸",
    "outreach_target": "排摸对象",
    "rescue_stay": "流浪乞讨人员救助记录",
    "inkind_stock": "实物救助物资库存",
    "inkind_distribution": "实物发放",
    "inkind_handover": "实物发放签收",
    "inkind_voucher": "救助券",
    "demo_clock": "演示日期",
    "dictionary_label": "字典标签",
    "eldercare_assessment": "老年人能力评估",
    "allowance_run": "高龄津贴名单生成",
    "meal_point": "助餐点",
    "meal_record": "就餐记录",
    "meal_statement": "助餐点月结单",
    "home_adaptation": "适老化改造",
    "care_provider": "居家养老服务组织",
    "care_order": "居家养老服务工单",
    "care_visit": "上门服务记录",
    "timebank_entry": "时间银行记录",
    "eligibility_decision": "救助资格认定",
    "enrolment": "救助对象",
    "fast_track": "快速通道",
    "feed_batch": "部门核对数据批次",
    "household": "家庭户",
    "household_asset": "家庭财产",
    "job": "后台任务",
    "identity_tag": "身份标签",
    "keyring": "密钥",
    "linkage_action": "多重身份处理",
    "linkage_conflict": "身份冲突名单",
    "linkage_candidate_pair": "疑似同一人记录对",
    "linkage_review_pair": "疑似同一人记录对",  # the type's code before the rename, in older audit events
    "linkage_roster_import": "两线合一导入",
    "linkage_run": "多重身份识别",
    "login_log": "登录日志",
    "objection": "公示异议",
    "payment_report": "发放统计",
    "payment_roll": "发放花名册",
    "person": "人员",
    "policy_parameter": "政策参数",
    "price_index": "价格指数",
    "resident": "居民",
    "schedule": "定时计划",
    "review_task": "复核任务",
    "spot_check": "低保抽查",
    "back_pay": "补发",
    "sign_in_code": "登录验证码",
    "temporary_case": "临时救助",
    "user": "用户",
    "warning": "动态监测预警",
    **INSTITUTION_OBJECT_TYPES,
}

BANK_FIELDS: dict[str, str] = {
    "reference": "流水号",
    "account": "账号",
    "holder_name": "户名",
    "bank_name": "开户行",
    "amount_yuan": "金额（元）",
    "amount_fen": "金额（分）",
    "direction": "借贷标志",
    "memo": "摘要",
    "seq": "序号",
}

# The keys audit events keep in their before/after, as the audit log shows them.
FIELDS: dict[str, str] = {
    "status": "状态",
    "step": "环节",
    "reason": "原因",
    "programmes": "申请项目",
    "suggested": "系统建议项目",
    "account": "账户",
    "accounts": "原账户",
    "bank": "开户行",
    "lines": "笔数",
    "total_fen": "金额（分）",
    "recorded": "已记录",
    "errors": "错误",
    "inserted": "新增条数",
    "months": "月份",
    "month": "月份",
    "amount": "金额（元）",
    "date": "日期",
    "label": "显示名称",
    "role": "角色",
    "region": "区划",
    "name": "姓名",
    "end_month": "终止月份",
    "value": "取值",
    "share": "抽查比例",
    "share_version": "抽查比例参数版本",
    "enrolled": "在保户数",
    "drawn_households": "抽中家庭编号",
    "from_month": "补发起始月份",
    "to_month": "补发截止月份",
    "monthly_amount": "每月金额",
    "total": "合计",
}


# The asset kinds the rules name (assistance.facts.VehicleKind, NonResidentialKind).
VEHICLE_KINDS = {
    "car": "汽车",
    "vessel": "船舶",
    "other_motor": "其他机动车",
    "disability_mobility": "残疾人功能性补偿代步机动车",
    "two_wheel_motorcycle": "普通二轮摩托车",
}
NONRESIDENTIAL_KINDS = {
    "shop": "商铺",
    "office": "办公用房",
    "factory": "厂房",
    "serviced_apartment": "酒店式公寓",
}


@cache
def defaults() -> dict[str, dict[str, str]]:
    """kind → code → default label, read from the models and rules that own each code."""
    from minzheng.accounts.roles import Role
    from minzheng.api.models import SCOPES
    from minzheng.applications.models import Application
    from minzheng.applications.rules import RETIRED_STEP_CODES, STEP_LABELS
    from minzheng.assistance.facts import INCOME_NAMES
    from minzheng.assistance.models import Enrolment
    from minzheng.assistance.programmes import PROGRAMMES
    from minzheng.core.models import AuditEvent
    from minzheng.jobs.kinds import LABELS as JOB_KINDS
    from minzheng.jobs.models import Job
    from minzheng.linkage.spec import COMPARISON_LABELS, LEVEL_LABELS
    from minzheng.medical.reconciliation import OUTCOME_LABELS
    from minzheng.payments.bankfiles import REASONS
    from minzheng.payments.models import BankOutcome, Kind, Roll
    from minzheng.regions.models import Level
    from minzheng.registry.models import HouseholdKind, Relationship

    return {
        "programme": {p.code.value: p.short_name for p in PROGRAMMES},
        "application_step": {
            **{s.value: text for s, text in STEP_LABELS.items()},
            # an old code in the audit events written before the rename (公示 was `notice`)
            **{old: STEP_LABELS[new] for old, new in RETIRED_STEP_CODES.items()},
        },
        "channel": dict(Application.Channel.choices),
        "enrolment_status": dict(Enrolment.Status.choices),
        "roll_status": dict(Roll.Status.choices),
        "payment_kind": dict(Kind.choices),
        "region_level": dict(Level.choices),
        "role": dict(Role.choices),
        "relationship": dict(Relationship.choices),
        "household_kind": dict(HouseholdKind.choices),
        "audit_action": dict(AuditEvent.Action.choices),
        "rounding": dict(ROUNDING_LABELS),
        "bank_outcome": dict(BankOutcome.Status.choices),
        # What a bank's return code means: paid, or why not (payments.bankfiles.REASONS).
        "return_meaning": {"paid": "已发放", **REASONS},
        "income_kind": {k.value: v for k, v in INCOME_NAMES.items()},
        "vehicle_kind": dict(VEHICLE_KINDS),
        "nonresidential_kind": dict(NONRESIDENTIAL_KINDS),
        "parameter": _parameter_names(),
        "object_type": OBJECT_TYPES,
        "bank_field": BANK_FIELDS,
        "api_scope": dict(SCOPES),
        "reconciliation_outcome": dict(OUTCOME_LABELS),
        "field": FIELDS,
        "job_kind": dict(JOB_KINDS),
        "job_status": dict(Job.Status.choices),
        "linkage_comparison": dict(COMPARISON_LABELS),
        "linkage_level": dict(LEVEL_LABELS),
        **_eldercare_labels(),
        **_rescue_and_inkind_labels(),
        **_institution_labels(),
    }


def _rescue_and_inkind_labels() -> dict[str, dict[str, str]]:
    from minzheng.inkind.labels import dictionary_labels as inkind
    from minzheng.rescue.labels import dictionary_labels as rescue

    return {**rescue(), **inkind()}


def _eldercare_labels() -> dict[str, dict[str, str]]:
    from minzheng.eldercare.labels import dictionary_labels

    return dictionary_labels()


def _institution_labels() -> dict[str, dict[str, str]]:
    from minzheng.institutions.labels import dictionary_labels

    return dictionary_labels()


def _parameter_names() -> dict[str, str]:
    from minzheng.assistance.parameter_catalog import all_specs

    return {spec.key: spec.name for spec in all_specs()}


_overrides: tuple[float, dict[tuple[str, str], str]] | None = None
REFRESH_SECONDS = 30.0


def overrides() -> dict[tuple[str, str], str]:
    """The administrator's edits, re-read at most every 30 seconds per process."""
    global _overrides
    if _overrides is None or time.monotonic() - _overrides[0] > REFRESH_SECONDS:
        from minzheng.dictionary.models import LabelOverride

        _overrides = (
            time.monotonic(),
            {(o.kind, o.code): o.text for o in LabelOverride.objects.all()},
        )
    return _overrides[1]


def forget_overrides() -> None:
    global _overrides
    _overrides = None


def label_for(kind: str, code: str) -> str:
    """The label of a code; a code the dictionary does not know is shown as 未知代码, never raw."""
    if not code:
        return ""
    edited = overrides().get((kind, code))
    if edited:
        return edited
    return defaults().get(kind, {}).get(code, "未知代码")


def labels_of(kind: str, codes: list[str]) -> str:
    """Several codes of one kind as one Chinese list: 低保、特困."""
    return "、".join(label_for(kind, c) for c in codes)


def _code_label(code: str) -> str:
    for kind in (
        "programme",
        "income_kind",
        "vehicle_kind",
        "nonresidential_kind",
        "rounding",
        "relationship",
        "region_level",
        "role",
        "roll_status",
        "application_step",
        "enrolment_status",
        "payment_kind",
        "ability_level",
        "job_kind",  # last: a background job's kind (roll, monitor …) in an audit event
    ):
        known = defaults()[kind].get(code)
        if known:
            return label_for(kind, code)
    if code.count("@") == 2 and code.partition("@")[0] in defaults()["parameter"]:
        return parameter_version(code)  # a parameter version id, e.g. in an audit event
    return code


def _field_label(key: str) -> str:
    if key in defaults()["field"]:
        return label_for("field", key)
    return _code_label(key) if _code_label(key) != key else "其他"


def plain_value(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple, set)):
        return "、".join(plain_value(v) for v in value) or "无"
    if isinstance(value, dict):
        return "；".join(f"{_field_label(str(k))}：{plain_value(v)}" for k, v in value.items())
    text = str(value)
    if text in ("True", "False"):
        return "是" if text == "True" else "否"
    return _code_label(text)


def parameter_version(version_id: str) -> str:
    """`review.interval_months.stable@000000@2021-07-01` as 复核周期（…）（全国，2021-07-01起）."""
    key, _, rest = version_id.partition("@")
    region, _, start = rest.partition("@")
    name = label_for("parameter", key) if key in defaults()["parameter"] else "政策参数"
    if not rest:
        return name
    from minzheng.regions.models import Region

    where = "全国" if set(region) <= {"0"} else None
    if where is None:
        found = Region.objects.filter(code=full_code(region)).values_list("name", flat=True)
        where = found[0] if found else "本地"
    return f"{name}（{where}，{start}起）" if start else f"{name}（{where}）"
