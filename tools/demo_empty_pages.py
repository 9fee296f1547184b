"""Which menu pages of the demo roles show no data: a sweep over the demo database (issue #14).

Run it against a demo built with ``minzheng demo --reset --no-serve`` in the same var directory::

    PYTHONPATH=src MINZHENG_VAR_DIR=var MINZHENG_DEMO_MODE=1 .venv/bin/python tools/demo_empty_pages.py
    … tools/demo_empty_pages.py approver_yinzhou approver_haishu   # only these logins
    … tools/demo_empty_pages.py --all approver_yinzhou   # every page with its verdict

It signs in as each demo login (``DEMO_STAFF``; Django's test client with ``force_login``), opens
every page of that login's menu (``accounts.navigation.menu_for``) and prints one line per page
that is not 200 or whose main list is empty, then a count per role. It reads only: GET requests.

The rule, over the ``<main>`` element of the page (the menu and breadcrumbs are outside it):

- a table row counts as a data row when it has a ``<td>`` and is not one cell spanning the table
  (``<td colspan=…>暂无银行文件</td>`` is every list's empty row);
- a page with at least one data row in any table is **filled**;
- a page with tables but no data row, or with a pager saying 共 0 条, or with no table and an
  empty-state text (暂无, 没有…, 共 0 条) is **empty**;
- a page with neither a table nor an empty-state text is a **form** (窗口受理, 修改密码 …): listed in
  the counts, never as empty.

The exit status is 0; the sweep reports, it does not judge.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser

EMPTY_TEXT = re.compile(
    r"暂无|没有(符合条件|找到|待|可|记录|申请|登记|排摸|迁移|身份|账户|应付|即将|公示|救助)|共\s*0\s*条"
)


class _MainTables(HTMLParser):
    """Counts the data rows of every table inside <main>, and keeps <main>'s text."""

    def __init__(self) -> None:
        super().__init__()
        self.in_main = 0
        self.tables = 0
        self.data_rows = 0
        self.text: list[str] = []
        self._row_cells = 0
        self._row_spans = False
        self._in_row = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.in_main += 1
        if not self.in_main:
            return
        if tag == "table":
            self.tables += 1
        elif tag == "tr":
            self._in_row, self._row_cells, self._row_spans = True, 0, False
        elif tag == "td" and self._in_row:
            self._row_cells += 1
            if any(name == "colspan" for name, _ in attrs):
                self._row_spans = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "main" and self.in_main:
            self.in_main -= 1
        elif tag == "tr" and self._in_row:
            self._in_row = False
            if self._row_cells and not (self._row_cells == 1 and self._row_spans):
                self.data_rows += 1

    def handle_data(self, data: str) -> None:
        if self.in_main:
            self.text.append(data)


@dataclass
class PageResult:
    label: str
    url: str
    status: int
    verdict: str  # filled, empty, form, error
    note: str = ""


@dataclass
class RoleResult:
    username: str
    pages: list[PageResult] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(1 for page in self.pages if page.verdict == verdict)


def judge(html: str) -> tuple[str, str]:
    """The verdict on one page's HTML and the empty-state text it found, if any."""
    parser = _MainTables()
    parser.feed(html)
    text = re.sub(r"\s+", " ", "".join(parser.text))
    empty_text = EMPTY_TEXT.search(text)
    note = empty_text.group(0) if empty_text else ""
    if parser.data_rows:
        return "filled", f"{parser.data_rows} 行"
    if parser.tables or empty_text:
        return "empty", note or f"{parser.tables} 个表格，无数据行"
    return "form", ""


def sweep(usernames: list[str]) -> list[RoleResult]:
    from django.test import Client

    from minzheng.accounts.models import User
    from minzheng.accounts.navigation import menu_for

    results = []
    for username in usernames:
        user = User.objects.get(username=username)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        role = RoleResult(username)
        seen: set[str] = set()
        for _group, items in menu_for(user):
            for label, url in items:
                if url in seen:
                    continue
                seen.add(url)
                response = client.get(url)
                if response.status_code != 200:
                    role.pages.append(PageResult(label, url, response.status_code, "error"))
                    continue
                verdict, note = judge(response.content.decode())
                role.pages.append(PageResult(label, url, 200, verdict, note))
        results.append(role)
    return results


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
    import django

    django.setup()
    from minzheng.demo import DEMO_STAFF

    shown = ("filled", "empty", "form", "error") if "--all" in argv else ("empty", "error")
    usernames = [a for a in argv if not a.startswith("--")] or [u for u, *_ in DEMO_STAFF]
    results = sweep(usernames)
    for role in results:
        for page in role.pages:
            if page.verdict in shown:
                print(
                    f"{role.username}\t{page.verdict}\t{page.status}\t{page.label}\t{page.url}\t{page.note}"
                )
    print()
    print("login\tpages\tfilled\tempty\tform\tnot-200")
    for role in results:
        print(
            f"{role.username}\t{len(role.pages)}\t{role.count('filled')}\t{role.count('empty')}"
            f"\t{role.count('form')}\t{role.count('error')}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
