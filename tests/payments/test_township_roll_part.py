"""A township caseworker reads its county's roll in part: the rolls that carry its township's
lines, and of each only those lines — counts and sums in 元 over its own lines, read-only (no
approval, no bank file). The county approver still reads the roll whole."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import do_approve_roll, do_run_roll
from minzheng.payments.models import BankFile, Roll
from tests.payments.conftest import enrol, person_household

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def haishu_roll(dibao_li: Any, tekun_zhao: Any, approver_haishu: Any, make_staff: Any) -> Roll:
    """海曙's 2020-02 roll: 李建国 (750) and 赵德顺 (1325) in 南门街道's 福湖社区, 钱江厦 (620)
    in 江厦街道's 福湾社区; approved by a second approver."""
    jiangxia = person_household("330203002001", "钱江厦", "330203196001010011", date(1960, 1, 1))
    enrol(jiangxia, "dibao", "2020-01", "620.00")
    roll = do_run_roll(approver_haishu, "330203", YearMonth(2020, 2)).roll
    checker = make_staff("approver_haishu_2", "county_approver", "330203000000")
    return do_approve_roll(checker, roll)


def test_the_township_caseworker_sees_its_countys_roll_and_only_its_own_lines(
    haishu_roll: Roll, caseworker_nanmen: Any
) -> None:
    client = _client(caseworker_nanmen)
    listed = client.get("/payments/rolls/").content.decode()
    assert f'href="/payments/rolls/{haishu_roll.pk}/"' in listed
    assert "海曙区" in listed

    page = client.get(f"/payments/rolls/{haishu_roll.pk}/").content.decode()
    assert "南门街道部分" in page
    assert (
        "<dt>本街道（乡镇）</dt><dd data-roll-total data-roll-part>南门街道：2 笔，2,075.00 元</dd>"
        in page
    )
    lines = page.split("data-roll-lines", 1)[1].split("</table>", 1)[0]
    assert lines.count("<tr>") == 3  # the header and its two lines
    assert "李建国" in lines and "赵德顺" in lines and "1,325.00" in lines
    # 江厦街道's line is not in the list, the totals or the search form's choices.
    assert "钱江厦" not in page
    assert "620.00" not in page
    assert "2,695.00" not in page
    assert "江厦街道" not in page
    # Read-only: no approval, no bank file.
    assert "data-approve" not in page and "data-send-back" not in page
    assert "roll_export" not in page and "/export/" not in page
    assert "data-export" not in page


def test_another_townships_caseworker_sees_only_its_own_part(
    haishu_roll: Roll, make_staff: Any
) -> None:
    jiangxia = make_staff("caseworker_jiangxia", "township_caseworker", "330203002000")
    page = _client(jiangxia).get(f"/payments/rolls/{haishu_roll.pk}/").content.decode()
    assert "江厦街道：1 笔，620.00 元" in page
    assert "钱江厦" in page
    assert "李建国" not in page and "赵德顺" not in page and "南门街道" not in page


def test_a_township_without_lines_in_the_roll_does_not_see_it(
    haishu_roll: Roll, make_staff: Any
) -> None:
    other = make_staff("caseworker_haishu_3", "township_caseworker", "330203003000")
    client = _client(other)
    assert (
        f"/payments/rolls/{haishu_roll.pk}/" not in client.get("/payments/rolls/").content.decode()
    )
    assert client.get(f"/payments/rolls/{haishu_roll.pk}/").status_code == 404


def test_the_village_assistant_sees_its_villages_part(
    haishu_roll: Roll, assistant_fuhu: Any
) -> None:
    page = _client(assistant_fuhu).get(f"/payments/rolls/{haishu_roll.pk}/").content.decode()
    assert (
        "<dt>本村（社区）</dt><dd data-roll-total data-roll-part>福湖社区：2 笔，2,075.00 元</dd>"
        in page
    )
    assert "钱江厦" not in page


def test_the_part_cannot_make_the_bank_file_or_approve(
    haishu_roll: Roll, caseworker_nanmen: Any, approver_haishu: Any, make_staff: Any
) -> None:
    client = _client(caseworker_nanmen)
    assert client.post(f"/payments/rolls/{haishu_roll.pk}/export/").status_code == 404
    assert not BankFile.objects.filter(roll=haishu_roll).exists()
    draft = do_run_roll(approver_haishu, "330203", YearMonth(2020, 3)).roll
    assert client.post(f"/payments/rolls/{draft.pk}/approve/").status_code == 403
    assert Roll.objects.get(pk=draft.pk).status == Roll.Status.DRAFT


def test_the_county_approver_still_reads_the_whole_roll(
    haishu_roll: Roll, approver_haishu: Any
) -> None:
    page = _client(approver_haishu).get(f"/payments/rolls/{haishu_roll.pk}/").content.decode()
    assert "<dt>合计</dt><dd data-roll-total>3 笔，2,695.00 元</dd>" in page
    assert "钱江厦" in page and "李建国" in page
    assert "部分" not in page.split("</h1>", 1)[0]
    assert "data-export" in page  # approved: the county makes the bank file


def test_the_change_lists_of_a_part_are_its_own(haishu_roll: Roll, caseworker_nanmen: Any) -> None:
    client = _client(caseworker_nanmen)
    new = client.get(f"/payments/rolls/{haishu_roll.pk}/changes/?kind=new").content.decode()
    assert "李建国" in new and "赵德顺" in new
    assert "钱江厦" not in new
    missing = client.get(
        f"/payments/rolls/{haishu_roll.pk}/changes/?kind=no_account"
    ).content.decode()
    assert "赵德顺" in missing and "钱江厦" not in missing


def test_the_township_export_holds_its_own_lines(haishu_roll: Roll, caseworker_nanmen: Any) -> None:
    import io

    import openpyxl

    response = _client(caseworker_nanmen).get(f"/payments/rolls/{haishu_roll.pk}/?format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = [r for sheet in book for r in sheet.iter_rows(values_only=True)]
    names = sorted(str(r[0]) for r in rows[1:] if r and r[0] in ("李建国", "赵德顺", "钱江厦"))
    assert names == ["李建国", "赵德顺"]


def test_the_demos_township_caseworker_finds_last_months_roll_on_first_login(
    li_paid_since_january: Any, approver_haishu: Any, caseworker_nanmen: Any
) -> None:
    """The demo's 海曙 roll of last month (payments.demo.seed_demo) is no longer an empty page for
    南门街道: its list shows the roll and the roll shows 李建国's line, its own part."""
    from minzheng.core import clock
    from minzheng.payments.demo import seed_demo

    seed_demo()
    month = (YearMonth.of(clock.today()) - 1).first_day()
    roll = Roll.objects.get(county_id="330203000000", month=month)
    client = _client(caseworker_nanmen)
    assert f'href="/payments/rolls/{roll.pk}/"' in client.get("/payments/rolls/").content.decode()
    page = client.get(f"/payments/rolls/{roll.pk}/").content.decode()
    assert "南门街道：1 笔，600.00 元" in page and "李建国" in page
    assert "data-download" not in page  # the county's bank file is not offered
