"""A 大排摸 campaign in 南门街道: the rules pick the elderly living alone, the severely disabled, the
低边 and a recent exit, leave out a 低保 household, give each 福湖社区 target to its village
assistant; visits are recorded on the form and counted by township beside the article's figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.assistance.actions import do_end_enrolment, do_enrol, do_load_parameter_catalog
from minzheng.core.clock import today
from minzheng.core.errors import ValidationFailed
from minzheng.core.yearmonth import YearMonth
from minzheng.outreach import actions, queries
from minzheng.outreach.models import Target
from minzheng.registry.models import IdentityTag, Person
from tests.conftest import PASSWORD, _household
from tests.dictionary.test_no_raw_codes_on_pages import leaks, visible_text

pytestmark = pytest.mark.django_db
ALL = ["dibian", "high_medical", "severe_disability", "elderly_alone", "recent_exit"]


@pytest.fixture
def nanmen(regions: None, household_li_three_members: Any) -> dict[str, Any]:
    do_load_parameter_catalog()
    v = "330203001001"
    alone = _household(
        v, "福湖社区1号", [("孙老太", "330203194001011224", "head", date(1940, 1, 1), "")]
    )
    disabled = _household(
        v, "福湖社区2号", [("钱伟", "330203198001011211", "head", date(1980, 1, 1), "")]
    )
    Person.objects.filter(name="钱伟").update(disability_category="physical", disability_grade=1)
    margin = _household(
        v,
        "福湖社区3号",
        [
            ("赵敏", "330203198502021222", "head", date(1985, 2, 2), ""),
            ("赵小敏", "330203201001011226", "child", date(2010, 1, 1), ""),
        ],
    )
    IdentityTag.objects.create(
        person=margin.head, tag="dibian", source="测试", valid_from=date(2024, 1, 1), region_id=v
    )
    exited = _household(
        v,
        "福湖社区4号",
        [
            ("周强", "330203197503031213", "head", date(1975, 3, 3), ""),
            ("周妻", "330203197704041228", "spouse", date(1977, 4, 4), ""),
        ],
    )
    e = do_enrol(
        None, household=exited, programme="dibao", start=YearMonth(2024, 1), amount=Decimal("500")
    )
    do_end_enrolment(None, e, last_paid_month=YearMonth.of(today()) - 2, reason="收入超过标准")
    covered = _household(
        v, "福湖社区5号", [("吴孤老", "330203193801011215", "head", date(1938, 1, 1), "")]
    )
    do_enrol(
        None, household=covered, programme="tekun", start=YearMonth(2024, 1), amount=Decimal("1300")
    )
    return {"alone": alone, "disabled": disabled, "margin": margin, "exited": exited}


def test_the_rules_pick_the_targets_and_leave_out_the_covered(
    nanmen: dict[str, Any], caseworker_nanmen: Any, assistant_fuhu: Any
) -> None:
    campaign = actions.do_start_campaign(caseworker_nanmen, name="2026年冬季大排摸", rules=ALL)
    reasons = {t.person.name: t.reasons for t in Target.objects.select_related("person")}
    assert reasons == {
        "孙老太": ["elderly_alone"],
        "钱伟": ["severe_disability"],
        "赵敏": ["dibian"],
        "周强": ["recent_exit"],
    }
    assert set(Target.objects.values_list("assigned_to__username", flat=True)) == {"assistant_fuhu"}
    assert campaign.region_id == "330203001000"


def test_visits_are_counted_by_township_beside_the_articles_figures(
    nanmen: dict[str, Any], caseworker_nanmen: Any, assistant_fuhu: Any
) -> None:
    campaign = actions.do_start_campaign(caseworker_nanmen, name="冬季排摸", rules=ALL)
    old = Target.objects.get(person__name="孙老太")
    actions.do_record_visit(
        assistant_fuhu, old, outcome="newly_covered", note="已纳入特困", visited_on=today()
    )
    actions.do_record_visit(
        assistant_fuhu,
        Target.objects.get(person__name="钱伟"),
        outcome="no_need",
        note="",
        visited_on=today(),
    )
    with pytest.raises(ValidationFailed, match="请选择走访结果"):
        actions.do_record_visit(assistant_fuhu, old, outcome="maybe", note="", visited_on=today())
    [row] = queries.progress_by_township(caseworker_nanmen, campaign)
    assert (row["name"], row["total"], row["visited"], row["newly_covered"], row["no_need"]) == (
        "南门街道",
        4,
        2,
        1,
        1,
    )
    figures = queries.article_figures(caseworker_nanmen, campaign)
    people = Person.objects.count()
    assert figures.population == people
    assert figures.expected_surveyed == round(11019 * people / 9404283)
    assert (figures.surveyed, figures.newly_covered) == (2, 1)


def test_the_pages_start_a_campaign_and_record_a_visit_on_the_phone_form(
    nanmen: dict[str, Any], caseworker_nanmen: Any, assistant_fuhu: Any, caseworker_xiaying: Any
) -> None:
    staff = Client()
    assert staff.login(username="caseworker_nanmen", password=PASSWORD)
    answer = staff.post("/outreach/", {"name": "冬季排摸", "rules": ALL})
    campaign_url = answer["Location"]
    assert "没有" not in staff.get(campaign_url).content.decode().split("progress")[0]
    bad = staff.post("/outreach/", {"name": "空排摸"})
    assert "请至少选择一类排摸对象" in bad.content.decode()
    assistant = Client()
    assert assistant.login(username="assistant_fuhu", password=PASSWORD)
    target = Target.objects.get(person__name="赵敏")
    assistant.post(
        f"/outreach/targets/{target.pk}/",
        {"visited_on": today().isoformat(), "outcome": "applied", "note": "已引导申请低保"},
    )
    target.refresh_from_db()
    assert target.outcome == "applied"
    page = assistant.get(campaign_url + "?mine=1").content.decode()
    assert "已引导申请" in page and "赵敏" in page
    names = frozenset({"caseworker_nanmen", "assistant_fuhu"})
    for url in ["/outreach/", campaign_url, f"/outreach/targets/{target.pk}/"]:
        assert leaks(visible_text(assistant.get(url).content.decode()), names) == [], url
    other = Client()
    assert other.login(username="caseworker_xiaying", password=PASSWORD)
    assert other.get(f"/outreach/targets/{target.pk}/").status_code == 404


def test_a_widow_is_alone_and_an_allowance_ended_at_death_is_no_exit(
    regions: None, caseworker_nanmen: Any, assistant_fuhu: Any
) -> None:
    """A late spouse does not keep an elderly widow company (独居老人), and a 高龄津贴 ended by its
    holder's death is not an exit from assistance (近期退出保障) for the household's head."""
    do_load_parameter_catalog()
    v = "330203001001"
    widow = _household(
        v,
        "福湖社区6号",
        [
            ("郑阿婆", "330203194102021220", "head", date(1941, 2, 2), ""),
            ("郑阿公", "330203193903031215", "spouse", date(1939, 3, 3), ""),
        ],
    )
    Person.objects.filter(name="郑阿公").update(date_of_death=date(2025, 6, 1))
    allowance = do_enrol(
        None,
        household=widow,
        person=Person.objects.get(name="郑阿公"),
        programme="gaoling",
        start=YearMonth(2024, 1),
        amount=Decimal("100"),
    )
    do_end_enrolment(None, allowance, last_paid_month=YearMonth.of(today()) - 2, reason="死亡")
    found = actions.pick_targets(caseworker_nanmen, ALL, today())
    names = {Person.objects.get(pk=pid).name: sorted(r) for pid, r in found.items()}
    assert names == {"郑阿婆": ["elderly_alone"]}
