"""The demo's legacy import (issue #14: 迁移金额核对 shows real rows on first login): the city
administrator imports the former system's export; the amounts the rules dispute wait for, or have
been decided by, the county approvers — visible to each demo role through the page's own query."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.adoption import demo
from minzheng.adoption.models import LegacyPayment, MigrationBatch, MigrationReview
from minzheng.assistance.actions import do_load_parameter_catalog
from minzheng.assistance.models import Enrolment, EnrolmentAmount
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.demo import ensure_demo_staff
from minzheng.registry.models import Household, Membership, Person
from tests.conftest import _household

pytestmark = pytest.mark.django_db

# login → (open, kept, adopted) reviews in its scope
EXPECTED: dict[str, tuple[int, int, int]] = {
    "city_admin": (3, 2, 2),
    "approver_haishu": (2, 1, 1),  # 福湖社区's two open, its kept one, 福湾社区's adopted one
    "approver_yinzhou": (1, 1, 1),
    "caseworker_nanmen": (2, 1, 0),  # 南门街道: 福湖社区's
    "assistant_fuhu": (2, 1, 0),
}


def _seeded() -> int:
    do_load_parameter_catalog(None)
    ensure_demo_staff()
    return demo.seed_demo()


def test_each_role_finds_reviews_through_the_pages_query_and_a_second_run_adds_nothing(
    regions: None,
) -> None:
    assert _seeded() == len(demo.DIFFERING) == 7
    for username, (waiting, kept, adopted) in EXPECTED.items():
        user = User.objects.get(username=username)
        visible = MigrationReview.objects.visible_to(user)  # as views.reviews reads them
        assert (
            visible.filter(status="open").count(),
            visible.filter(status="kept").count(),
            visible.filter(status="adopted").count(),
        ) == (waiting, kept, adopted), username
        client = Client()
        client.force_login(user)
        page = client.get("/adoption/reviews/").content.decode()
        assert f"共 {waiting} 条" in page and "低保" in page and "没有记录" not in page

    batch = MigrationBatch.objects.get(mode="import")
    assert batch.made_by == User.objects.get(username="city_admin")
    assert batch.report["errors"] == []
    assert batch.report["written"]["households"] == 24
    assert MigrationBatch.objects.filter(mode="dry_run").count() == 1
    # Mostly matching: only the seven planted differences are queued, none of the 17 others.
    assert Enrolment.objects.filter(decision__batch=batch.pk).count() == 24
    assert MigrationReview.objects.count() == 7
    assert LegacyPayment.objects.filter(status="paid").count() == 24 * 3 - 1
    ineligible = MigrationReview.objects.filter(rule_eligible=False)
    assert ineligible.count() == 2 and all(r.rule_amount == 0 for r in ineligible)
    # The rules' amount adopted from next month, by the county approver; the old amount until then.
    next_month = (YearMonth.of(timezone.localdate()) + 1).first_day()
    for review in MigrationReview.objects.filter(status="adopted"):
        assert review.decided_by is not None and review.decided_by.role == "county_approver"
        assert review.decided_by.region_id[:6] == review.region_id[:6]
        amounts = dict(
            EnrolmentAmount.objects.filter(enrolment=review.enrolment).values_list(
                "effective_month", "amount"
            )
        )
        assert amounts[next_month] == review.rule_amount
        assert review.imported_amount in amounts.values()
        assert review.rule_amount != review.imported_amount
    assert AuditEvent.objects.filter(object_type="migration_batch").count() == 2
    assert AuditEvent.objects.filter(object_type="migration_review").count() == 4

    counts = (
        MigrationBatch.objects.count(),
        AuditEvent.objects.count(),
        Household.objects.count(),
        Person.objects.count(),
        EnrolmentAmount.objects.count(),
    )
    assert demo.seed_demo() == 0
    assert (
        MigrationBatch.objects.count(),
        AuditEvent.objects.count(),
        Household.objects.count(),
        Person.objects.count(),
        EnrolmentAmount.objects.count(),
    ) == counts


def test_a_registry_person_is_never_taken_into_an_imported_household(regions: None) -> None:
    do_load_parameter_catalog(None)
    first = demo._households()[0].members[0]
    registered = _household(
        demo.FUHU,
        "海曙区南门街道福湖社区柳汀街1号",
        [(first.name, first.id_number, "head", first.born, "")],
    ).head
    assert _seeded() == 7
    assert Membership.objects.filter(person=registered).count() == 1
    assert not Enrolment.objects.filter(household__memberships__person=registered).exists()
    namesake = Person.objects.exclude(pk=registered.pk).get(name=first.name)
    assert namesake.id_number_plain() != first.id_number
    assert Enrolment.objects.filter(household__memberships__person=namesake).count() == 1
