"""Reads for 大排摸: campaigns, targets, progress by township and the article's two figures scaled
to the synthetic city."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import Substr

from minzheng.accounts.scope import ScopedActor
from minzheng.assistance.queries import parameter_set
from minzheng.core import clock
from minzheng.core.regioncode import county_of
from minzheng.outreach.models import Campaign, CampaignQuerySet, Target, TargetQuerySet
from minzheng.regions.models import Region
from minzheng.registry.models import Person


def campaigns_visible(actor: ScopedActor) -> CampaignQuerySet:
    """Campaigns over the actor's region, and those with targets in it (a village assistant sees
    the township's campaign through the households it gave them)."""
    inside = Campaign.objects.visible_to(actor).values("pk")
    touching = Target.objects.visible_to(actor).values("campaign_id")
    return Campaign.objects.filter(Q(pk__in=inside) | Q(pk__in=touching)).select_related("region")


def targets_visible(actor: ScopedActor) -> TargetQuerySet:
    return Target.objects.visible_to(actor).select_related("person", "region", "assigned_to")


def progress_by_township(actor: ScopedActor, campaign: Campaign) -> list[dict[str, object]]:
    rows = (
        Target.objects.visible_to(actor)
        .filter(campaign=campaign)
        .annotate(township=Substr("region_id", 1, 9))
        .values("township")
        .annotate(
            total=Count("id"),
            visited=Count("id", filter=~Q(outcome="")),
            no_need=Count("id", filter=Q(outcome="no_need")),
            referred=Count("id", filter=Q(outcome="referred")),
            applied=Count("id", filter=Q(outcome="applied")),
            newly_covered=Count("id", filter=Q(outcome="newly_covered")),
        )
        .order_by("township")
    )
    names = dict(
        Region.objects.filter(code__in=[f"{r['township']}000" for r in rows]).values_list(
            "code", "name"
        )
    )
    return [{**r, "name": names.get(f"{r['township']}000", "其他")} for r in rows]


@dataclass(frozen=True)
class ArticleFigures:
    population: int
    city_population: int
    expected_surveyed: int
    expected_newly_covered: int
    surveyed: int
    newly_covered: int
    versions: tuple[str, ...]


def article_figures(actor: ScopedActor, campaign: Campaign) -> ArticleFigures:
    """The article's 11,019 surveyed and 1,159 newly covered, scaled by the synthetic city's share
    of Ningbo's census population, beside what this campaign counted."""
    params = parameter_set(county_of(campaign.region_id), clock.today())
    surveyed, v1 = params.integer("outreach.article_surveyed")
    covered, v2 = params.integer("outreach.article_newly_covered")
    city, v3 = params.integer("outreach.city_population")
    population = Person.objects.filter(date_of_death__isnull=True).count()
    share = Decimal(population) / Decimal(city)

    def scaled(n: int) -> int:
        return int((Decimal(n) * share).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    done = Target.objects.visible_to(actor).filter(campaign=campaign)
    return ArticleFigures(
        population,
        city,
        scaled(surveyed),
        scaled(covered),
        done.exclude(outcome="").count(),
        done.filter(outcome="newly_covered").count(),
        (v1.version_id, v2.version_id, v3.version_id),
    )
