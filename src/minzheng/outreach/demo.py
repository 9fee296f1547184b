"""Demo data for 大排摸: 海曙's county approver runs a campaign over 海曙 by every rule; the first
third of the targets are visited with outcomes in the article's proportions (about one in ten newly
covered). Idempotent."""

from __future__ import annotations

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


def seed_demo() -> int:
    """海曙's campaign, then one for each of `registry.demo.DEMO_COUNTIES` (`seed_county`);
    returns the number of 海曙's targets."""
    from minzheng.registry.demo import DEMO_COUNTIES

    made = _seed_haishu()
    for county in DEMO_COUNTIES:
        seed_county(county)
    return made


def _seed_haishu() -> int:
    """Returns the number of targets (0 when the demo already has a campaign)."""
    if Campaign.objects.exists():
        return 0
    approver = User.objects.filter(username="approver_haishu").first()
    if approver is None:
        return 0
    campaign = actions.do_start_campaign(
        approver, name="2020年困难群众大排摸（海曙区）", rules=list(Reason.values)
    )
    targets = list(Target.objects.filter(campaign=campaign).order_by("id"))
    today = clock.today()
    visited = [t for i, t in enumerate(targets) if i % 3 == 0]
    for i, t in enumerate(visited):
        t.outcome, t.visited_on, t.note = PATTERN[i % len(PATTERN)], today, "入户走访"
    Target.objects.bulk_update(visited, ["outcome", "visited_on", "note"], batch_size=1000)
    return len(targets)


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
    approver = (
        User.objects.filter(role="county_approver", region_id=county_code, is_active=True)
        .order_by("id")
        .first()
    )
    if approver is None:
        return 0
    county = Region.objects.get(pk=county_code)
    today = clock.today()
    with clock.dated(today - timedelta(days=21)):
        campaign = actions.do_start_campaign(
            approver, name=f"2020年困难群众大排摸（{county.name}）", rules=list(Reason.values)
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
