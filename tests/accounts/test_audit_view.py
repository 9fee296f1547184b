"""The auditor sees events, not case data (#10 Deliver 4); codes read in Chinese (#13 Deliver 4)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client

from minzheng.accounts.actions import do_propose_grant
from minzheng.accounts.models import User
from minzheng.core import audit
from minzheng.core.models import AuditEvent
from minzheng.registry.actions import do_update_person

pytestmark = pytest.mark.django_db


def _visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_the_auditor_sees_which_fields_changed_but_not_the_values(
    household_li_three_members: Any, caseworker_nanmen: User, auditor: User
) -> None:
    li = household_li_three_members.head
    do_update_person(
        caseworker_nanmen,
        li.pk,
        {"address": "海曙区南门街道福湖社区新街8号", "phone": "13900001111"},
    )
    audit.record(
        caseworker_nanmen,
        AuditEvent.Action.UPDATE,
        "person",
        li.pk,
        person_id=li.pk,
        summary=f"修改{li.name}的disability_category、serious_illnesses",
        before={"disability_category": "", "serious_illnesses": [], "birth_date": "1950-01-01"},
        after={
            "disability_category": "physical",
            "serious_illnesses": ["尿毒症"],
            "birth_date": date(1950, 2, 3),
        },
    )
    web = Client()
    web.force_login(auditor)
    page = _visible(web.get("/audit/").content.decode())
    # What happened, by whom, to which record and which fields: all there, in Chinese.
    assert "caseworker_nanmen" in page and "乡镇经办员" in page and "人员 #" in page
    assert "地址" in page and "出生日期" in page and "残疾类别" in page and "重特大疾病" in page
    assert "（已隐去）" in page and "李*国" in page
    # The values are not: names, addresses, birth dates, illness, disability.
    for secret in (
        "李建国",
        "解放南路",
        "新街8号",
        "1950-01-01",
        "1950-02-03",
        "尿毒症",
        "physical",
    ):
        assert secret not in page, secret
    # No raw role codes or Python dicts.
    assert "township_caseworker" not in page and "{'" not in page and '{"' not in page
    assert "disability_category" not in page


def test_role_grants_read_as_labels_in_the_audit_log(
    sysadmin: User, caseworker_nanmen: User, auditor: User
) -> None:
    do_propose_grant(
        sysadmin, caseworker_nanmen, role="county_approver", region_code="330203000000"
    )
    web = Client()
    web.force_login(auditor)
    page = _visible(web.get("/audit/").content.decode())
    assert "系统管理员" in page and "授权申请" in page and "海曙区" in page
    assert "system_admin" not in page and "county_approver" not in page
    assert "330203000000" not in page


def test_the_old_page_showed_raw_values(
    household_li_three_members: Any, caseworker_nanmen: User, auditor: User
) -> None:
    # A guard on the masking itself: the event does hold the full value in the database …
    li = household_li_three_members.head
    do_update_person(caseworker_nanmen, li.pk, {"address": "海曙区新街8号"})
    event = AuditEvent.objects.get(object_type="person", action="update")
    assert event.after == {"address": "海曙区新街8号"}
    # … and the page does not show it.
    web = Client()
    web.force_login(auditor)
    assert "新街8号" not in web.get("/audit/").content.decode()


def test_partner_scopes_and_identity_tags_read_in_chinese(sysadmin: User, auditor: User) -> None:
    from minzheng.api.actions import do_create_api_client

    do_create_api_client(
        sysadmin,
        name="医院",
        scopes=["eligibility:evaluate", "registry:read"],
        region_code="330203000000",
    )
    audit.record(None, AuditEvent.Action.CREATE, "registry_seed", "x", after={"tags": {"dibao": 3}})
    web = Client()
    web.force_login(auditor)
    page = _visible(web.get("/audit/").content.decode())
    assert "救助资格测算" in page and "读取人员与家庭" in page
    assert "registry:read" not in page and "eligibility:evaluate" not in page
    assert "dibao" not in page


def test_a_background_jobs_events_read_in_chinese(auditor: User, regions: None) -> None:
    """The platform's own job: 系统 as the actor, 后台任务 as the record, the job's kind by its
    label, and the keys of what it stored (status, error) by theirs."""
    from minzheng.jobs import runner
    from minzheng.jobs.kinds import LABELS
    from minzheng.jobs.models import Job

    job = Job.objects.create(
        kind="roll", params={"county": "330203000000"}, region_id="330203000000"
    )
    runner._finish(job, Job.Status.FAILED, error="县区花名册参数缺失")
    web = Client()
    web.force_login(auditor)
    row = next(
        _visible(tr)
        for tr in web.get("/audit/").content.decode().split("<tr>")
        if f"#{job.pk}" in _visible(tr) and "结束" in tr
    )
    assert "系统" in row and "后台任务 #" in row and f"{LABELS['roll']} 结束：失败" in row
    assert "错误信息" in row and "县区花名册参数缺失" in row
    assert not re.search(r"\b(system|job|roll|error|status)\b", row)
