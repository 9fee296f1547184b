"""Writing the synthetic city: chunk by chunk, resumable, its assistance decided by the rules.

The city is cut into chunks — a county, or a part of a large one — each generated from its own
seed (`generate(..., county=...)`), given economic facts (`economy.draw_facts`), decided by the
batch rules (`economy.evaluate`), and written in one transaction that ends with a chunk marker in
the audit trail. A restarted seed skips the chunks with a marker; an interrupted chunk left
nothing behind, so the rows come out the same (ciphertexts aside: their nonces are random).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from minzheng.registry import economy
from minzheng.registry.economy import EconomicFacts, Tally
from minzheng.registry.seed import (
    COUNTY_RESIDENTS,
    MEMBERSHIPS_FROM,
    SCALES,
    SEED_OBJECT_TYPE,
    SEQUENCES,
    TAG_SOURCE,
    IntArray,
    SeedRefused,
    SyntheticRegistry,
    _insert,
    _iso_days,
    _next_id,
    _reset_sequence,
    _timestamp,
    generate,
    seal_many,
)

CHUNK_OBJECT_TYPE = "registry_seed_chunk"
CITY = "330200"
# Persons per chunk: bounds the memory of one chunk (≈ 1.5 GB at 600,000, measured in
# docs/synthetic_city.md) while keeping the number of transactions small.
CHUNK_PERSONS = 600_000
FACTS_FROM = date(2020, 1, 1)  # illustrative: when the economic facts were verified
ADL_ASSESSED_ON = date(2020, 6, 15)  # illustrative
ENROLLED_FROM_MONTHS = (2015 * 12, 2020 * 12 + 10)  # illustrative first months, 2015-01 … 2020-11
ADL_ITEMS = ("eating", "dressing", "transfer", "toileting", "walking_indoors", "bathing")
SUPPORTER_GIVEN = ("建军", "海燕", "立波", "丽娟", "志强", "晓燕", "国栋", "春燕")  # illustrative


@dataclass(frozen=True)
class Chunk:
    index: int
    county: str  # "" for the whole city in one chunk
    part: int
    parts: int
    persons: int
    wanted: dict[str, int]  # the article's counts allotted to this chunk

    def key(self, scale: str, seed: int) -> str:
        return f"{scale}:{seed}:{self.county or 'city'}:{self.part}"

    @property
    def slots(self) -> tuple[int, int]:
        first = self.part * SEQUENCES // self.parts
        return first, (self.part + 1) * SEQUENCES // self.parts - first

    def seed(self, seed: int) -> list[int]:
        return [seed, int(self.county or 0), self.part]


def _allot(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to `weights`, largest remainders first (sums exactly)."""
    whole = sum(weights)
    if whole == 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    shares = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def plan(persons: int, chunk_persons: int = CHUNK_PERSONS) -> list[Chunk]:
    """The chunks of a city of `persons`: the whole city in one chunk when it fits, else
    counties in census proportion, large ones in parts."""
    if persons <= chunk_persons:
        return [Chunk(0, "", 0, 1, persons, economy.targets(persons))]
    counties = sorted(COUNTY_RESIDENTS)
    per_county = _allot(persons, [COUNTY_RESIDENTS[c] for c in counties])
    pieces: list[tuple[str, int, int, int]] = []
    for county, n in zip(counties, per_county, strict=True):
        if n == 0:
            continue
        parts = max(1, math.ceil(n / chunk_persons))
        for part, size in enumerate(_allot(n, [1] * parts)):
            pieces.append((county, part, parts, size))
    wanted = economy.targets(persons)
    allotted = {k: _allot(v, [p[3] for p in pieces]) for k, v in wanted.items()}
    return [
        Chunk(i, county, part, parts, size, {k: allotted[k][i] for k in wanted})
        for i, (county, part, parts, size) in enumerate(pieces)
    ]


@dataclass
class CitySeedReport:
    scale: str
    seed: int
    persons: int = 0
    households: int = 0
    memberships: int = 0
    chunks: int = 0
    chunks_written: int = 0
    tags: dict[str, int] = field(default_factory=dict)
    decided: dict[str, int] = field(default_factory=dict)
    already_seeded: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "seed": self.seed,
            "persons": self.persons,
            "households": self.households,
            "memberships": self.memberships,
            "chunks": self.chunks,
            "chunks_written": self.chunks_written,
            "tags": self.tags,
            "decided": self.decided,
            "versus_article": economy.compare(_tally_of(self.decided), self.persons)
            if self.decided
            else {},
            "already_seeded": self.already_seeded,
        }


def _tally_of(values: dict[str, int]) -> Tally:
    return Tally(**values)


def seed_city(
    scale: str,
    seed: int,
    *,
    persons: int | None = None,
    progress: Callable[[str], None] | None = None,
    chunk_persons: int = CHUNK_PERSONS,
    interrupt: Callable[[Chunk], None] | None = None,
    bar: bool = False,
) -> CitySeedReport:
    """Write the synthetic city; resume an interrupted run; refuse a registry it did not write.

    `interrupt` is called inside each chunk's transaction before its marker (tests simulate a kill
    with it: the exception rolls the chunk back).
    """
    from django.db import connection
    from tqdm import tqdm

    from minzheng.core.models import AuditEvent
    from minzheng.registry.models import Person

    size = persons if persons is not None else SCALES[scale]
    say = progress or (lambda _message: None)
    chunks = plan(size, chunk_persons)
    prefix = f"{scale}:{seed}:"
    finished = AuditEvent.objects.filter(
        object_type=SEED_OBJECT_TYPE, object_id=f"{scale}:{seed}"
    ).first()
    if finished is not None and isinstance(finished.after, dict):
        return _report_from(finished.after, already=True)
    markers = {
        e.object_id: e.after
        for e in AuditEvent.objects.filter(object_type=CHUNK_OBJECT_TYPE)
        if isinstance(e.after, dict)
    }
    foreign = [k for k in markers if not k.startswith(prefix)]
    existing = Person.objects.count()
    if foreign or (existing and not markers):
        raise SeedRefused(
            f"人员库已有 {existing} 人，且不是用同一规模和种子生成的：演示数据只能写入空库",
            code="registry_not_empty",
        )
    from minzheng.regions.loader import load_divisions
    from minzheng.regions.models import Region

    if not Region.objects.exists():
        load_divisions()  # the villages every chunk lives in
    params = _parameters()
    report = CitySeedReport(scale, seed, chunks=len(chunks))
    total = Tally(0, 0, 0, 0, 0, 0, 0, 0)
    with tqdm(total=size, unit="人", disable=not bar, file=sys.stderr, desc="生成") as progress_bar:
        for chunk in chunks:
            done = markers.get(chunk.key(scale, seed))
            if done is None:
                say(
                    f"第 {chunk.index + 1}/{len(chunks)} 块：{chunk.county or '全市'} 第{chunk.part + 1}部分 {chunk.persons} 人"
                )
                done = _write_chunk(scale, seed, chunk, params, interrupt)
                report.chunks_written += 1
            report.persons += int(done["persons"])
            report.households += int(done["households"])
            report.memberships += int(done["persons"])
            for tag, n in dict(done["tags"]).items():
                report.tags[tag] = report.tags.get(tag, 0) + int(n)
            total = total + _tally_of(dict(done["decided"]))
            progress_bar.update(chunk.persons)
    report.decided = total.as_dict()
    _finish(report)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return report


def decide_only(
    seed: int, persons: int, *, chunk_persons: int = CHUNK_PERSONS, bar: bool = False
) -> Tally:
    """Generate every chunk and let the rules decide, writing nothing: the counts and spending
    the seed would produce (for `minzheng seed --dry-run` and the benchmark)."""
    from tqdm import tqdm

    params = _parameters()
    total = Tally(0, 0, 0, 0, 0, 0, 0, 0)
    with tqdm(total=persons, unit="人", disable=not bar, file=sys.stderr, desc="认定") as progress:
        for chunk in plan(persons, chunk_persons):
            data, facts, result = chunk_data(seed, chunk, params)
            total = total + economy.tally(data.household, data.household_head, facts, result)
            progress.update(chunk.persons)
    return total


def _report_from(after: dict[str, Any], *, already: bool) -> CitySeedReport:
    return CitySeedReport(
        scale=str(after["scale"]),
        seed=int(after["seed"]),
        persons=int(after["persons"]),
        households=int(after["households"]),
        memberships=int(after["memberships"]),
        chunks=int(after.get("chunks", 1)),
        chunks_written=0,
        tags=dict(after.get("tags", {})),
        decided=dict(after.get("decided", {})),
        already_seeded=already,
    )


def _finish(report: CitySeedReport) -> None:
    from minzheng.core import audit
    from minzheng.core.models import AuditEvent

    for table in (
        "registry_person",
        "registry_household",
        "registry_membership",
        "registry_identitytag",
        "assistance_incomerecord",
        "assistance_householdasset",
        "assistance_supporterrecord",
        "assistance_adlassessmentrecord",
        "assistance_enrolment",
        "assistance_enrolmentamount",
    ):
        _reset_sequence(table)
    after = report.as_dict()
    audit.record(
        None,
        AuditEvent.Action.CREATE,
        SEED_OBJECT_TYPE,
        f"{report.scale}:{report.seed}",
        summary=f"生成演示数据：{report.persons} 人，{report.households} 户（{report.scale}，种子 {report.seed}）",
        after=after,
        actor_name="seed",
    )


def _parameters() -> Callable[[str], Any]:
    """County → ParameterSet on the decision day, from the database rows (the one resolver)."""
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.assistance.models import PolicyParameter
    from minzheng.assistance.queries import parameter_sets

    if not PolicyParameter.objects.exists():
        do_load_parameter_catalog(None)
    sets = parameter_sets([CITY, *sorted(COUNTY_RESIDENTS)], economy.DECISION_DAY)
    return sets.__getitem__


def chunk_data(
    seed: int, chunk: Chunk, params: Callable[[str], Any]
) -> tuple[SyntheticRegistry, EconomicFacts, Any]:
    """One chunk's persons, facts and the rules' decisions (pure apart from `params`)."""
    from minzheng.assistance.policy import load_policy

    data = generate(chunk.persons, chunk.seed(seed), county=chunk.county or None, slots=chunk.slots)
    policy = load_policy(params(chunk.county or CITY))
    facts, result = economy.decide(
        data,
        rng=np.random.default_rng([*chunk.seed(seed), 1]),
        policy=policy,
        params=params,
        wanted=chunk.wanted,
    )
    return data, facts, result


def _write_chunk(
    scale: str,
    seed: int,
    chunk: Chunk,
    params: Callable[[str], Any],
    interrupt: Callable[[Chunk], None] | None,
) -> dict[str, Any]:
    from django.db import connection, transaction

    from minzheng.core import audit
    from minzheng.core.models import AuditEvent

    data, facts, result = chunk_data(seed, chunk, params)
    tally = economy.tally(data.household, data.household_head, facts, result)
    sealed = _seal(data)
    now = _timestamp(datetime.now(UTC), connection.vendor)
    with transaction.atomic():
        pid = _next_id("registry_person")
        hid = _next_id("registry_household")
        _write_people(data, facts, sealed, pid, hid, now)
        _write_facts(data, facts, pid, hid, now)
        tags = _write_decisions(seed, chunk, data, facts, result, pid, hid, now)
        done = {
            "persons": data.persons,
            "households": data.households,
            "tags": tags,
            "decided": tally.as_dict(),
        }
        if interrupt is not None:
            interrupt(chunk)
        audit.record(
            None,
            AuditEvent.Action.CREATE,
            CHUNK_OBJECT_TYPE,
            chunk.key(scale, seed),
            summary=f"生成演示数据分块：{chunk.county or '全市'} 第{chunk.part + 1}部分，{data.persons} 人",
            after=done,
            actor_name="seed",
        )
    return done


def _seal(data: SyntheticRegistry) -> tuple[list[str], ...]:
    id_cipher, id_index, id_masked = seal_many("id_number", data.id_number.tolist())
    phones = data.phone.tolist()
    with_phone = [i for i, p in enumerate(phones) if p]
    sealed = seal_many("phone", [phones[i] for i in with_phone])
    phone_columns: list[list[str]] = [[""] * len(phones) for _ in range(3)]
    for column, values in zip(phone_columns, sealed, strict=True):
        for i, value in zip(with_phone, values, strict=True):
            column[i] = value
    return id_cipher, id_index, id_masked, *phone_columns


def _write_people(
    data: SyntheticRegistry,
    facts: EconomicFacts,
    sealed: tuple[list[str], ...],
    pid: int,
    hid: int,
    now: str,
) -> None:
    id_cipher, id_index, id_masked, phone_cipher, phone_index, phone_masked = sealed
    village = data.village.tolist()
    death: list[str | None] = [None] * data.persons
    for person, day in zip(facts.late_death.tolist(), _iso_days(facts.death_ordinal), strict=True):
        death[person] = day
    _insert(
        "registry_person",
        {
            "id": range(pid, pid + data.persons),
            "name": data.name.tolist(),
            "id_number_cipher": id_cipher,
            "id_number_index": id_index,
            "id_number_masked": id_masked,
            "sex": data.sex.tolist(),
            "birth_date": _iso_days(data.birth_ordinal),
            "phone_cipher": phone_cipher,
            "phone_index": phone_index,
            "phone_masked": phone_masked,
            "region_id": village,
            "hukou_region_id": village,
            "hukou_type": data.hukou_type.tolist(),
            "address": data.address.tolist(),
            "disability_category": data.disability_category.tolist(),
            "disability_grade": [g or None for g in data.disability_grade.tolist()],
            "serious_illnesses": [f'["{i}"]' if i else "[]" for i in data.illness.tolist()],
            "labour_capacity": data.labour_capacity.tolist(),
            "date_of_death": death,
            "created_at": now,
            "updated_at": now,
        },
    )
    _insert(
        "registry_household",
        {
            "id": range(hid, hid + data.households),
            "region_id": data.household_village.tolist(),
            "address": data.household_address.tolist(),
            "head_id": (data.household_head + pid).tolist(),
            "created_at": now,
            "updated_at": now,
        },
    )
    joined = np.maximum(data.birth_ordinal, MEMBERSHIPS_FROM.toordinal())
    _insert(
        "registry_membership",
        {
            "household_id": (data.household + hid).tolist(),
            "person_id": range(pid, pid + data.persons),
            "relationship": data.relationship.tolist(),
            "lives_together": True,
            "valid_from": _iso_days(joined),
        },
    )


def _rows(n: int, value: Any) -> list[Any]:
    return [value] * n


def _write_facts(
    data: SyntheticRegistry, facts: EconomicFacts, pid: int, hid: int, now: str
) -> None:
    earning = np.flatnonzero(facts.income_kind != "")
    _insert(
        "assistance_incomerecord",
        {
            "person_id": (earning + pid).tolist(),
            "kind": facts.income_kind[earning].tolist(),
            "monthly_amount": facts.income_yuan[earning].tolist(),
            "valid_from": _iso_days(facts.income_from[earning]),
            "valid_to": None,
            "source": "verified",
            "note": "合成数据",
            "created_at": _rows(len(earning), now),
        },
    )
    H = data.households
    money = np.arange(H)
    vehicles, homes, shops = facts.vehicle_household, facts.home_household, facts.shop_household
    households = np.concatenate([money, vehicles, homes, shops])
    n = len(households)
    _insert(
        "assistance_householdasset",
        {
            "household_id": (households + hid).tolist(),
            "kind": ["money"] * H
            + ["vehicle"] * len(vehicles)
            + ["home"] * len(homes)
            + ["nonresidential"] * len(shops),
            "amount": facts.money_yuan.tolist() + [None] * (n - H),
            "vehicle_kind": [""] * H
            + facts.vehicle_kind.tolist()
            + [""] * (len(homes) + len(shops)),
            "nonresidential_kind": [""] * (n - len(shops)) + ["shop"] * len(shops),
            "is_only_home": False,
            "floor_area": [None] * (H + len(vehicles))
            + facts.home_area.tolist()
            + [None] * len(shops),
            "valid_from": FACTS_FROM.isoformat(),
            "valid_to": None,
            "note": "合成数据",
            "created_at": _rows(n, now),
        },
    )
    s = facts.supporter_person
    surnames = [name[:1] for name in data.name[s].tolist()]
    given = [SUPPORTER_GIVEN[i % len(SUPPORTER_GIVEN)] for i in range(len(s))]
    born = economy.DECISION_DAY.toordinal() - np.floor(facts.supporter_age * 365.2425 + 100)
    _insert(
        "assistance_supporterrecord",
        {
            "person_id": (s + pid).tolist(),
            "name": [a + b for a, b in zip(surnames, given, strict=True)],
            "birth_date": _iso_days(born.astype(np.int64)),
            "monthly_income": facts.supporter_income_yuan.tolist(),
            "disability_category": "",
            "disability_grade": None,
            "valid_from": FACTS_FROM.isoformat(),
            "valid_to": None,
            "created_at": _rows(len(s), now),
        },
    )
    failed = facts.adl_failed
    _insert(
        "assistance_adlassessmentrecord",
        {
            "person_id": (facts.adl_person + pid).tolist(),
            "assessed_on": ADL_ASSESSED_ON.isoformat(),
            **{item: (failed <= k).tolist() for k, item in enumerate(ADL_ITEMS)},
            "created_at": _rows(len(failed), now),
        },
    )


def _write_decisions(
    seed: int,
    chunk: Chunk,
    data: SyntheticRegistry,
    facts: EconomicFacts,
    result: Any,
    pid: int,
    hid: int,
    now: str,
) -> dict[str, int]:
    """Identity tags and enrolments, from what the rules decided — nothing else."""
    from minzheng.assistance.batch import CARE_LEVELS, ROUTE_GRADUAL_EXIT, ROUTE_HOUSEHOLD

    rng = np.random.default_rng([*chunk.seed(seed), 2])
    H = data.households
    hh = data.household
    head = data.household_head
    start = rng.integers(*ENROLLED_FROM_MONTHS, H)
    start_day = np.array([date(m // 12, m % 12 + 1, 1).toordinal() for m in start.tolist()] or [0])
    start_day = np.where(facts.enrolled_from > 0, facts.enrolled_from, start_day[:H])
    route = result.dibao_route
    counted = economy.counted(data.relationship)
    single = result.single_person_eligible
    in_household_route = (route[hh] == ROUTE_HOUSEHOLD) & counted
    gradual = (route[hh] == ROUTE_GRADUAL_EXIT) & counted
    dibian = result.dibian_eligible[hh] & ~result.tekun_eligible[hh] & counted & ~single
    tekun_person = head[result.tekun_eligible]
    tagged: list[tuple[str, IntArray]] = [
        ("dibao", np.flatnonzero(in_household_route | single | gradual)),
        ("single_person_dibao", np.flatnonzero(single)),
        ("gradual_exit", np.flatnonzero(gradual)),
        ("dibian", np.flatnonzero(dibian)),
        ("tekun", tekun_person),
    ]
    persons = np.concatenate([p for _, p in tagged]).astype(np.int64)
    _insert(
        "registry_identitytag",
        {
            "person_id": (persons + pid).tolist(),
            "tag": [tag for tag, p in tagged for _ in range(len(p))],
            "source": TAG_SOURCE,
            "valid_from": _iso_days(start_day[hh[persons]]),
            "valid_to": None,
            "region_id": data.village[persons].tolist(),
        },
    )
    # Enrolments: 低保 households (active or in 渐退), 单人户 members and 特困 persons.
    households = np.flatnonzero(route > 0)
    single_members = np.flatnonzero(single)
    tekun_households = np.flatnonzero(result.tekun_eligible)
    e_household = np.concatenate([households, hh[single_members], tekun_households])
    e_person: list[int | None] = [None] * len(households) + (
        (single_members + pid).tolist() + (head[tekun_households] + pid).tolist()
    )
    programme = ["dibao"] * (len(households) + len(single_members)) + ["tekun"] * len(
        tekun_households
    )
    status = ["gradual_exit" if route[h] == ROUTE_GRADUAL_EXIT else "active" for h in households]
    status += ["active"] * (len(single_members) + len(tekun_households))
    care = [""] * (len(households) + len(single_members)) + [
        CARE_LEVELS[c].value for c in result.tekun_care[tekun_households].tolist()
    ]
    amount_fen = np.concatenate(
        [
            result.dibao_amount_fen[households],
            result.single_person_amount_fen[single_members],
            result.tekun_amount_fen[tekun_households],
        ]
    )
    routes = (
        ["household" if route[h] == ROUTE_HOUSEHOLD else "gradual_exit" for h in households]
        + ["single_person"] * len(single_members)
        + ["tekun"] * len(tekun_households)
    )
    eid = _next_id("assistance_enrolment")
    n = len(e_household)
    months = _iso_days(start_day[e_household])
    _insert(
        "assistance_enrolment",
        {
            "id": range(eid, eid + n),
            "household_id": (e_household + hid).tolist(),
            "person_id": e_person,
            "programme": programme,
            "region_id": data.household_village[e_household].tolist(),
            "status": status,
            "start_month": months,
            "end_month": None,
            "care_level": care,
            "decision": [
                json.dumps(
                    {"route": r, "as_of": economy.DECISION_DAY.isoformat(), "source": TAG_SOURCE},
                    ensure_ascii=False,
                )
                for r in routes
            ],
            "created_at": _rows(n, now),
            "updated_at": _rows(n, now),
        },
    )
    _insert(
        "assistance_enrolmentamount",
        {
            "enrolment_id": range(eid, eid + n),
            "effective_month": months,
            "amount": [f"{a // 100}.{a % 100:02d}" for a in amount_fen.tolist()],
            "components": _rows(n, "{}"),
            "reason": "规则认定（合成数据）",
            "created_at": _rows(n, now),
        },
    )
    return {tag: len(p) for tag, p in tagged}


def chunk_keys(scale: str, seed: int, chunks: Iterable[Chunk]) -> list[str]:
    return [c.key(scale, seed) for c in chunks]
