"""The pair page: every comparison in Chinese with its weight, the prior, a total that is the sum
of the rows, the probability from that total; a pair refused by a rule offers only what the rule
allows, on the page and in the action."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.core.errors import ValidationFailed
from minzheng.linkage.actions import do_decide_pair, do_run_linkage
from minzheng.linkage.clustering import REFUSED_REASON
from minzheng.linkage.evidence import probability_of
from minzheng.linkage.models import CandidatePair
from minzheng.registry.models import Person
from tests.dictionary.test_no_raw_codes_on_pages import leaks, visible_text

TODAY = date(2026, 1, 1)
ADDRESS = "海曙区南门街道福湖社区解放南路12号"


def _evidence_table(page: str) -> tuple[list[tuple[str, str, Decimal]], Decimal, float]:
    table = page.split('id="evidence"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [
        (name, level, Decimal(weight))
        for name, level, weight in re.findall(
            r"<tr><td>(.*?)</td><td>(.*?)</td><td class=\"num\">(-?[\d.]+)</td></tr>", body
        )
    ]
    total = Decimal(re.search(r'id="evidence-total">(-?[\d.]+)<', table).group(1))  # type: ignore[union-attr]
    probability = float(re.search(r'id="evidence-probability">([\d.]+)<', table).group(1))  # type: ignore[union-attr]
    return rows, total, probability


@pytest.mark.django_db
def test_the_pair_page_adds_up_on_a_real_run(
    household_li_three_members: Any,
    make_source_record: Callable[..., Any],
    approver_haishu: Any,
) -> None:
    person = household_li_three_members.head
    renshe = make_source_record(
        "人社",
        "RS-1",
        "李建国",
        birth_date=date(1950, 1, 1),
        phone="13805741234",
        address=ADDRESS,
        region_id="330203001001",
    )
    do_run_linkage(None, today=TODAY)
    pair = CandidatePair.objects.get(left_key=f"P{person.pk}", right_key=f"S{renshe.pk}")
    client = Client()
    client.force_login(approver_haishu)

    page = client.get(f"/linkage/candidates/{pair.pk}/").content.decode()

    rows, total, probability = _evidence_table(page)
    assert [name for name, _, _ in rows] == [
        "先验：任意两条记录是同一人",
        "身份证号",
        "姓名（汉字、拼音）",
        "出生日期",
        "性别",
        "联系电话",
        "地址",
    ]
    levels = dict((name, level) for name, level, _ in rows)
    assert levels["身份证号"] == "至少一方无身份证号，不计分"
    assert levels["姓名（汉字、拼音）"].startswith("姓名相同")
    assert levels["出生日期"] == "出生日期相同"
    # The registry keeps the address on the household, not on the person: nothing to compare.
    assert levels["地址"] == "至少一方无地址，不计分"
    assert dict((name, weight) for name, _, weight in rows)["地址"] == Decimal("0.00")
    assert total == sum(weight for _, _, weight in rows)
    assert probability == round(probability_of(total), 6)
    assert abs(float(total) - pair.match_weight) <= 0.035
    # Both decisions are open for a pair that is merely uncertain.
    assert 'value="match"' in page and 'value="non_match"' in page
    # No code or English identifier reaches the reader (the dictionary's page sweep).
    assert leaks(visible_text(page), frozenset({"approver_haishu"})) == []


@pytest.mark.django_db
def test_a_refused_pair_shows_its_rule_and_only_the_decision_it_allows(
    household_li_three_members: Any, approver_haishu: Any
) -> None:
    head = household_li_three_members.head
    other = Person.objects.get(name="王秀英")
    pair = CandidatePair.objects.create(
        left_key=f"P{head.pk}",
        right_key=f"P{other.pk}",
        region_id="330203001001",
        match_probability=0.97,
        match_weight=5.0,
        reason=REFUSED_REASON,
        evidence={
            "left": {"姓名": head.name},
            "right": {"姓名": other.name},
            "prior_weight": -10.0,
            "comparisons": [
                {"name": "id_number", "level": "id_both_valid_different", "weight": -19.858},
                {"name": "name", "level": "name_exact", "weight": 12.0, "adjustment": -0.5},
                {"name": "birth_date", "level": "birth_exact", "weight": 13.0},
                {"name": "sex", "level": "sex_exact", "weight": 1.0},
                {"name": "phone", "level": "phone_exact", "weight": 9.0},
                {"name": "address", "level": "address_exact", "weight": 0.0},
            ],
        },
    )
    client = Client()
    client.force_login(approver_haishu)

    page = client.get(f"/linkage/candidates/{pair.pk}/").content.decode()

    assert "拒绝合并的规则" in page and "一人多号" in page
    assert "两个身份证号都有效且不同" in page
    assert 'value="non_match"' in page and 'value="match"' not in page
    assert leaks(visible_text(page), frozenset({"approver_haishu"})) == []
    row = client.get("/linkage/candidates/").content.decode().split(f'id="pair-{pair.pk}"')[1]
    row = row.split("</tr>")[0]
    assert "不是同一人" in row and "是同一人</button>" not in row.replace("不是同一人", "")
    _, total, _ = _evidence_table(page)
    assert total == Decimal("5.14")  # -10 - 19.86 + 12 + 13 + 1 + 9 + 0
    with pytest.raises(ValidationFailed, match="该记录对已被规则拒绝合并，只能判定为“不是同一人”"):
        do_decide_pair(approver_haishu, pair.pk, "match")
    refused = client.post(f"/linkage/candidates/{pair.pk}/decide/", {"decision": "match"})
    assert refused.status_code in (400, 422)
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.PENDING
    do_decide_pair(approver_haishu, pair.pk, "non_match")
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.NON_MATCH
