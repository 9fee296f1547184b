"""Eligibility decisions: recorded with their facts and parameters so that each can be replayed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.assistance.eligibility import (
    facts_from_input,
    facts_to_json,
    household_facts,
    parse_household,
)
from minzheng.assistance.models import (
    EligibilityDecision,
)
from minzheng.assistance.queries import (
    parameter_set,
    replay_parameter_set,
)
from minzheng.assistance.rules import evaluate_household
from minzheng.core import audit
from minzheng.core.models import AuditEvent
from minzheng.registry.models import Household

# ── decisions ────────────────────────────────────────────────────────────────────────────────


def do_record_decision(
    actor: User | None, household: Household, as_of: date
) -> EligibilityDecision:
    """Evaluate a household and keep the facts, the decisions and every parameter version used."""
    if actor is not None:
        household = Household.objects.get_visible(actor, pk=household.pk)
    facts = household_facts(household, as_of)
    params = parameter_set(facts.region_code, as_of)
    decisions = evaluate_household(facts, params)
    # Every version in the set, not only those cited: the rules read the whole set up front.
    versions = sorted(p.version_id for p in params)
    dibao = decisions[0]
    with transaction.atomic():
        record = EligibilityDecision.objects.create(
            household=household,
            region_id=household.region_id,
            as_of=as_of,
            facts=facts_to_json(facts),
            decisions=[d.to_dict() for d in decisions],
            parameter_versions=versions,
            dibao_amount=dibao.monthly_amount if dibao.eligible else Decimal(0),
            summary=dibao.summary[:300],
            created_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "eligibility_decision",
            record.pk,
            summary=f"资格认定（{as_of}）：{dibao.summary}",
            after={"household": household.pk, "as_of": as_of, "versions": versions},
            person_id=household.head_id,
            region_code=household.region_id,
        )
    return record


def replay_decision(record: EligibilityDecision) -> list[dict[str, Any]]:
    """The stored facts decided again with exactly the parameter versions recorded."""
    data = parse_household(record.facts)
    facts = facts_from_input(data)
    params = replay_parameter_set(facts.region_code, facts.as_of, record.parameter_versions)
    return [d.to_dict() for d in evaluate_household(facts, params)]
