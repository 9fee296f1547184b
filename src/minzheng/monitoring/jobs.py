"""The monthly monitor run: the month's feeds → findings, set-based in DuckDB over Arrow.

`find` reads the registry, the enrolments and the feed rows once (`verification.frames`), joins them
in DuckDB with one policy row per county, and returns one `Finding` per warning. Nothing is written
here; `actions.do_run_monitor` stores the findings (a unique key per finding, so a second run of
the same month adds nothing) and takes the automatic actions of the new ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from minzheng.assistance.queries import parameter_sets
from minzheng.core import batchsql
from minzheng.core.regioncode import county_of
from minzheng.core.yearmonth import YearMonth
from minzheng.monitoring.rules import VEHICLE_ASSET_KIND, MonitoringPolicy
from minzheng.verification import frames

CITY = "330200"
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    idx: str
    masked: str
    cipher: str
    person_id: int | None
    household_id: int | None
    region_id: str | None
    name: str
    source: str
    ref: str
    day: date | None
    value: Decimal  # 元: the amount or area found
    limit: Decimal  # 元 (or ㎡): what it is compared with; 0 when a rule has no threshold
    detail: str
    enrolment_id: int | None
    has_wage: bool

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.idx, self.ref)


def _yuan(fen: int | None) -> Decimal:
    return (Decimal(int(fen or 0)) / 100).quantize(CENT)


def policies(counties: set[str], as_of: date) -> dict[str, MonitoringPolicy]:
    sets = parameter_sets(counties | {CITY}, as_of)
    return {code: MonitoringPolicy.read(code, ps) for code, ps in sets.items()}


def _policy_table(policy: dict[str, MonitoringPolicy]) -> tuple[pa.Table, pa.Table]:
    def fen(x: Decimal) -> int:
        return int((x * 100).to_integral_value())

    rows = list(policy.values())
    table = pa.table(
        {
            "county": [p.county for p in rows],
            "standard_fen": [fen(p.standard.value) for p in rows],
            "dibian_line_fen": [fen(p.income_line("dibian")) for p in rows],
            "dibao_years": [p.dibao_money_years.value for p in rows],
            "dibian_years": [p.dibian_money_years.value for p in rows],
            "vehicle_allowed": [p.vehicle_allowed.value for p in rows],
            "nonres_allowed": [p.nonresidential_allowed.value for p in rows],
            "max_homes": [p.max_homes.value for p in rows],
            "max_homes_small": [p.max_homes_if_small.value for p in rows],
            "avg_area_cm": [fen(p.average_area.value) for p in rows],
            "medical_fen": [fen(p.medical_threshold.value) for p in rows],
            "medical_share_bp": [int(p.medical_share.value * 10000) for p in rows],
        }
    )
    exempt = [
        (p.county, feed_kind)
        for p in rows
        for feed_kind in VEHICLE_ASSET_KIND
        if p.exempt_vehicle(feed_kind)
    ]
    return table, pa.table(
        {"county": [c for c, _ in exempt], "kind": [k for _, k in exempt]},
        schema=pa.schema([("county", pa.string()), ("kind", pa.string())]),
    )


# Inputs: members, enrolled, feeds, policy, exempt. Parameters: $first, $year_start.
# A finding's masked and sealed ID number: each of the person's feed rows seals the same number
# (with its own nonce); the least is taken, so that a finding does not depend on the order its
# rows were read in — one read of the city or part by part (`distributed`).
FINDINGS_SQL = """
WITH
alive AS (SELECT * FROM members WHERE died IS NULL OR died >= $first),
enr AS (
    SELECT household_id, min(enrolment_id) AS enrolment_id,
           bool_or(programme = 'dibao') AS dibao, bool_or(programme = 'dibian') AS dibian
    FROM enrolled GROUP BY household_id),
em AS (
    SELECT a.*, e.enrolment_id, e.dibao, e.dibian, p.*
    FROM alive a JOIN enr e USING (household_id)
    JOIN policy p ON p.county = substr(a.region_id, 1, 6)),
size AS (SELECT household_id, count(*) AS n FROM em GROUP BY household_id),
ev AS (SELECT * FROM feeds WHERE source IN ('police', 'funeral')),
death AS (
    SELECT 'death' AS kind, em.idx, em.person_id, em.household_id, em.region_id, em.enrolment_id,
           -- the earliest report; on the same day, the first source by name (the same on Spark)
           substr(min(strftime(f.day, '%Y-%m-%d') || f.source), 11) AS source, '' AS ref,
           min(f.day) AS day,
           0 AS value_fen, 0 AS limit_fen, '' AS detail
    FROM em JOIN ev f ON f.idx = em.idx
    WHERE f.kind = 'death' AND em.died IS NULL
    GROUP BY ALL),
prison AS (
    SELECT 'imprisonment' AS kind, em.idx, em.person_id, em.household_id, em.region_id,
           em.enrolment_id, 'police' AS source, strftime(f.day, '%Y-%m-%d') AS ref, f.day,
           0 AS value_fen, 0 AS limit_fen, '' AS detail
    FROM em JOIN ev f ON f.idx = em.idx
    WHERE f.kind = 'imprisonment' AND em.died IS NULL),
moved AS (
    SELECT 'hukou_moved_out' AS kind, em.idx, em.person_id, em.household_id, em.region_id,
           em.enrolment_id, 'police' AS source, strftime(f.day, '%Y-%m-%d') AS ref, f.day,
           0 AS value_fen, 0 AS limit_fen, '' AS detail
    FROM em JOIN ev f ON f.idx = em.idx
    WHERE f.kind = 'hukou_out' AND em.died IS NULL
      AND NOT EXISTS (SELECT 1 FROM ev b WHERE b.idx = f.idx AND b.kind = 'hukou_in'
                      AND b.day >= f.day)),
vehicle AS (
    SELECT 'vehicle' AS kind, em.idx, em.person_id, em.household_id, em.region_id,
           em.enrolment_id, 'vehicle' AS source, f.ref, f.day,
           0 AS value_fen, 0 AS limit_fen, f.kind AS detail
    FROM em JOIN feeds f ON f.idx = em.idx AND f.source = 'vehicle'
    WHERE em.died IS NULL AND NOT em.vehicle_allowed
      AND NOT EXISTS (SELECT 1 FROM exempt x WHERE x.county = em.county AND x.kind = f.kind)),
estate AS (
    SELECT em.*, f.kind AS use, f.ref AS property_id, f.day AS acquired, f.amount_fen AS area_cm
    FROM em JOIN feeds f ON f.idx = em.idx AND f.source = 'estate'),
nonres AS (
    SELECT 'property' AS kind, idx, person_id, household_id, region_id, enrolment_id,
           'estate' AS source, property_id AS ref, acquired AS day,
           area_cm AS value_fen, 0 AS limit_fen, use AS detail
    FROM estate WHERE use <> 'residential' AND NOT nonres_allowed AND died IS NULL),
homes AS (
    SELECT h.household_id, count(*) AS homes, sum(h.area_cm) AS area_cm,
           arg_max(h.idx, h.acquired) AS idx, arg_max(h.property_id, h.acquired) AS ref,
           max(h.acquired) AS day, any_value(h.max_homes) AS max_homes,
           any_value(h.max_homes_small) AS max_homes_small, any_value(h.avg_area_cm) AS avg_cm
    FROM estate h WHERE h.use = 'residential' GROUP BY h.household_id),
home_over AS (
    SELECT 'property' AS kind, h.idx, em.person_id, h.household_id, em.region_id,
           em.enrolment_id, 'estate' AS source, h.ref, h.day,
           h.area_cm AS value_fen, h.avg_cm * s.n AS limit_fen,
           'residential:' || h.homes AS detail
    FROM homes h JOIN size s USING (household_id)
    JOIN em ON em.household_id = h.household_id AND em.idx = h.idx
    WHERE h.homes > h.max_homes_small
       OR (h.homes > h.max_homes AND h.area_cm >= h.avg_cm * s.n)),
business AS (
    SELECT 'business' AS kind, em.idx, em.person_id, em.household_id, em.region_id,
           em.enrolment_id, 'market' AS source, f.ref, f.day,
           f.amount_fen AS value_fen, 0 AS limit_fen, f.kind AS detail
    FROM em JOIN feeds f ON f.idx = em.idx AND f.source = 'market'
    WHERE f.kind = 'active' AND em.died IS NULL),
month_income AS (
    SELECT em.household_id, em.idx, sum(f.amount_fen) AS fen, bool_or(f.kind = 'wage') AS wage
    FROM em JOIN feeds f ON f.idx = em.idx AND f.source = 'hrss' AND f.day = $first
    GROUP BY ALL),
hh_income AS (
    SELECT household_id, sum(fen) AS fen, bool_or(wage) AS wage, arg_max(idx, fen) AS idx
    FROM month_income GROUP BY household_id),
income AS (
    SELECT 'income_over_line' AS kind, i.idx, em.person_id, i.household_id, em.region_id,
           em.enrolment_id, 'hrss' AS source, strftime($first, '%Y-%m') AS ref,
           $first AS day, i.fen AS value_fen,
           (CASE WHEN em.dibao THEN em.standard_fen ELSE em.dibian_line_fen END) * s.n AS limit_fen,
           CASE WHEN i.wage THEN 'wage' ELSE '' END AS detail
    FROM hh_income i JOIN size s USING (household_id)
    JOIN em ON em.household_id = i.household_id AND em.idx = i.idx
    WHERE (em.dibao OR em.dibian)
      AND i.fen > (CASE WHEN em.dibao THEN em.standard_fen ELSE em.dibian_line_fen END) * s.n),
bank AS (
    SELECT em.household_id, em.idx, arg_max(f.amount_fen + f.amount2_fen, f.day) AS fen,
           max(f.day) AS day
    FROM em JOIN feeds f ON f.idx = em.idx AND f.source = 'bank' GROUP BY ALL),
hh_bank AS (
    SELECT household_id, sum(fen) AS fen, max(day) AS day, arg_max(idx, fen) AS idx
    FROM bank GROUP BY household_id),
deposits AS (
    SELECT 'deposits_over_limit' AS kind, b.idx, em.person_id, b.household_id, em.region_id,
           em.enrolment_id, 'bank' AS source, strftime(b.day, '%Y-%m-%d') AS ref, b.day,
           b.fen AS value_fen,
           em.standard_fen * 12 * (CASE WHEN em.dibao THEN em.dibao_years ELSE em.dibian_years END)
             * s.n AS limit_fen, '' AS detail
    FROM hh_bank b JOIN size s USING (household_id)
    JOIN em ON em.household_id = b.household_id AND em.idx = b.idx
    WHERE b.fen > em.standard_fen * 12
          * (CASE WHEN em.dibao THEN em.dibao_years ELSE em.dibian_years END) * s.n),
med AS (
    SELECT idx, sum(amount_fen) AS fen, max(day) AS day
    FROM feeds WHERE source = 'medical' GROUP BY idx),
year_income AS (
    SELECT a.household_id, sum(f.amount_fen) AS fen
    FROM alive a JOIN feeds f ON f.idx = a.idx AND f.source = 'hrss' AND f.day >= $year_start
    GROUP BY a.household_id),
medical AS (
    SELECT 'high_medical_cost' AS kind, m.idx, a.person_id, a.household_id, a.region_id,
           e.enrolment_id, 'medical' AS source, strftime($first, '%Y') AS ref, m.day,
           m.fen AS value_fen,
           CASE WHEN yi.fen > 0 AND yi.fen * p.medical_share_bp // 10000 < p.medical_fen
                THEN yi.fen * p.medical_share_bp // 10000 ELSE p.medical_fen END AS limit_fen,
           coalesce(CAST(yi.fen AS VARCHAR), '') AS detail
    FROM med m
    LEFT JOIN members a ON a.idx = m.idx
    LEFT JOIN enr e ON e.household_id = a.household_id
    LEFT JOIN year_income yi ON yi.household_id = a.household_id
    JOIN policy p ON p.county = coalesce(substr(a.region_id, 1, 6), '330200')
    WHERE (a.died IS NULL)
      AND (m.fen > p.medical_fen OR (yi.fen > 0 AND m.fen * 10000 > yi.fen * p.medical_share_bp)))
SELECT u.*, f.masked, f.cipher
FROM (
    SELECT * FROM death UNION ALL SELECT * FROM prison UNION ALL SELECT * FROM moved
    UNION ALL SELECT * FROM vehicle UNION ALL SELECT * FROM nonres UNION ALL SELECT * FROM home_over
    UNION ALL SELECT * FROM business UNION ALL SELECT * FROM income UNION ALL SELECT * FROM deposits
    UNION ALL SELECT * FROM medical) u
JOIN (SELECT idx, min(masked) AS masked, min(cipher) AS cipher FROM feeds
      GROUP BY idx) f ON f.idx = u.idx
ORDER BY u.kind, u.household_id, u.idx, u.ref
"""


def every_county() -> set[str]:
    """Every county of the region table: the policy rows are one per county (a few dozen)."""
    from minzheng.regions.models import Level, Region

    codes = Region.objects.exclude(level=Level.CITY).values_list("code", flat=True)
    return {county_of(code) for code in codes}


def _names(person_ids: set[int]) -> dict[int, str]:
    from minzheng.registry.models import Person

    wanted = sorted(person_ids)
    names: dict[int, str] = {}
    for i in range(0, len(wanted), 1000):
        names.update(Person.objects.filter(pk__in=wanted[i : i + 1000]).values_list("pk", "name"))
    return names


def find(
    month: YearMonth,
    *,
    progress: Callable[[str], None] | None = None,
    engine: str = "duckdb",
    spark_session: Any = None,
) -> tuple[list[Finding], dict[str, MonitoringPolicy]]:
    """Every finding of the month, from all feeds, for every household and resident.

    `engine="spark"` runs the same query as Spark SQL (`core.batchsql`), on a local session or the
    cluster's `spark_session`; the findings are the same."""
    first, last = month.first_day(), month.last_day()
    year_start = (month - 11).first_day()
    step = progress or (lambda _label: None)
    enrolled = frames.enrolled(first)
    step("在保")
    policy = policies(every_county(), first)
    policy_table, exempt = _policy_table(policy)
    floor = min(int(p.medical_threshold.value * 100) for p in policy.values())
    feeds = frames.monitor_feeds(last, year_start, floor)
    step("部门数据")
    # Only the members a finding can involve (frames.MONITOR_MEMBERS_SQL), not the whole registry.
    members = frames.monitor_members(
        last,
        pc.unique(enrolled.column("household_id")).to_pylist(),
        [i for i in pc.unique(feeds.column("idx")).to_pylist() if i],
    )
    step("成员")
    columns, rows = batchsql.run(
        FINDINGS_SQL,
        {
            "members": members,
            "enrolled": enrolled,
            "feeds": feeds,
            "policy": policy_table,
            "exempt": exempt,
        },
        {"first": first, "year_start": year_start},
        engine=engine,
        spark_session=spark_session,
    )
    step("比对")
    return findings_from_rows(columns, rows), policy


def findings_from_rows(columns: list[str], rows: list[tuple[Any, ...]]) -> list[Finding]:
    """The findings query's rows as findings, with the persons' names and sealed ID numbers."""
    found = [dict(zip(columns, raw, strict=True)) for raw in rows]
    names = _names({r["person_id"] for r in found if r["person_id"] is not None})
    sealed = frames.sealed_ids([r["idx"] for r in found if r["masked"] is None])
    findings = []
    for r in found:
        if r["masked"] is None:  # a person known only from the summed medical bills
            r["masked"], r["cipher"] = sealed[r["idx"]]
        findings.append(
            Finding(
                kind=r["kind"],
                idx=r["idx"],
                masked=r["masked"],
                cipher=r["cipher"],
                person_id=r["person_id"],
                household_id=r["household_id"],
                region_id=r["region_id"],
                name=names.get(r["person_id"]) or "",
                source=r["source"],
                ref=r["ref"],
                day=r["day"],
                value=_yuan(r["value_fen"]),
                limit=_yuan(r["limit_fen"]),
                detail=r["detail"] or "",
                enrolment_id=r["enrolment_id"],
                has_wage=r["detail"] == "wage",
            )
        )
    return findings
