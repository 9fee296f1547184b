"""The audit trail as the auditor sees it: events, not case data (docs/security.md).

Who did what to which record and which fields changed — with Chinese labels for roles, actions,
object types, fields and coded values — while personal values (names, birth dates, addresses, ID
and phone numbers, disability and illness, bank accounts …) are never shown: the field is named,
its value is replaced by “（已隐去）”. A name in a summary is masked to its surname.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models

from minzheng.accounts.roles import Role
from minzheng.core.masking import mask_name
from minzheng.core.models import AuditEvent

HIDDEN = "（已隐去）"

#: Field names whose values are personal data: never shown to the auditor, at any depth.
PERSONAL_KEYS: frozenset[str] = frozenset(
    {
        "name",
        "names",
        "display_name",
        "birth_date",
        "date_of_death",
        "address",
        "id_number",
        "id_number_masked",
        "id_numbers",
        "phone",
        "phone_masked",
        "sex",
        "disability_category",
        "disability_grade",
        "serious_illnesses",
        "illness",
        "labour_capacity",
        "hukou_type",
        "holder_name",
        "account",
        "accounts",
        "number",
        "bank_account",
        "payload",
        "members",
        "reason",
        "comment",
        "review_comment",
        "staff_relative_name",
        "relative_name",
        "income",
        "declared_income",
        "source_records",
        "note",
    }
)

#: Labels for keys that are not model fields (or need a clearer word than the field's own).
EXTRA_LABELS: dict[str, str] = {
    "start": "起始月份",
    "until": "截止月份",
    "role": "角色",
    "region": "区划",
    "status": "状态",
    "locked_at": "锁定时间",
    "failed_logins": "连续登录失败次数",
    "sources": "受限来源",
    "scopes": "授权范围",
    "pending": "待审批授权范围",
    "pending_return_codes": "待复核回盘代码",
    "return_codes": "回盘结果代码",
    "fields": "字段",
    "kind": "类型",
    "error": "错误信息",
    "trace": "错误位置",
    "ip": "IP",
    "tags": "身份标签",
    "tag": "身份标签",
    "undone": "已撤销",
    "moved": "迁移记录数",
    "valid_from": "起始日期",
    "valid_to": "截止日期",
    "month": "月份",
    "amount": "金额",
    "lines": "笔数",
    "total_fen": "合计（分）",
    "inserted": "新增",
    "months": "月份",
    "recorded": "已记录",
    "errors": "错误",
    "versions": "版本",
    "version": "版本",
    "value": "值",
    "preview": "预览",
    "household": "家庭户",
    "as_of": "测算日期",
    "end_month": "截止月份",
    "summary": "摘要",
    "cpi": "居民消费价格指数",
    "food": "食品价格指数",
    "source": "来源",
    "bank": "开户银行",
    "active": "启用",
    "is_active": "启用",
    "expires_at": "有效期至",
    "must_change_password": "须修改密码",
    "scale": "规模",
    "seed": "随机种子",
    "persons": "人数",
    "households": "户数",
    "memberships": "成员关系数",
    "already_seeded": "此前已生成",
}

#: Keys whose values (or dict keys) are codes of another field's choices.
CHOICE_ALIASES: dict[str, str] = {"tags": "tag", "pending": "scopes", "programmes": "programme"}


@cache
def _field_labels() -> tuple[dict[str, str], dict[str, dict[str, str]], dict[str, str]]:
    """From every model of the platform: field → verbose name, field → {code: label}, and
    model name → verbose name (the object types)."""
    labels: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    types: dict[str, str] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("minzheng."):
            continue
        types[model._meta.model_name or ""] = str(model._meta.verbose_name)
        for field in model._meta.get_fields():
            if not isinstance(field, models.Field):
                continue
            verbose = str(field.verbose_name)
            if verbose and verbose != field.name.replace("_", " "):
                labels.setdefault(field.name, verbose)
            if field.choices:
                bucket = choices.setdefault(field.name, {})
                for value, label in field.flatchoices:
                    bucket.setdefault(str(value), str(label))
    choices["role"] = {value: str(label) for value, label in Role.choices}
    from minzheng.api.models import SCOPES

    choices["scopes"] = dict(SCOPES)
    return labels, choices, types


OBJECT_TYPES: dict[str, str] = {
    "job": "后台任务",
    "user": "工作人员账号",
    "person": "人员",
    "household": "家庭户",
    "resident": "居民门户",
    "sign_in_code": "登录验证码",
    "access_request": "授权申请",
    "api_client": "接口客户端",
    "bank_template": "银行文件模板",
    "bank_file": "银行文件",
    "payment_report": "发放统计",
    "linkage_conflict": "身份冲突",
    "registry_seed": "合成人员库",
}


def _dictionary(kind: str, code: str) -> str | None:
    """The code dictionary's label, when it has one (the dictionary app owns the wider lists)."""
    from minzheng.dictionary.labels import defaults, label_for

    return label_for(kind, code) if code in defaults().get(kind, {}) else None


def field_label(key: str) -> str:
    labels, _, _ = _field_labels()
    return EXTRA_LABELS.get(key) or labels.get(key) or _dictionary("field", key) or key


def object_label(object_type: str) -> str:
    _, _, types = _field_labels()
    return (
        OBJECT_TYPES.get(object_type)
        or types.get(object_type.replace("_", ""))
        or _dictionary("object_type", object_type)
        or object_type
    )


def role_label(code: str) -> str:
    return Role(code).label if code in Role.values else (code or "—")


def is_personal(key: str) -> bool:
    return key in PERSONAL_KEYS or key.endswith(("_cipher", "_index", "_masked", "_plain"))


def _value(key: str, value: Any) -> str:
    if is_personal(key):
        return HIDDEN
    _, choices, _ = _field_labels()
    if value is None or value == "":
        return "空"
    if isinstance(value, bool):
        return "是" if value else "否"
    codes = choices.get(key) or choices.get(CHOICE_ALIASES.get(key, ""), {})
    if isinstance(value, dict):
        return "；".join(
            f"{codes.get(str(k)) or field_label(str(k))}：{_value(str(k), v)}"
            for k, v in value.items()
        )
    if isinstance(value, list):
        return "、".join(_value(key, v) for v in value) or "无"
    text = str(value)
    if codes.get(text, text) != text:  # some choices are labelled with the code itself
        return codes[text]
    if key == "region" and re.fullmatch(r"\d{12}", text):
        return _region_name(text)
    from minzheng.dictionary.labels import plain_value

    return plain_value(text)  # a programme, status or kind code by its label


@cache
def _region_name(code: str) -> str:
    from minzheng.regions.models import Region

    found = Region.objects.filter(code=code).first()
    return found.name if found else code


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    role: str
    object_label: str
    summary: str
    changes: list[Change]

    @property
    def actor(self) -> str:
        """Who acted: a user's name, or 系统 for the platform's own jobs (stored as "system")."""
        e = self.event
        return "系统" if e.actor_id is None and e.actor_name == "system" else e.actor_name


_IDENTIFIER = re.compile(r"[a-z][a-z_]+[a-z]")


def _summary(event: AuditEvent, names: dict[int, str]) -> str:
    text = event.summary
    name = names.get(event.person_id or 0)
    if name:
        text = text.replace(name, mask_name(name))
    # Field names in a summary ("修改X的address、name") become their labels.
    return _IDENTIFIER.sub(lambda m: _word_label(m.group(0)), text)


def _word_label(word: str) -> str:
    """A field name or a code (a programme, a status) met in a summary, by its label."""
    label = field_label(word)
    if label != word:
        return label
    from minzheng.dictionary.labels import plain_value

    return plain_value(word)


def _changes(event: AuditEvent) -> list[Change]:
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    rows = []
    for key in list(dict.fromkeys([*before, *after])):
        rows.append(
            Change(
                field=field_label(key),
                before=_value(key, before[key]) if key in before else "",
                after=_value(key, after[key]) if key in after else "",
            )
        )
    return rows


def present(events: list[AuditEvent]) -> list[EventRow]:
    from minzheng.registry.models import Person

    ids = {e.person_id for e in events if e.person_id}
    names = dict(Person.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    return [
        EventRow(
            event=e,
            role=role_label(e.actor_role),
            object_label=object_label(e.object_type),
            summary=_summary(e, names),
            changes=_changes(e),
        )
        for e in events
    ]
