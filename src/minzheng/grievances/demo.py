"""Demo data for grievances: in 海曙 and 鄞州, a portal complaint already answered, an overdue one
escalated, a 12345 transfer, a 骗保 report that opened a review, and an appeal with its outcome.
In 海曙 they come from 福湖社区's 低保 families, so the village assistant and the 南门街道 caseworker
find them too. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from minzheng.accounts.models import User
from minzheng.core import clock
from minzheng.grievances import actions
from minzheng.grievances.models import Appeal, Grievance
from minzheng.registry.models import Household, IdentityTag, Person

# 福湖社区 first (the demo's village assistant), then the rest of the county; and 鄞州.
PLACES = (("330203001001", "330203"), ("330212", "330212"))


def _people(village: str, county: str) -> list[Person]:
    """Three 低保 recipients: the village's enrolled families' heads (the demo village's 低保 is
    enrolled by the demo's own actions, without the synthetic city's tags), then tagged ones."""
    found: list[Person] = []
    for prefix in (village, county):
        heads = Household.objects.filter(
            region__code__startswith=prefix,
            head__isnull=False,
            enrolments__programme="dibao",
            enrolments__status="active",
        ).select_related("head", "head__region")
        for household in heads.distinct().order_by("pk")[:3]:
            if household.head is not None and household.head not in found:
                found.append(household.head)
        tags = IdentityTag.objects.filter(
            tag="dibao", valid_to__isnull=True, region__code__startswith=prefix
        ).select_related("person", "person__region")[:3]
        found += [t.person for t in tags if t.person not in found]
    return found[:3]


def seed_demo() -> int:
    """Returns the number of grievances made (0 when the demo already has them)."""
    if Grievance.objects.exists():
        return 0
    made = 0
    today = clock.today()
    for village, county in PLACES:
        people = _people(village, county)
        handler = User.objects.filter(
            region__code__startswith=county, role="county_approver"
        ).first()
        if len(people) < 3 or handler is None:
            continue
        a, b, c = people
        # Both letters arrived 40 days ago: received through the action on that day.
        with clock.dated(today - timedelta(days=40)):
            old = actions.do_receive(
                None,
                kind="complaint",
                channel="portal",
                category="payment",
                content="上月低保金比以前少了，没有人告诉我原因。",
                region=a.region,
                complainant=a,
            )
            actions.do_receive(  # the letter nobody answers: escalated as overdue
                None,
                kind="complaint",
                channel="letter",
                category="conduct",
                content="村里协理员入户调查时态度生硬，希望改进。",
                region=b.region,
                complainant=b,
            )
        actions.do_reply(
            handler,
            old,
            text="经核查，您家庭成员就业后收入增加，保障金按规定调整，已由协理员上门说明。",
        )
        actions.do_escalate_overdue(None, today)
        actions.do_receive(
            None,
            kind="request",
            channel="transfer_12345",
            category="service",
            content="家中老人住院，询问临时救助如何申请。",
            region=c.region,
            complainant_name=c.name,
            phone="13805740000",
            external_ref=f"NB12345-{today:%Y%m%d}-{county}",
        )
        actions.do_receive(
            None,
            kind="fraud",
            channel="hotline",
            category="eligibility",
            content="举报该户家中有人经营店铺，收入未申报。",
            region=c.region,
            subject_person=c,
            complainant_name="匿名群众",
        )
        appeal = actions.do_record_appeal(
            handler,
            kind=Appeal.Kind.RECONSIDERATION,
            person=b,
            decision="不予纳入低保边缘决定",
            body="区人民政府",
            filed_on=today - timedelta(days=30),
        )
        actions.do_record_appeal_outcome(
            handler, appeal, outcome=Appeal.Outcome.UPHELD, decided_on=today - timedelta(days=5)
        )
        made += 4
    return made
