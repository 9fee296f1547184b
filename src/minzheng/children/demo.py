"""Demo data for children's welfare: in 福湖社区 (the village assistant's) and in 鄞州, a family's
two parents are reported dead, the registry comparison opens their children's cases, one child is
walked through application, review and approval (paid from next month), another waits for the
county; each village with a case has a 儿童主任 and a first visit, appointed and recorded by the township's
caseworker through the actions on their days. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef

from minzheng.accounts.models import User
from minzheng.assistance.models import Enrolment
from minzheng.children import actions
from minzheng.children.models import ChildCase, ChildDirector, ChildVisit
from minzheng.core import clock
from minzheng.core.regioncode import county_of
from minzheng.registry.actions import do_record_death
from minzheng.registry.models import Membership
from minzheng.registry.year import _caseworker

# village, its 儿童主任, how far the demo walks the case there
VILLAGES = (("330203001001", "王芳", "enrolled"), ("330212", "陈丽", "reviewed"))


def _orphan_family(region_prefix: str) -> Membership | None:
    """A child under 16 living with both parents, in a household with no enrolment."""
    today = clock.today()
    enrolled = Enrolment.objects.filter(household_id=OuterRef("household_id"))
    return (
        Membership.objects.filter(
            valid_to__isnull=True,
            relationship="child",
            household__region__code__startswith=region_prefix,
            person__birth_date__gt=today.replace(year=today.year - 16),
            person__date_of_death__isnull=True,
        )
        .exclude(Exists(enrolled))
        .select_related("person", "household")
        .order_by("household_id")
        .first()
    )


def seed_demo() -> int:
    """Returns the number of cases opened (0 when the demo already has them)."""
    if ChildCase.objects.exists():
        return 0
    today = clock.today()
    city = User.objects.filter(role="city_admin").first()
    approver = {county_of(u.region_id): u for u in User.objects.filter(role="county_approver")}
    for prefix, _, _ in VILLAGES:
        found = _orphan_family(prefix)
        if found is None:
            continue
        parents = Membership.objects.filter(
            household_id=found.household_id,
            valid_to__isnull=True,
            relationship__in=("head", "spouse"),
        ).select_related("person")
        for p in parents:
            do_record_death(None, p.person, today - timedelta(days=400), source="公安")
    if city is None:
        return 0
    opened = actions.do_identify_children(None, city)
    for prefix, director, walk in VILLAGES:
        case = (
            ChildCase.objects.filter(region__code__startswith=prefix, father_situation="dead")
            .filter(mother_situation="dead")
            .first()
        )
        if case is None:
            continue
        caseworker = _caseworker(case.region_id)  # the township's: directors and visits are its
        if not ChildDirector.objects.filter(region_id=case.region_id).exists():
            appointed = today - timedelta(days=700)
            with clock.dated(appointed):
                actions.do_appoint_director(
                    caseworker, region_code=case.region_id, name=director, appointed_on=appointed
                )
        case = actions.do_apply(None, case, guardian_name="张桂芳", guardian_relation="祖母")
        case = actions.do_review(None, case, approve=True)
        if walk == "enrolled":
            case = actions.do_decide(approver.get(prefix[:6]), case, approve=True)
        visited = today - timedelta(days=120)
        with clock.dated(visited):
            actions.do_record_visit(
                caseworker,
                case,
                visited_on=visited,
                finding=ChildVisit.Finding.WELL,
                note="祖母照料，按时上学，生活费用于日常开支",
            )
    from minzheng.registry.demo import DEMO_COUNTIES

    for county_code in DEMO_COUNTIES:
        seed_county_visits_due(county_code)
    return opened


def seed_county_visits_due(county_code: str) -> int:
    """儿童待走访 for a demo county (鄞州): a child of the county the registry comparison found
    (a case 待申请, the village's busiest first, else another of the county) is applied for by the
    grandmother, reviewed by the township's caseworker and enrolled by the county approver on the
    platform's day (the demo runs this seed on the first day of its replayed months, so the
    replayed rolls pay the allowance); no visit has been recorded since, so the child is due one.
    Returns the cases enrolled: 0 when the county has an enrolled child already."""
    from minzheng.core.regioncode import RegionCode
    from minzheng.registry.demo import county_approver, county_village

    unit = RegionCode.of(county_code)
    if ChildCase.objects.unscoped_within(unit).filter(status=ChildCase.Status.ENROLLED).exists():
        return 0
    approver = county_approver(county_code)
    village = county_village(county_code)
    if approver is None or village is None:
        return 0
    waiting = ChildCase.objects.unscoped_within(unit).filter(status=ChildCase.Status.IDENTIFIED)
    case = (
        waiting.filter(region_id=village.code).order_by("id").first()
        or waiting.order_by("region_id", "id").first()
    )
    if case is None:
        return 0
    caseworker = _caseworker(case.region_id)
    today = clock.today()
    if not ChildDirector.objects.filter(region_id=case.region_id).exists():
        appointed = today - timedelta(days=500)
        with clock.dated(appointed):
            actions.do_appoint_director(
                caseworker, region_code=case.region_id, name="陈丽", appointed_on=appointed
            )
    case = actions.do_apply(None, case, guardian_name="李秀珍", guardian_relation="祖母")
    case = actions.do_review(caseworker, case, approve=True)
    actions.do_decide(approver, case, approve=True)
    return 1
