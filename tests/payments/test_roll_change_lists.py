"""A roll's page shows the counts of the change from last month and of the payees without an
account with the first rows of each; the whole lists are paged and searched on 变动名单
(payments:roll_changes), so the roll's page reads and renders a page, not every row."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client

from minzheng.core.idnumber import check_digit
from minzheng.core.yearmonth import YearMonth
from minzheng.payments import roll_queries
from minzheng.payments.actions import do_approve_roll, do_run_roll
from tests.payments.conftest import enrol, person_household
from tests.payments.test_query_pins import PINS

pytestmark = pytest.mark.django_db

NEW = 13  # more than PREVIEW_ROWS (10)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.get("/")  # warm the session and the menu
    return client


def _new_payees(n: int) -> None:
    for i in range(n):
        first17 = f"33020319600101{i:03d}"
        household = person_household(
            "330203001001", f"孙新{i:02d}", first17 + check_digit(first17), date(1960, 1, 1)
        )
        enrol(household, "dibao", "2020-03", f"{500 + i}.00")


@pytest.fixture
def march_with_new(
    dibao_li: Any, tekun_zhao: Any, approver_haishu: Any, make_staff: Any
) -> tuple[Any, Any]:
    checker = make_staff("approver_haishu_2", "county_approver", "330203000000")
    do_approve_roll(checker, do_run_roll(approver_haishu, "330203", YearMonth(2020, 2)).roll)
    _new_payees(NEW)
    return do_run_roll(approver_haishu, "330203", YearMonth(2020, 3)).roll, checker


def test_the_roll_page_counts_every_change_but_renders_only_the_first_rows(
    march_with_new: tuple[Any, Any],
) -> None:
    roll, checker = march_with_new
    assert roll_queries.PREVIEW_ROWS == 10
    page = _client(checker).get(f"/payments/rolls/{roll.pk}/").content.decode()
    change = page.split("data-month-change", 1)[1].split("</section>", 1)[0]
    assert "新增 13 人，停发 0 人，金额变动 0 人" in change
    assert change.count("<td>新增</td>") == 10
    # The first ten by enrolment, the last three only on the paged list.
    assert "孙新00" in change and "孙新09" in change and "孙新10" not in change
    assert f'href="/payments/rolls/{roll.pk}/changes/?kind=new"' in change
    # Nobody has an account: 15 payees counted, 10 listed, a link to the rest.
    assert "未登记有效银行账户（15 人）" in page
    missing = page.split("data-missing-accounts", 1)[1].split("</section>", 1)[0]
    assert missing.count("/registry/persons/") == 10
    assert "查看全部 15 人" in missing


def test_the_change_list_is_paged_and_searchable(march_with_new: tuple[Any, Any]) -> None:
    roll, checker = march_with_new
    client = _client(checker)
    url = f"/payments/rolls/{roll.pk}/changes/"
    first = client.get(url, {"kind": "new", "size": "20"}).content.decode()
    rows = first.split("data-change-rows", 1)[1]
    assert rows.count("<td>新增</td>") == 13 and "共 <strong>13</strong> 条" in rows
    # 孙新12: new in March at 512.00 yuan, nothing the month before.
    assert '孙新12</a></td><td>低保</td><td>—</td><td class="num">512.00</td>' in rows
    found = client.get(url, {"kind": "new", "name": "新1"}).content.decode()
    names = re.findall(r"孙新\d\d", found.split("data-change-rows", 1)[1])
    assert names == ["孙新10", "孙新11", "孙新12"]
    missing = client.get(url, {"kind": "no_account", "name": "赵德"}).content.decode()
    table = missing.split("data-change-rows", 1)[1]
    assert "赵德顺" in table and "1,325.00" in table and "孙新" not in table
    assert "没有符合条件的记录" in client.get(url, {"kind": "stopped"}).content.decode()


def test_a_bad_list_kind_is_a_chinese_error_not_a_500(march_with_new: tuple[Any, Any]) -> None:
    roll, checker = march_with_new
    response = _client(checker).get(f"/payments/rolls/{roll.pk}/changes/", {"kind": "x"})
    assert response.status_code == 400
    assert "名单类别不存在" in response.content.decode()


def test_another_countys_approver_cannot_open_the_lists(
    march_with_new: tuple[Any, Any], approver_yinzhou: Any
) -> None:
    roll, _ = march_with_new
    client = _client(approver_yinzhou)
    assert client.get(f"/payments/rolls/{roll.pk}/changes/?kind=new").status_code == 404


def test_the_roll_page_does_not_query_per_change_row(
    march_with_new: tuple[Any, Any], django_assert_max_num_queries: Any
) -> None:
    roll, checker = march_with_new
    client = _client(checker)
    # 13 new payees and 15 without an account, the pin of the two-payee roll (test_query_pins).
    with django_assert_max_num_queries(PINS["roll_detail"]):
        assert client.get(f"/payments/rolls/{roll.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/payments/rolls/{roll.pk}/changes/?kind=new").status_code == 200
