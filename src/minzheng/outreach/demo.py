"""Demo data for 大排摸: 海曙's county approver runs a campaign over 海曙 by every rule a month ago;
the first third of the targets are visited in the following weeks, each visit recorded by the
target's village assistant (else the township's caseworker) through the visit action, with outcomes
in the article's proportions (about one in ten newly covered). And 南门街道 runs its own winter
campaign, which reaches 福湖社区, so the village assistant's 大排摸 is not empty. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from minzheng.accounts.models import User
from minzheng.core import clock
from minzheng.outreach import actions
from minzheng.outreach.models import Campaign, Outcome, Reason, Target

# Of every 19 visits: 2 newly covered (≈ 1,159 / 11,019), 3 applied, 4 referred, 10 no need.
PATTERN = (
    [Outcome.NEWLY_COVERED] * 2
    + [Outcome.APPLIED] * 3
    + [Outcome.REFERRED] * 4
    + [Outcome.NO_NEED] * 10
)
#: The campaign started this many days ago; its visits spread over the following weeks.
STARTED_DAYS_AGO = 30
VISIT_SPREAD_DAYS = 21


def _visitor(target: Target) -> User:
    """The assistant the target was given to, else the township's caseworker (the demo's, or
    the history replay's account)."""
    from minzheng.registry.year import _caseworker

    return target.assigned_to or _caseworker(target.region_id)


def seed_demo() -> int:
    """海曙's campaign, 南门街道's (`seed_nanmen_campaign`, its own check), then one for each of
    `registry.demo.DEMO_COUNTIES` (`seed_county`); returns the number of 海曙's targets."""
    from minzheng.registry.demo import DEMO_COUNTIES

    made = _seed_haishu()
    seed_nanmen_campaign()
    for county in DEMO_COUNTIES:
        seed_county(county)
    return made


def _seed_haishu() -> int:
    """Returns the number of targets (0 when 海曙 already has its county-wide campaign)."""
    if Campaign.objects.filter(region_id="330203000000").exists():
        return 0
    approver = User.objects.filter(username="approver_haishu").first()
    if approver is None:
        return 0
    started = clock.today() - timedelta(days=STARTED_DAYS_AGO)
    with clock.dated(started):
        campaign = actions.do_start_campaign(
            approver, name=f"{started.year}年困难群众大排摸（海曙区）", rules=list(Reason.values)
        )
    targets = list(
        Target.objects.filter(campaign=campaign).select_related("assigned_to").order_by("id")
    )
    visited = [t for i, t in enumerate(targets) if i % 3 == 0]
    for i, t in enumerate(visited):
        day = started + timedelta(days=1 + i % VISIT_SPREAD_DAYS)
        with clock.dated(day):
            actions.do_record_visit(
                _visitor(t), t, outcome=PATTERN[i % len(PATTERN)], note="入户走访", visited_on=day
            )
    return len(targets)


NANMEN = "330203001000"  # 南门街道, the demo caseworker's township
FUHU = "330203001001"  # 福湖社区 in it, the demo village assistant's
NANMEN_CAMPAIGN = "2026年冬季困难群众大排摸（南门街道）"
#: What 福湖社区's assistant found, by the first reason the target was picked for.
FUHU_VISITS: dict[str, tuple[str, str]] = {
    Reason.SEVERE_DISABILITY: (
        Outcome.REFERRED,
        "转介区残联申办重度残疾人护理补贴；家庭收入待核，告知可按单人户申请低保",
    ),
    Reason.ELDERLY_ALONE: (Outcome.REFERRED, "转介社区居家养老服务站，每周上门探访"),
    Reason.DIBIAN: (Outcome.APPLIED, "已协助提交低保申请材料"),
    Reason.HIGH_MEDICAL: (Outcome.APPLIED, "已协助申请医疗救助"),
    Reason.RECENT_EXIT: (Outcome.NO_NEED, "入户核实：退出保障后家庭收入稳定，暂无救助需求"),
}


def seed_nanmen_campaign() -> int:
    """南门街道's caseworker starts the township's winter campaign by every rule three weeks
    ago, and 福湖社区's assistant visits the village's targets the week after. When no 福湖社区
    resident is one a rule picks (the demo city's elderly live with a spouse, its 低保 families
    are covered already), first — as the village assistant keeps the register current — 残联's
    report of a working-age resident's 二级肢体残疾 is recorded on him. Returns 福湖社区's
    targets; idempotent: nothing when 南门街道 has a campaign."""
    if Campaign.objects.filter(region_id=NANMEN).exists():
        return 0
    caseworker = User.objects.filter(username="caseworker_nanmen").first()
    assistant = User.objects.filter(role="village_assistant", region_id=FUHU).first()
    if caseworker is None or assistant is None:
        return 0
    started = clock.today() - timedelta(days=STARTED_DAYS_AGO - 9)
    with clock.dated(started - timedelta(days=2)):
        if not _fuhu_targets(caseworker):
            _record_reported_disability(assistant)
    with clock.dated(started):
        campaign = actions.do_start_campaign(
            caseworker, name=NANMEN_CAMPAIGN, rules=list(Reason.values)
        )
    fuhu = list(Target.objects.filter(campaign=campaign, region_id=FUHU).order_by("id"))
    for n, target in enumerate(fuhu):
        outcome, note = FUHU_VISITS[target.reasons[0]]
        day = started + timedelta(days=5 + n)
        with clock.dated(day):
            actions.do_record_visit(assistant, target, outcome=outcome, note=note, visited_on=day)
    return len(fuhu)


def _fuhu_targets(caseworker: User) -> list[int]:
    from minzheng.registry.models import Person

    found = actions.pick_targets(caseworker, list(Reason.values), clock.today())
    return list(Person.objects.filter(pk__in=found, region_id=FUHU).values_list("pk", flat=True))


def _record_reported_disability(assistant: User) -> None:
    """The first working-age 福湖社区 resident outside a 低保 or 特困 family, with no disability
    recorded, is recorded with the 二级肢体残疾 残联 reported."""
    from datetime import date

    from minzheng.assistance.models import OPEN_STATUSES, Enrolment
    from minzheng.registry.actions import do_update_person
    from minzheng.registry.models import Person

    today = clock.today()
    covered = Enrolment.objects.filter(
        status__in=OPEN_STATUSES, programme__in=actions.COVERED
    ).values("household_id")
    person = (
        Person.objects.filter(
            region_id=FUHU,
            date_of_death__isnull=True,
            disability_grade__isnull=True,
            birth_date__gt=date(today.year - 60, 1, 1),
            birth_date__lte=date(today.year - 18, 1, 1),
        )
        .exclude(memberships__household_id__in=covered)
        .order_by("pk")
        .first()
    )
    if person is not None:
        do_update_person(
            assistant, person.pk, {"disability_category": "physical", "disability_grade": 2}
        )


def seed_county(county_code: str, *, visits: int = len(PATTERN)) -> int:
    """A campaign over a demo county (鄞州) started by its approver three weeks ago, its first
    `visits` targets visited since by their townships' caseworkers (the replay's accounts) with
    `PATTERN`'s outcomes. Returns the number of targets; 0 when the county has a campaign."""
    from datetime import timedelta

    from minzheng.core.regioncode import RegionCode
    from minzheng.regions.models import Region
    from minzheng.registry.year import _caseworker

    if Campaign.objects.unscoped_within(RegionCode.of(county_code)).exists():
        return 0
    from minzheng.registry.demo import county_approver

    approver = county_approver(county_code)
    if approver is None:
        return 0
    county = Region.objects.get(pk=county_code)
    today = clock.today()
    started = today - timedelta(days=21)
    with clock.dated(started):
        campaign = actions.do_start_campaign(
            approver,
            name=f"{started.year}年困难群众大排摸（{county.name}）",
            rules=list(Reason.values),
        )
    targets = list(Target.objects.filter(campaign=campaign).order_by("id"))
    for n, target in enumerate(targets[:visits]):
        visited_on = today - timedelta(days=20 - n % 18)
        with clock.dated(visited_on):
            actions.do_record_visit(
                _caseworker(target.region_id),
                target,
                outcome=PATTERN[n % len(PATTERN)],
                note="入户走访",
                visited_on=visited_on,
            )
    return len(targets)
