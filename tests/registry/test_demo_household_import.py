"""后台任务 shows the village's and the township's own job on first login (issue #14): the demo's
福湖社区 assistant imports a family that moved in through the 家庭户导入 job; the village
assistant and 南门街道's caseworker see it, 鄞州's approver does not; a second run adds nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from minzheng.accounts.models import User
from minzheng.demo import ensure_demo_staff
from minzheng.jobs.models import Job
from minzheng.registry.demo import seed_household_import
from minzheng.registry.models import Household

pytestmark = pytest.mark.django_db


def _jobs_page(username: str) -> str:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.get("/jobs/").content.decode()


def test_the_village_assistant_imports_a_family_once(regions: None) -> None:
    ensure_demo_staff()
    assert seed_household_import() == 1
    assert seed_household_import() == 0
    job = Job.objects.get()
    assert (job.kind, job.status, job.region_id, job.started_by.username) == (
        "household_import",
        Job.Status.SUCCEEDED,
        "330203001001",
        "assistant_fuhu",
    )
    assert job.result is not None and job.result["persons_created"] == 3
    family = Household.objects.get(address="海曙区南门街道福湖社区柳汀街36号")
    assert (family.region_id, family.head is not None and family.head.name) == (
        "330203001001",
        "林志强",
    )
    assert family.memberships.count() == 3
    for username in ("assistant_fuhu", "caseworker_nanmen"):
        page = _jobs_page(username)
        assert "<td>家庭户导入</td>" in page and "<td>福湖社区</td>" in page, username
    assert "<td>家庭户导入</td>" not in _jobs_page("approver_yinzhou")
