"""The roll from the browser: generate a county's month, see it whole (totals, the change from last
month, payees without an account, the lines), approve or send back, make and download the file."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from minzheng.assistance.actions import do_change_enrolment_amount
from minzheng.cli import main
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.jobs.models import Job
from minzheng.payments.actions import do_approve_roll, do_register_bank_account, do_run_roll
from minzheng.payments.models import BankFile, PaymentLine, Roll
from tests.conftest import PASSWORD
from tests.payments.conftest import enrol, person_household

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def checker(make_staff: Any) -> Any:
    return make_staff("approver_haishu_2", "county_approver", "330203000000")


def test_a_county_approver_generates_march_from_the_page(
    dibao_li: Any,
    tekun_zhao: Any,
    approver_haishu: Any,
    run_worker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = _client(approver_haishu)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/payments/rolls/generate/", {"county": "330203000000", "month": "2020-03"}
        )
    # The page answers at once with the task page; nothing is made until the worker runs.
    job = Job.objects.get(kind="roll")
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/?follow=1"
    assert job.params == {"county": "330203000000", "month": "2020-03"}
    assert not Roll.objects.exists()
    assert run_worker() == 1
    roll = Roll.objects.get(county_id="330203000000", month=date(2020, 3, 1))
    assert roll.made_by == approver_haishu and roll.completed_at is not None
    # The poll that sees the job done takes the browser to the roll; a later visit does not.
    poll = client.get(f"/jobs/{job.pk}/progress/?follow=1", headers={"HX-Request": "true"})
    assert poll["HX-Redirect"] == f"/payments/rolls/{roll.pk}/"
    assert "HX-Redirect" not in client.get(
        f"/jobs/{job.pk}/progress/", headers={"HX-Request": "true"}
    )
    assert f'href="/payments/rolls/{roll.pk}/"' in client.get(f"/jobs/{job.pk}/").content.decode()
    # The county's first roll pays the roll month only (earlier months: the former system).
    assert PaymentLine.objects.filter(roll=roll).count() == 2
    page = _client(approver_haishu).get(f"/payments/rolls/{roll.pk}/").content.decode()
    assert "2 笔，2,075.00 元" in page
    assert "南门街道" in page
    # Nobody has an account yet: both payees are listed before approval.
    assert "未登记有效银行账户（2 人）" in page and "李建国" in page and "赵德顺" in page


def test_a_bad_month_or_another_county_is_refused_with_a_message(
    dibao_li: Any, approver_haishu: Any
) -> None:
    client = _client(approver_haishu)
    bad = client.post("/payments/rolls/generate/", {"county": "330203", "month": "2020-13"})
    assert bad.status_code == 302
    assert "发放月份格式应为" in client.get("/payments/rolls/").content.decode()
    client.post("/payments/rolls/generate/", {"county": "330212", "month": "2020-03"})
    assert "只能由县级或市级人员生成全县花名册" in client.get("/payments/rolls/").content.decode()
    assert not Roll.objects.exists() and not Job.objects.exists()


def test_a_caseworker_cannot_generate_a_county_roll(dibao_li: Any, caseworker_nanmen: Any) -> None:
    client = _client(caseworker_nanmen)
    assert "生成（或续算）花名册" not in client.get("/payments/rolls/").content.decode()
    client.post("/payments/rolls/generate/", {"county": "330203", "month": "2020-03"})
    assert not Roll.objects.exists() and not Job.objects.exists()


def test_the_roll_page_lists_new_stopped_and_changed_from_last_month(
    dibao_li: Any, tekun_zhao: Any, approver_haishu: Any, checker: Any, regions: None
) -> None:
    do_approve_roll(checker, do_run_roll(approver_haishu, "330203", YearMonth(2020, 2)).roll)
    # March: 李建国's family up to 800, 赵德顺 stopped after February, 钱小红 new in March.
    do_change_enrolment_amount(
        None, dibao_li, month=YearMonth(2020, 3), amount=Decimal("800.00"), reason="收入下降"
    )
    from minzheng.assistance.actions import do_end_enrolment

    do_end_enrolment(None, tekun_zhao, last_paid_month=YearMonth(2020, 2), reason="死亡")
    qian = person_household("330203001001", "钱小红", "330203196001011234", date(1960, 1, 1))
    enrol(qian, "dibao", "2020-03", "500.00")
    roll = do_run_roll(approver_haishu, "330203", YearMonth(2020, 3)).roll
    page = _client(checker).get(f"/payments/rolls/{roll.pk}/").content.decode()
    assert "新增 1 人，停发 1 人，金额变动 1 人" in page
    assert "<td>新增</td>" in page and "钱小红" in page
    assert '<td>停发</td><td><a href="/registry/persons/' in page
    assert '<td class="num">750.00</td><td class="num">800.00</td>' in page


def test_the_summary_is_kept_for_the_lines_as_they_are(
    dibao_li: Any, tekun_zhao: Any, approver_haishu: Any, checker: Any, regions: None
) -> None:
    """Totals and the change from last month are computed once for the roll's lines: paging
    reads only the lines; a line added later and a payee's new name show at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from minzheng.registry.models import Person

    do_approve_roll(checker, do_run_roll(approver_haishu, "330203", YearMonth(2020, 2)).roll)
    roll = do_run_roll(approver_haishu, "330203", YearMonth(2020, 3)).roll
    client = _client(checker)
    client.get("/")  # the session and the menu, so that only the page's own reads are counted
    with CaptureQueriesContext(connection) as first:
        page = client.get(f"/payments/rolls/{roll.pk}/").content.decode()
    assert "2 笔，2,075.00 元" in page
    with CaptureQueriesContext(connection) as again:
        assert "2 笔，2,075.00 元" in client.get(f"/payments/rolls/{roll.pk}/").content.decode()
    assert len(again.captured_queries) < len(first.captured_queries) - 4

    # A family enrolled in March and the roll run again: the same draft gains a line.
    qian = person_household("330203001001", "钱小红", "330203196001011234", date(1960, 1, 1))
    enrol(qian, "dibao", "2020-03", "500.00")
    assert do_run_roll(approver_haishu, "330203", YearMonth(2020, 3)).roll.pk == roll.pk
    page = client.get(f"/payments/rolls/{roll.pk}/").content.decode()
    assert "3 笔，2,575.00 元" in page
    assert "新增 1 人，停发 0 人，金额变动 0 人" in page and "钱小红" in page

    Person.objects.filter(name="钱小红").update(name="钱晓红")
    change = (
        client.get(f"/payments/rolls/{roll.pk}/").content.decode().split("data-month-change")[1]
    )
    assert "钱晓红" in change.split("</section>")[0]


def test_the_lines_are_paged_and_searchable(
    dibao_li: Any, tekun_zhao: Any, approver_haishu: Any
) -> None:
    roll = do_run_roll(approver_haishu, "330203", YearMonth(2020, 3)).roll
    client = _client(approver_haishu)
    found = client.get(f"/payments/rolls/{roll.pk}/", {"name": "赵德"}).content.decode()
    table = found.split("data-roll-lines", 1)[1]
    assert "赵德顺" in table and "李建国" not in table
    assert "共 <strong>1</strong> 条" in table
    tekun = client.get(f"/payments/rolls/{roll.pk}/", {"programme": "tekun"}).content.decode()
    assert "李建国" not in tekun.split("data-roll-lines", 1)[1]


def test_send_back_needs_a_reason_and_the_makers_rerun_reopens_the_version(
    dibao_li: Any, approver_haishu: Any, checker: Any
) -> None:
    roll = do_run_roll(approver_haishu, "330203", YearMonth(2020, 3)).roll
    client = _client(checker)
    client.post(f"/payments/rolls/{roll.pk}/send-back/", {"reason": " "})
    assert Roll.objects.get(pk=roll.pk).status == "draft"
    client.post(f"/payments/rolls/{roll.pk}/send-back/", {"reason": "李建国账户未登记"})
    sent_back = Roll.objects.get(pk=roll.pk)
    assert (sent_back.status, sent_back.returned_reason) == ("returned", "李建国账户未登记")
    assert "李建国账户未登记" in client.get(f"/payments/rolls/{roll.pk}/").content.decode()
    assert client.post(f"/payments/rolls/{roll.pk}/approve/").status_code == 302
    assert Roll.objects.get(pk=roll.pk).status == "returned"  # not approvable while sent back
    again = do_run_roll(approver_haishu, "330203", YearMonth(2020, 3)).roll
    assert (again.pk, Roll.objects.get(pk=roll.pk).status) == (roll.pk, "draft")
    assert AuditEvent.objects.filter(object_type="payment_roll", summary__contains="退回").exists()


def test_the_page_and_the_cli_give_the_same_bank_file_and_the_download_is_audited(
    dibao_li: Any,
    tekun_zhao: Any,
    approver_haishu: Any,
    checker: Any,
    caseworker_nanmen: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Only 李建国 has an account: 赵德顺's transfer fails at once and is not written.
    do_register_bank_account(
        caseworker_nanmen, dibao_li.household.head, bank_name="宁波银行", number="6222021234567890"
    )
    roll = do_approve_roll(checker, do_run_roll(approver_haishu, "330203", YearMonth(2020, 3)).roll)
    client = _client(approver_haishu)
    made = client.post(f"/payments/rolls/{roll.pk}/export/", {})
    bank_file = BankFile.objects.get(roll=roll)
    assert made["Location"] == f"/payments/bank-files/{bank_file.pk}/"
    page = client.get(made["Location"]).content.decode()
    assert "文件 1 笔（另有 1 笔无银行账户" in page
    downloaded = client.get(f"/payments/bank-files/{bank_file.pk}/download/")
    assert downloaded.status_code == 200
    body = downloaded.content.decode()
    assert body.splitlines() == [
        "流水号,账号,户名,金额,借贷标志,摘要",
        f"B{bank_file.pk}-1,6222021234567890,李建国,750.00,C,救助金",
    ]
    assert AuditEvent.objects.filter(
        object_type="bank_file", action="export", summary__startswith="下载银行文件"
    ).exists()

    out = tmp_path / "cli.csv"
    assert main(["payments", "export", str(roll.pk), "--out", str(out)]) == 0
    reported = json.loads(capsys.readouterr().out)
    assert (reported["lines"], reported["no_account"]) == (1, 1)
    assert out.read_bytes() == downloaded.content


def test_another_countys_bank_file_cannot_be_downloaded(
    approved_march: Any, approver_yinzhou: Any, approver_haishu: Any
) -> None:
    _client(approver_haishu).post(f"/payments/rolls/{approved_march.pk}/export/", {})
    bank_file = BankFile.objects.get(roll=approved_march)
    response = _client(approver_yinzhou).get(f"/payments/bank-files/{bank_file.pk}/download/")
    assert response.status_code == 404


def test_a_month_too_far_ahead_is_refused_with_a_message_and_nothing_queued(
    dibao_li: Any, approver_haishu: Any
) -> None:
    from minzheng.core.clock import today
    from minzheng.core.yearmonth import YearMonth

    current = YearMonth.of(today())
    client = _client(approver_haishu)
    page = client.get("/payments/rolls/").content.decode()
    assert "data-roll-generate novalidate" in page  # the server's message, not the input's check
    client.post("/payments/rolls/generate/", {"county": "330203", "month": str(current + 2)})
    assert f"发放月份不能晚于 {current + 1}" in client.get("/payments/rolls/").content.decode()
    assert not Roll.objects.exists() and not Job.objects.exists()
    client.post("/payments/rolls/generate/", {"county": "330203", "month": str(current + 1)})
    assert Job.objects.get().params["month"] == str(current + 1)


def test_the_roll_month_rule() -> None:
    from minzheng.core.yearmonth import YearMonth
    from minzheng.payments.rules import roll_month_refusal

    assert roll_month_refusal(YearMonth(2027, 1), YearMonth(2026, 12)) == ""
    assert roll_month_refusal(YearMonth(2026, 3), YearMonth(2026, 12)) == ""
    assert roll_month_refusal(YearMonth(2027, 2), YearMonth(2026, 12)) == (
        "发放月份不能晚于 2027-01（当前月份 2026-12 的下月）"
    )
