"""The chunked city seed: a killed run resumes without duplicates; rows follow from the seed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from minzheng.registry.city_seed import CHUNK_OBJECT_TYPE, Chunk, chunk_data, plan, seed_city

PERSONS = 3_000
CHUNK = 200  # several chunks per county


class Killed(Exception):
    pass


def _kill_at(index: int) -> Any:
    def interrupt(chunk: Chunk) -> None:
        if chunk.index == index:
            raise Killed

    return interrupt


def test_the_plan_splits_counties_in_census_proportion_and_large_ones_in_parts() -> None:
    chunks = plan(9_404_283, 600_000)
    assert sum(c.persons for c in chunks) == 9_404_283
    yinzhou = [c for c in chunks if c.county == "330212"]
    assert [c.persons for c in yinzhou] == [536_519, 536_518, 536_518]  # 1,609,555 in 3 parts
    assert [c.slots for c in yinzhou] == [(0, 166), (166, 167), (333, 167)]
    assert sum(c.wanted["dibao"] for c in chunks) == 59_337
    assert sum(c.wanted["gradual_exit"] for c in chunks) == 1_906


def test_a_killed_seed_resumes_and_writes_each_person_once(regions: Any) -> None:
    from minzheng.assistance.models import Enrolment, IncomeRecord
    from minzheng.core.models import AuditEvent
    from minzheng.registry.models import IdentityTag, Person

    chunks = plan(PERSONS, CHUNK)
    assert len(chunks) > 10
    with pytest.raises(Killed):
        seed_city("test", 9, persons=PERSONS, chunk_persons=CHUNK, interrupt=_kill_at(4))
    assert AuditEvent.objects.filter(object_type=CHUNK_OBJECT_TYPE).count() == 4
    written = sum(c.persons for c in chunks[:4])
    assert Person.objects.count() == written  # the killed chunk left nothing

    report = seed_city("test", 9, persons=PERSONS, chunk_persons=CHUNK)
    assert report.chunks_written == len(chunks) - 4
    assert Person.objects.count() == report.persons == PERSONS
    assert Person.objects.values("id_number_index").distinct().count() == PERSONS

    # The rows are the ones the generator gives for each chunk, in chunk order.
    from minzheng.registry.city_seed import _parameters

    params = _parameters()
    names: list[str] = []
    incomes = 0
    for chunk in chunks:
        data, facts, _result = chunk_data(9, chunk, params)
        names += data.name.tolist()
        incomes += int((facts.income_kind != "").sum())
    assert list(Person.objects.order_by("id").values_list("name", flat=True)) == names
    assert IncomeRecord.objects.count() == incomes
    assert IdentityTag.objects.count() == sum(report.tags.values())
    assert Enrolment.objects.filter(programme="dibao").exists()

    events = AuditEvent.objects.count()
    again = seed_city("test", 9, persons=PERSONS, chunk_persons=CHUNK)
    assert again.already_seeded and again.persons == PERSONS
    assert AuditEvent.objects.count() == events


def test_the_same_seed_gives_the_same_chunk_and_another_seed_does_not(regions: Any) -> None:
    from minzheng.registry.city_seed import _parameters

    params = _parameters()
    chunk = plan(20_000, 5_000)[0]
    first, second, other = (chunk_data(s, chunk, params) for s in (4, 4, 5))
    assert first[0].id_number.tolist() == second[0].id_number.tolist()
    assert np.array_equal(first[1].income_yuan, second[1].income_yuan)
    assert np.array_equal(first[1].money_yuan, second[1].money_yuan)
    assert np.array_equal(first[2].dibao_amount_fen, second[2].dibao_amount_fen)
    assert first[0].id_number.tolist() != other[0].id_number.tolist()


def test_seeding_a_registry_it_did_not_write_is_refused(regions: Any) -> None:
    from minzheng.registry.seed import SeedRefused

    seed_city("test", 9, persons=400, chunk_persons=CHUNK)
    with pytest.raises(
        SeedRefused, match="人员库已有 400 人，且不是用同一规模和种子生成的：演示数据只能写入空库"
    ):
        seed_city("test", 10, persons=400, chunk_persons=CHUNK)


def test_the_rules_over_the_written_rows_agree_with_the_enrolments(regions: Any) -> None:
    """`evaluate --all`'s gather reads the fact rows the seed wrote and decides the same."""
    from minzheng.assistance import columnar
    from minzheng.assistance.models import Enrolment
    from minzheng.assistance.queries import parameter_sets
    from minzheng.registry import economy

    report = seed_city("test", 3, persons=20_000, chunk_persons=5_000)
    gathered = columnar.gather(("0" * 12, "9" * 12), economy.DECISION_DAY)
    result = columnar.evaluate_gathered(
        gathered, parameter_sets(gathered.households.regions, economy.DECISION_DAY)
    )
    totals = columnar.totals(result)
    household_dibao = Enrolment.objects.filter(
        programme="dibao", person__isnull=True, status="active"
    ).count()
    # 渐退 needs the rise in income that gather does not read yet; everything else agrees.
    assert totals["dibao"] == household_dibao
    assert totals["single_person"] == report.decided["single_person"]
    assert totals["tekun"] == Enrolment.objects.filter(programme="tekun").count()
    assert totals["tekun_amount_fen"] == report.decided["tekun_monthly_fen"]
    # 低边 households are enrolled as the approval step enrols them: per household, no amount.
    # gather judges the 渐退 households (it does not see their rise in income) 低边 instead.
    dibian = Enrolment.objects.filter(programme="dibian")
    judged = gathered.household_ids[result.dibian_eligible & ~result.tekun_eligible].tolist()
    gradual = Enrolment.objects.filter(status="gradual_exit").values_list("household_id", flat=True)
    enrolled = set(dibian.values_list("household_id", flat=True))
    assert len(enrolled) == dibian.count() > 20
    assert enrolled == set(judged) - set(gradual)
    assert not dibian.filter(person__isnull=False).exists()
    assert {str(a) for e in dibian for a in e.amounts.values_list("amount", flat=True)} == {"0.00"}


def _secondary_indexes() -> set[str]:
    from django.db import connection

    from minzheng.registry.city_seed import SEEDED_TABLES

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT LIKE '%%_pkey' UNION ALL SELECT conname FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s) AND contype = 'f'",
            [list(SEEDED_TABLES), list(SEEDED_TABLES)],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_deferred_indexes_are_dropped_for_the_load_and_rebuilt_after_an_interruption() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("indexes are deferred on PostgreSQL only")
    from minzheng.core.models import AuditEvent
    from minzheng.registry.city_seed import DEFERRED_OBJECT_TYPE
    from minzheng.registry.models import Person

    before = _secondary_indexes()
    assert "registry_person_id_number_index_key" in before
    assert "registry_household_address_trgm" in before
    with pytest.raises(Killed):
        seed_city(
            "test",
            9,
            persons=PERSONS,
            chunk_persons=CHUNK,
            interrupt=_kill_at(3),
            defer_indexes=True,
        )
    assert _secondary_indexes() == set()  # dropped, and how to rebuild them is recorded
    restore = AuditEvent.objects.get(object_type=DEFERRED_OBJECT_TYPE).after["restore"]
    assert {r[1] for r in restore} == before

    report = seed_city(
        "test", 9, persons=PERSONS, chunk_persons=CHUNK, defer_indexes=True, writers=2
    )
    assert report.chunks_written == len(plan(PERSONS, CHUNK)) - 3
    assert _secondary_indexes() == before
    assert Person.objects.count() == PERSONS
    assert Person.objects.values("id_number_index").distinct().count() == PERSONS
