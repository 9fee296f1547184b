"""Every page and export a demo role opens shows Chinese labels: no stored code (dibao, draft,
benefit …), no Python literal (True, None, ['…'], {'…'}), no snake_case identifier, no 分 amounts.

The data behind the pages is real: a refused 低边 case, an approved March roll with its bank
file and a return (one failed transfer in the exception queue), audit events of all of it."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from minzheng.accounts.navigation import MENU
from minzheng.dictionary.labels import defaults
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# <code> marks a literal the user must type or a file must carry (a column of a documented file
# format, a JSON key): shown on purpose, in a monospace face, beside its Chinese meaning.
SKIP_TAGS = {"script", "style", "textarea", "code"}
# A source's address, with or without its scheme (nbyz.gov.cn/art/2022/…/art_1229137187_….html).
URL = re.compile(r"(?:https?://)?[\w.-]+\.(?:cn|com|org|net)/\S*")


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def _codes() -> set[str]:
    found: set[str] = set()
    for kind, codes in defaults().items():
        if kind in ("parameter", "field", "object_type"):
            continue
        found.update(c for c in codes if re.fullmatch(r"[a-z][a-z_]+", c))
    return found


PYTHON = re.compile(r"\bTrue\b|\bFalse\b|\bNone\b|\['|\[\"|\{'|\{\"")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
FEN = re.compile(r"\d\s*分(?![配类钟析级摊])")


def leaks(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """What in `text` is not for a user's eyes; `allowed` are login names (data, not codes)."""
    for name in allowed:
        text = text.replace(name, "")
    text = URL.sub("", text)  # a source's address is a citation, not a code
    problems = [m.group(0) for m in PYTHON.finditer(text)]
    problems += [m.group(0) for m in SNAKE.finditer(text)]
    problems += [m.group(0) for m in FEN.finditer(text)]
    words = set(re.findall(r"\b[a-z]{3,}\b", text))
    problems += sorted(words & _codes())
    return problems


@pytest.fixture
def world(
    approved_march: Any,
    approver_haishu: Any,
    caseworker_nanmen: Any,
    city_admin: Any,
    assistant_fuhu: Any,
    auditor: Any,
    security_admin: Any,
    sysadmin: Any,
) -> dict[str, Any]:
    """A refused case and March's roll with a bank file and a failed transfer."""
    from decimal import Decimal

    import time_machine

    from minzheng.applications import actions
    from minzheng.payments.actions import do_export_bank_file, do_import_bank_return
    from minzheng.registry.models import Household
    from tests.applications.conftest import at, walk_to_public_notice

    household = Household.objects.get(head__name="李建国")
    with time_machine.travel(at(date(2020, 9, 25)), tick=False) as clock:
        app = actions.do_submit_application(
            caseworker_nanmen,
            applicant=household.head,
            programmes=["dibian"],
            declared_income=Decimal("600"),
            consents_confirmed=True,
        )
        app = walk_to_public_notice(app, caseworker_nanmen)
        clock.move_to(at(date(2020, 10, 12)))
        app = actions.do_close_public_notice(caseworker_nanmen, app)
        app = actions.do_county_decide(
            approver_haishu, app, approve=False, reason="已在低保，不符合低保边缘条件"
        )
    bank_file = do_export_bank_file(approver_haishu, approved_march)
    do_import_bank_return(
        approver_haishu,
        bank_file,
        f"B{bank_file.pk}-1,0000\nB{bank_file.pk}-2,E102\n",
        filename="回盘.csv",
    )
    from minzheng.applications.spot_checks import do_draw_spot_check
    from minzheng.core.yearmonth import YearMonth

    spot_check = do_draw_spot_check(approver_haishu, YearMonth(2020, 3))
    from minzheng.assistance.models import Enrolment
    from minzheng.payments.backpay import do_propose_back_pay

    do_propose_back_pay(
        caseworker_nanmen,
        Enrolment.objects.get(household=household, programme="dibao"),
        from_month="2020-01",
        to_month="2020-02",
        monthly_amount="30",
        reason="一、二月份少发，按复核结论补发",
    )
    return {
        "spot_check": spot_check,
        "roles": [
            city_admin,
            approver_haishu,
            caseworker_nanmen,
            assistant_fuhu,
            auditor,
            security_admin,
            sysadmin,
        ],
        "app": app,
        "roll": approved_march,
        "bank_file": bank_file,
        "person": household.head,
        "household": household,
    }


def _pages(world: dict[str, Any]) -> list[str]:
    urls = []
    for item in MENU:
        try:
            urls.append(reverse(item.url_name))
        except Exception:
            continue
    app, roll, bank_file = world["app"], world["roll"], world["bank_file"]
    return [
        *urls,
        f"/applications/{app.pk}/",
        "/applications/search/?status=closed",
        f"/payments/rolls/{roll.pk}/",
        f"/payments/bank-files/{bank_file.pk}/",
        f"/payments/persons/{world['person'].pk}/history/",
        "/payments/reports/?month=2020-03",
        "/payments/reports/?month=2020-03&level=township",
        f"/registry/persons/{world['person'].pk}/",
        f"/registry/households/{world['household'].pk}/",
        "/system/dictionary/",
        f"/applications/spot-checks/{world['spot_check'].pk}/",
    ]


EXPORTS = ["/payments/reports/?month=2020-03&format=xlsx", "/applications/search/?format=xlsx"]


def test_no_page_shows_a_raw_code_to_any_role(world: dict[str, Any]) -> None:
    found: dict[str, list[str]] = {}
    opened = 0
    from minzheng.accounts.models import User

    usernames = frozenset(User.objects.values_list("username", flat=True))
    for user in world["roles"]:
        client = Client()
        assert client.login(username=user.username, password=PASSWORD)
        for url in _pages(world):
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            opened += 1
            problems = leaks(visible_text(response.content.decode()), usernames)
            if problems:
                found[f"{user.username} {url}"] = sorted(set(problems))[:8]
    assert opened > 40
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_no_export_shows_a_raw_code(world: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    client = Client()
    assert client.login(username=world["roles"][1].username, password=PASSWORD)
    for url in EXPORTS:
        response = client.get(url)
        assert response.status_code == 200, url
        sheet = load_workbook(BytesIO(response.content)).active
        assert sheet is not None
        text = "\n".join(
            str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None
        )
        assert text.count("\n") >= 1, url
        assert leaks(text) == [], url


def test_the_sweep_catches_a_leak() -> None:
    assert leaks("系统建议：dibao、tekun") == ["dibao", "tekun"]
    assert leaks("按 half_up_yuan 舍入") == ["half_up_yuan"]
    assert leaks("取值 ['dibao'] True") != []
    assert leaks("金额 15000 分") == ["0 分"]
    assert leaks("低保 1,325.00 元，3分类") == []
