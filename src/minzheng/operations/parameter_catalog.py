"""Retention periods (数据保留期限): how long closed cases, audit events and feed batches stay in the
live tables before the retention job archives them. Dated parameters like every policy value."""

from __future__ import annotations

from datetime import date

from minzheng.assistance.parameters import CatalogValue, Confidence, ParameterSpec, ValueKind

NINGBO = "330200"
START = date(2020, 1, 1)

CLOSED_CASE_YEARS = "retention.closed_case_years"
AUDIT_EVENT_YEARS = "retention.audit_event_years"
FEED_BATCH_MONTHS = "retention.feed_batch_months"

RETENTION_PARAMETERS: list[ParameterSpec] = [
    ParameterSpec(
        CLOSED_CASE_YEARS,
        "办结案件在线保留年限",
        "年",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NINGBO,
                START,
                5,
                "示例值。民政部办公厅、国家档案局办公室《关于加强最低生活保障档案管理的通知》"
                "（2008年）第三（二）项：审批类档案保管期限为该低保户停保后不少于3年，日常管理类"
                "不少于5年；该通知的文号与原文未在官方来源核实，宁波的在线保留年限未找到",
                Confidence.C,
                illustrative=True,
                note="在线保留期满后归档离线保存，不等于档案销毁",
            ),
        ),
        "决定日期（且由其纳入的救助均已终止）早于该年限的已批准、不予批准申请移出在线库并归档",
    ),
    ParameterSpec(
        AUDIT_EVENT_YEARS,
        "审计日志在线保留年限",
        "年",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NINGBO,
                START,
                3,
                "示例值。《中华人民共和国网络安全法》第二十一条第（三）项要求网络日志留存不少于"
                "六个月；本平台在线保留年限为示例值，归档后仍以哈希链封存",
                Confidence.NF,
                illustrative=True,
            ),
        ),
        "早于该年限的审计事件写入带哈希链的归档文件并封存后移出在线库",
    ),
    ParameterSpec(
        FEED_BATCH_MONTHS,
        "部门数据批次在线保留月数",
        "月",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NINGBO,
                START,
                24,
                "示例值：部门核对数据的保留期限未找到（核对授权书约定的用途期限由各地确定）",
                Confidence.NF,
                illustrative=True,
            ),
        ),
        "接收时间早于该月数的部门数据批次及其记录移出在线库并归档",
    ),
]
