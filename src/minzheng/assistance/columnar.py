"""The columnar fetch layer: every household in a scope, read set-based into numpy columns and
evaluated with `batch.py`.

A handful of SQL queries (one per table) fill numpy columns — through COPY … TO STDOUT into
pyarrow on PostgreSQL, a plain cursor on SQLite — then `evaluate_batch` decides every household
at once. The same semantics as `eligibility.household_facts`, which is checked against it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connection
from django.db.models import BooleanField as BooleanOutput
from django.db.models import ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from minzheng.accounts.scope import range_q
from minzheng.assistance.batch import (
    AWAY_REASONS,
    CARE_LEVELS,
    DISABILITIES,
    INCOME_KINDS,
    RELATIONSHIPS,
    STUDENT_STATUSES,
    VEHICLE_KINDS,
    BatchResult,
    HouseholdColumns,
    MemberColumns,
    SupporterColumns,
    evaluate_batch,
)
from minzheng.assistance.eligibility import (
    DUTY_BY_DEFAULT,
    RELATIONSHIP_TO_APPLICANT,
    SOURCE_RANK,
    covering,
)
from minzheng.assistance.facts import Relationship
from minzheng.assistance.models import (
    AdlAssessmentRecord,
    AssetKind,
    Enrolment,
    EnrolmentAmount,
    ExtraExpense,
    HouseholdAsset,
    IncomeRecord,
    SupporterRecord,
)
from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.programmes import ProgrammeCode
from minzheng.core.regioncode import RegionCode, county_of
from minzheng.registry.models import Household, HukouType, Membership

type Col = npt.NDArray[Any]
type Progress = Callable[[str], None]

# The types COPY output is read with: text columns become integer codes into their few distinct
# values (`Strings`), dates datetime64[D] (NaT for null), "nbool" a nullable boolean as 1/0/-1.
_ARROW = {
    "int": pa.int64(),
    "float": pa.float64(),
    "str": pa.string(),
    "bool": pa.bool_(),
    "nbool": pa.bool_(),
    "date": pa.date32(),
}


@dataclass(frozen=True)
class Strings:
    """A text column as codes into its distinct values (null reads as "")."""

    codes: npt.NDArray[np.int64]
    values: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, index: Any) -> Strings:
        return Strings(self.codes[index], self.values)

    def lookup(self, table: Mapping[str, int], default: int = 0) -> npt.NDArray[np.int64]:
        if not self.values:
            return np.zeros(len(self.codes), np.int64)
        return np.array([table.get(v, default) for v in self.values], np.int64)[self.codes]

    def isin(self, wanted: Iterable[str]) -> npt.NDArray[np.bool_]:
        chosen = {str(w) for w in wanted}
        return self.lookup({v: 1 for v in self.values if v in chosen}).astype(bool)

    def equals(self, value: str) -> npt.NDArray[np.bool_]:
        return self.isin([value])

    def decoded(self) -> npt.NDArray[np.str_]:
        return np.array(self.values or ("",), dtype=str)[self.codes]


@dataclass
class Rows:
    """The columns of one query: numbers, booleans and dates as numpy arrays, text as `Strings`."""

    arrays: dict[str, Col]
    texts: dict[str, Strings]

    def __getitem__(self, name: str) -> Col:
        return self.arrays[name]

    def text(self, name: str) -> Strings:
        return self.texts[name]

    def __len__(self) -> int:
        first = next(iter(self.arrays.values()), None)
        return len(first) if first is not None else len(next(iter(self.texts.values())))

    def keep(self, mask: npt.NDArray[Any]) -> None:
        """Keep the rows a boolean mask selects, or reorder them by an index array."""
        self.arrays = {k: v[mask] for k, v in self.arrays.items()}
        self.texts = {k: v[mask] for k, v in self.texts.items()}


def _strings(values: Iterable[Any]) -> Strings:
    text = np.array(["" if v is None else str(v) for v in values], dtype=str)
    uniques, inverse = np.unique(text, return_inverse=True)
    return Strings(inverse.astype(np.int64).reshape(-1), tuple(str(u) for u in uniques))


def fetch(qs: QuerySet[Any], columns: Mapping[str, str]) -> Rows:
    """Run a values_list queryset set-based and return its columns (see `_ARROW` for the types).

    Nulls become 0, 0.0, False, "" or NaT (dates), -1 ("nbool") so the arrays stay typed.
    """
    sql, params = qs.query.sql_with_params()
    names = list(columns)
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy,
        ):
            for chunk in copy:
                buffer.write(chunk)
        if buffer.tell() == 0:
            return _empty(columns)
        buffer.seek(0)
        table = pacsv.read_csv(
            buffer,
            read_options=pacsv.ReadOptions(column_names=names),
            convert_options=pacsv.ConvertOptions(
                column_types={n: _ARROW[t] for n, t in columns.items()},
                true_values=["t"],
                false_values=["f"],
                strings_can_be_null=False,
            ),
        )
        arrays: dict[str, Col] = {}
        texts: dict[str, Strings] = {}
        for n, t in columns.items():
            col = table.column(n)
            if t == "str":
                encoded = pc.fill_null(col, "").combine_chunks().dictionary_encode()
                texts[n] = Strings(
                    encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64),
                    tuple(encoded.dictionary.to_pylist()),
                )
            elif t == "date":
                arrays[n] = col.to_numpy().astype("datetime64[D]")
            elif t == "nbool":
                arrays[n] = pc.fill_null(pc.cast(col, pa.int8()), -1).to_numpy()
            else:
                fill: Any = {"int": 0, "float": 0.0, "bool": False}[t]
                arrays[n] = col.fill_null(fill).to_numpy(zero_copy_only=False)
        return Rows(arrays, texts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return _empty(columns)
    values = list(zip(*rows, strict=True))
    result = Rows({}, {})
    for n, t, vals in zip(names, columns.values(), values, strict=True):
        if t == "int":
            result.arrays[n] = np.array([v or 0 for v in vals], np.int64)
        elif t == "float":
            result.arrays[n] = np.array([float(v or 0) for v in vals], np.float64)
        elif t == "bool":
            result.arrays[n] = np.array([bool(v) for v in vals], bool)
        elif t == "nbool":
            result.arrays[n] = np.array([-1 if v is None else int(bool(v)) for v in vals], np.int8)
        elif t == "date":
            result.arrays[n] = np.array(
                [None if v in (None, "") else v for v in vals], "datetime64[D]"
            )
        else:
            result.texts[n] = _strings(vals)
    return result


def _empty(columns: Mapping[str, str]) -> Rows:
    dtypes: dict[str, Any] = {
        "int": np.int64,
        "float": np.float64,
        "bool": bool,
        "nbool": np.int8,
        "date": "datetime64[D]",
    }
    return Rows(
        {n: np.zeros(0, dtypes[t]) for n, t in columns.items() if t != "str"},
        {n: Strings(np.zeros(0, np.int64), ()) for n, t in columns.items() if t == "str"},
    )


@contextmanager
def _person_table(persons: npt.NDArray[np.int64]) -> Iterator[RawSQL]:
    """A temporary table of the members' person ids, joined by the per-person queries.

    The membership query is run once; incomes, expenses, assessments and supporters are then
    filtered by this table instead of re-running it as an `IN (subquery)` four times.
    """
    name = "minzheng_gather_persons"
    ids = np.unique(persons).astype(np.int64)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TEMPORARY TABLE {name} (id bigint NOT NULL)")
            with cursor.cursor.copy(f"COPY {name} (id) FROM STDIN") as copy:
                copy.write("".join(f"{i}\n" for i in ids.tolist()))
            cursor.execute(f"ANALYZE {name}")
        else:
            cursor.execute(f"CREATE TEMPORARY TABLE {name} (id integer PRIMARY KEY)")
            cursor.executemany(f"INSERT INTO {name} (id) VALUES (%s)", [(i,) for i in ids.tolist()])
    try:
        yield RawSQL(f"SELECT id FROM {name}", [])
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _fen(amounts: Col) -> npt.NDArray[np.int64]:
    # Two-decimal amounts read as float64 are exact once rounded back to whole fen.
    return np.rint(amounts.astype(np.float64) * 100).astype(np.int64)


def _ages(born: Col, day: date) -> npt.NDArray[np.int64]:
    dt = born.astype("datetime64[D]")
    years = dt.astype("datetime64[Y]").astype(np.int64) + 1970
    months = dt.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (dt - dt.astype("datetime64[M]")).astype(np.int64) + 1
    before = (months > day.month) | ((months == day.month) & (days > day.day))
    result: npt.NDArray[np.int64] = day.year - years - before.astype(np.int64)
    return result


def _expand(keys: Col, wanted: Col) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Pairs (i, j) with wanted[i] == keys[j]: a person may sit in more than one row."""
    order = np.argsort(keys, kind="stable")
    lo = np.searchsorted(keys[order], wanted, "left")
    hi = np.searchsorted(keys[order], wanted, "right")
    counts = hi - lo
    i = np.repeat(np.arange(len(wanted)), counts)
    offsets = np.arange(len(i)) - np.repeat(np.cumsum(counts) - counts, counts)
    return i, order[np.repeat(lo, counts) + offsets]


def region_bounds(region_code: str) -> tuple[str, str]:
    """The 12-digit village codes inside a 6-digit county, city or province code."""
    if region_code == "000000":
        return "0" * 12, "9" * 12
    return RegionCode.of(region_code).range


@dataclass(frozen=True)
class Gathered:
    household_ids: npt.NDArray[np.int64]
    households: HouseholdColumns
    members: MemberColumns
    supporters: SupporterColumns
    skipped: int  # households with no head or a member without a birth date


def id_range_q(ids: tuple[int, int] | None, field: str = "household_id") -> Q:
    """Households whose id lies in [lo, hi] (no condition without a range)."""
    if ids is None:
        return Q()
    return Q(**{f"{field}__gte": ids[0], f"{field}__lte": ids[1]})


def household_id_ranges(bounds: tuple[str, str], size: int) -> list[tuple[int, int]]:
    """The open households in `bounds` cut, in id order, into parts of `size`: each part's first
    and last id. Counted by the database (a window over the ids): the caller holds the bounds of
    the parts only, not the households."""
    table = Household._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT min(id), max(id) FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / %s"
            f" AS part FROM {table} WHERE region_id >= %s AND region_id <= %s"
            " AND closed_on IS NULL) AS numbered GROUP BY part ORDER BY part",
            [max(int(size), 1), bounds[0], bounds[1]],
        )
        return [(int(lo), int(hi)) for lo, hi in cursor.fetchall()]


def gather(
    bounds: tuple[str, str],
    as_of: date,
    progress: Progress | None = None,
    *,
    ids: tuple[int, int] | None = None,
) -> Gathered:
    """Every household whose village code lies in `bounds` (and, with `ids`, whose id lies in
    that inclusive range: one part of `household_id_ranges`), as batch columns for `as_of`."""
    step = progress or (lambda _: None)
    in_scope = range_q(bounds, "household__region_id") & id_range_q(ids)
    h = fetch(
        Household.objects.filter(range_q(bounds), id_range_q(ids, "id"), closed_on__isnull=True)
        .order_by()  # sorted here: cheaper than a server-side sort of every row
        .values_list("id", "region_id", "head__hukou_type"),
        {"id": "int", "region": "str", "hukou": "str"},
    )
    h.keep(np.argsort(h["id"], kind="stable"))
    step("家庭户")
    memberships = (
        Membership.objects.filter(covering(as_of), in_scope, household__closed_on__isnull=True)
        .exclude(person__date_of_death__lte=as_of)
        .annotate(ill=ExpressionWrapper(~Q(person__serious_illnesses=[]), BooleanOutput()))
        .order_by()  # (household, membership id) order is restored below, in numpy
    )
    m = fetch(
        memberships.values_list(
            "household_id",
            "person_id",
            "relationship",
            "lives_together",
            "person__birth_date",
            "person__disability_category",
            "person__disability_grade",
            "ill",
            "person__circumstance__away_reason",
            "person__circumstance__away_years",
            "person__circumstance__student",
            "person__circumstance__unable_to_live_independently",
            "person__circumstance__has_legal_support_duty",
            "id",
        ),
        {
            "household": "int",
            "person": "int",
            "relationship": "str",
            "lives_together": "bool",
            "born": "date",
            "disability": "str",
            "grade": "int",
            "ill": "bool",
            "away": "str",
            "away_years": "int",
            "student": "str",
            "unable": "bool",
            "duty": "nbool",
            "id": "int",
        },
    )
    m.keep(np.lexsort((m["id"], m["household"])))
    step("家庭成员")

    # Households that can be decided: a head among the members, every birth date known.
    h_ids = h["id"]
    m_h = np.searchsorted(h_ids, m["household"])
    ok = np.ones(len(h_ids), bool)
    ok[m_h[np.isnat(m["born"])]] = False
    is_head = m.text("relationship").equals("head")
    has_head = np.zeros(len(h_ids), bool)
    has_head[m_h[is_head]] = True
    ok &= has_head & (np.bincount(m_h, minlength=len(h_ids)) > 0)
    keep_m = ok[m_h]
    m.keep(keep_m)
    new_index = np.cumsum(ok) - 1
    h_ids = h_ids[ok]
    m_h = new_index[m_h[keep_m]]
    H, M = len(h_ids), len(m["person"])

    applicant = np.zeros(H, np.int64)
    head_rows = np.nonzero(m.text("relationship").equals("head"))[0]
    applicant[m_h[head_rows][::-1]] = head_rows[::-1]  # the first head row wins

    relationship = m.text("relationship").lookup(
        {k: RELATIONSHIPS.index(v) for k, v in RELATIONSHIP_TO_APPLICANT.items()},
        RELATIONSHIPS.index(Relationship.OTHER),
    )
    default_duty = np.isin(relationship, [RELATIONSHIPS.index(r) for r in DUTY_BY_DEFAULT])
    recorded = m["duty"]
    duty = np.where(recorded == 1, True, np.where(recorded == 0, False, default_duty))
    disability = m.text("disability").lookup({d.value: i + 1 for i, d in enumerate(DISABILITIES)})
    income = np.zeros((M, len(INCOME_KINDS)), np.int64)

    with _person_table(m["person"]) as persons:
        i, e, a, s = _per_person(persons, as_of)
    if len(i["person"]):
        kind = i.text("kind").lookup({k.value: n for n, k in enumerate(INCOME_KINDS)}, -1)
        rank = i.text("source").lookup({s.value: r for s, r in SOURCE_RANK.items()})
        # verified over declared, then the latest period, then the latest entry (as evaluation does)
        valid_from = i["from"].astype(np.int64)  # NaT (never for a valid_from) sorts first
        order = np.lexsort((i["id"], valid_from, rank, kind, i["person"]))
        p_sorted, k_sorted = i["person"][order], kind[order]
        last = np.ones(len(order), bool)
        last[:-1] = (p_sorted[1:] != p_sorted[:-1]) | (k_sorted[1:] != k_sorted[:-1])
        chosen = order[last]
        q, rows = _expand(m["person"], i["person"][chosen])
        income[rows, kind[chosen][q]] = _fen(i["amount"][chosen][q])
    step("收入")

    extra = np.zeros(M, np.int64)
    q, rows = _expand(m["person"], e["person"])
    np.add.at(extra, rows, _fen(e["amount"])[q])

    adl_failed = np.full(M, -1, np.int64)
    if len(a["person"]):
        last = np.ones(len(a["person"]), bool)
        last[:-1] = a["person"][1:] != a["person"][:-1]
        failed = 6 - sum(a[f].astype(np.int64) for f in ("e", "d", "t", "o", "w", "b"))
        q, rows = _expand(m["person"], a["person"][last])
        adl_failed[rows] = np.asarray(failed)[last][q]
    step("评估与支出")

    q, rows = _expand(m["person"], s["person"])
    s_dis = s.text("disability").lookup({d.value: n + 1 for n, d in enumerate(DISABILITIES)})[q]
    supporters = SupporterColumns(
        member=rows.astype(np.int64),
        age=_ages(s["born"][q], as_of),
        income_fen=_fen(s["income"])[q],
        is_tekun=s["tekun"][q],
        is_dibao=s["dibao"][q],
        disability=s_dis,
        grade=np.where(s_dis > 0, s["grade"][q], 0),
        incapacitated=s["incapacitated"][q],
        missing=s["missing"][q],
        in_prison=s["prison"][q],
    )
    step("义务人")

    grade = np.where(disability > 0, m["grade"], 0)
    members = MemberColumns(
        household=m_h.astype(np.int64),
        relationship=relationship,
        age=_ages(m["born"], as_of),
        lives_together=m["lives_together"],
        support_duty=duty,
        unable_independent=m["unable"],
        away=m.text("away").lookup({r.value: n for n, r in enumerate(AWAY_REASONS)}),
        away_years=m["away_years"],
        student=m.text("student").lookup({s.value: n for n, s in enumerate(STUDENT_STATUSES)}),
        disability=disability,
        grade=grade,
        serious_illness=m["ill"],
        income_fen=income,
        extra_expense_fen=extra,
        adl_failed=adl_failed,
    )

    households = _household_columns(
        h_ids, h.text("region")[ok], h.text("hukou")[ok], applicant, as_of, bounds, ids
    )
    step("财产与在保")
    return Gathered(h_ids, households, members, supporters, int((~ok).sum()))


def _per_person(persons: RawSQL, as_of: date) -> tuple[Rows, Rows, Rows, Rows]:
    """Incomes, extra expenses, ADL assessments and supporters of the persons in `persons`."""
    i = fetch(
        IncomeRecord.objects.filter(covering(as_of), person_id__in=persons)
        .order_by()  # ordered below, in numpy
        .values_list("person_id", "kind", "source", "monthly_amount", "valid_from", "id"),
        {
            "person": "int",
            "kind": "str",
            "source": "str",
            "amount": "float",
            "from": "date",
            "id": "int",
        },
    )
    e = fetch(
        ExtraExpense.objects.filter(covering(as_of), person_id__in=persons).values_list(
            "person_id", "monthly_amount"
        ),
        {"person": "int", "amount": "float"},
    )
    a = fetch(
        AdlAssessmentRecord.objects.filter(person_id__in=persons, assessed_on__lte=as_of)
        .order_by("person_id", "assessed_on", "id")
        .values_list(
            "person_id", "eating", "dressing", "transfer", "toileting", "walking_indoors", "bathing"
        ),
        {"person": "int", **{f: "bool" for f in ("e", "d", "t", "o", "w", "b")}},
    )
    s = fetch(
        SupporterRecord.objects.filter(covering(as_of), person_id__in=persons)
        .order_by("id")
        .values_list(
            "person_id",
            "birth_date",
            "monthly_income",
            "is_tekun",
            "is_dibao_recipient",
            "disability_category",
            "disability_grade",
            "legally_incapacitated",
            "missing",
            "in_prison",
        ),
        {
            "person": "int",
            "born": "date",
            "income": "float",
            "tekun": "bool",
            "dibao": "bool",
            "disability": "str",
            "grade": "int",
            "incapacitated": "bool",
            "missing": "bool",
            "prison": "bool",
        },
    )
    return i, e, a, s


def _household_columns(
    h_ids: npt.NDArray[np.int64],
    village: Strings,
    hukou: Strings,
    applicant: npt.NDArray[np.int64],
    as_of: date,
    bounds: tuple[str, str],
    ids: tuple[int, int] | None = None,
) -> HouseholdColumns:
    H = len(h_ids)
    scope = range_q(bounds, "household__region_id") & id_range_q(ids)
    x = fetch(
        HouseholdAsset.objects.filter(covering(as_of), scope).values_list(
            "household_id",
            "kind",
            "amount",
            "vehicle_kind",
            "is_only_home",
            "floor_area",
        ),
        {
            "household": "int",
            "kind": "str",
            "amount": "float",
            "vehicle": "str",
            "only_home": "bool",
            "area": "float",
        },
    )
    pos = np.searchsorted(h_ids, x["household"])
    known = (pos < H) & (h_ids[np.minimum(pos, max(H - 1, 0))] == x["household"]) if H else pos < 0
    pos, kinds = pos[known], x.text("kind")[known]
    money = np.zeros(H, np.int64)
    np.add.at(
        money,
        pos[kinds.equals(AssetKind.MONEY)],
        _fen(x["amount"][known][kinds.equals(AssetKind.MONEY)]),
    )
    vehicles = np.zeros((H, len(VEHICLE_KINDS)), np.int64)
    v = kinds.equals(AssetKind.VEHICLE)
    v_kind = x.text("vehicle")[known][v].lookup({k.value: n for n, k in enumerate(VEHICLE_KINDS)})
    np.add.at(vehicles, (pos[v], v_kind), 1)
    nonres = kinds.equals(AssetKind.NONRESIDENTIAL)
    only = x["only_home"][known]
    nonresidential = np.bincount(pos[nonres & ~only], minlength=H)
    nonresidential_only_home = np.bincount(pos[nonres & only], minlength=H)
    home = kinds.equals(AssetKind.HOME)
    homes = np.bincount(pos[home], minlength=H)
    area = np.zeros(H, np.int64)
    np.add.at(area, pos[home], _fen(x["area"][known][home]))

    amount_now = (
        EnrolmentAmount.objects.filter(enrolment=OuterRef("pk"), effective_month__lte=as_of)
        .order_by("-effective_month")
        .values("amount")[:1]
    )
    en = fetch(
        Enrolment.objects.filter(
            covering(as_of, "start_month", "end_month"),
            scope,
            programme=ProgrammeCode.DIBAO,
            person__isnull=True,
        )
        .annotate(now=Subquery(amount_now))
        .order_by("start_month")
        .values_list("household_id", "now"),
        {"household": "int", "amount": "float"},
    )
    epos = np.searchsorted(h_ids, en["household"])
    eknown = (
        (epos < H) & (h_ids[np.minimum(epos, max(H - 1, 0))] == en["household"]) if H else epos < 0
    )
    enrolled = np.zeros(H, bool)
    enrolled_amount = np.zeros(H, np.int64)
    enrolled[epos[eknown]] = True
    enrolled_amount[epos[eknown]] = _fen(en["amount"][eknown])

    # The county is the first six digits of the village code: decided once per distinct village.
    used, village_index = np.unique(village.codes, return_inverse=True)
    county = np.array([county_of(village.values[u]) for u in used.tolist()] or [""], dtype=str)
    regions, county_index = np.unique(county[: len(used)], return_inverse=True)
    region_index = county_index.reshape(-1)[village_index.reshape(-1)]
    return HouseholdColumns(
        regions=tuple(str(r) for r in regions),
        as_of=as_of,
        region=region_index.astype(np.int64),
        applicant=applicant,
        money_fen=money,
        vehicles=vehicles,
        nonresidential=nonresidential,
        nonresidential_only_home=nonresidential_only_home,
        homes=homes,
        floor_area_centi=area,
        urban=~hukou.equals(HukouType.RURAL),
        enrolled=enrolled,
        enrolled_amount_fen=enrolled_amount,
        months_since_income_rose=np.full(H, -1, np.int64),
        rise_reason=np.zeros(H, np.int64),
    )


# ── comparing two evaluations ────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Change:
    household_id: int
    programme: str
    before_eligible: bool
    after_eligible: bool
    before_amount_fen: int
    after_amount_fen: int

    @property
    def delta_fen(self) -> int:
        return self.after_amount_fen - self.before_amount_fen

    def to_dict(self) -> dict[str, Any]:
        return {
            "household_id": self.household_id,
            "programme": self.programme,
            "before_eligible": self.before_eligible,
            "after_eligible": self.after_eligible,
            "before_amount": f"{self.before_amount_fen / 100:.2f}",
            "after_amount": f"{self.after_amount_fen / 100:.2f}",
            "delta": f"{self.delta_fen / 100:.2f}",
        }


def outcomes(result: BatchResult) -> dict[str, tuple[Col, Col]]:
    """Per household and programme: (eligible, monthly amount in fen)."""
    return {
        ProgrammeCode.DIBAO.value: (result.dibao_route > 0, result.dibao_amount_fen),
        ProgrammeCode.DIBIAN.value: (
            result.dibian_eligible,
            np.zeros_like(result.dibao_amount_fen),
        ),
        ProgrammeCode.TEKUN.value: (result.tekun_eligible, result.tekun_amount_fen),
    }


def changes(household_ids: Col, before: BatchResult, after: BatchResult) -> list[Change]:
    found: list[Change] = []
    old, new = outcomes(before), outcomes(after)
    for programme, (was, was_amount) in old.items():
        now, now_amount = new[programme]
        rows = np.nonzero((was != now) | (was_amount != now_amount))[0]
        found.extend(
            Change(
                int(household_ids[r]),
                programme,
                bool(was[r]),
                bool(now[r]),
                int(was_amount[r]),
                int(now_amount[r]),
            )
            for r in rows
        )
    return sorted(found, key=lambda c: (c.household_id, c.programme))


def evaluate_gathered(
    g: Gathered,
    params: Mapping[str, ParameterSet],
    *,
    engine: str = "duckdb",
    spark_session: Any = None,
) -> BatchResult:
    """Every gathered household decided: in this process, or (`engine="spark"`) cut into parts
    evaluated as Spark tasks (`assistance.distributed`), with the same arrays as the result."""
    if engine == "duckdb":
        return evaluate_batch(g.households, g.members, g.supporters, params)
    from minzheng.assistance import distributed

    return distributed.evaluate(
        g.households, g.members, g.supporters, params, engine=engine, spark_session=spark_session
    )


def totals(result: BatchResult) -> dict[str, int]:
    return {
        "dibao": int((result.dibao_route > 0).sum()),
        "dibao_amount_fen": int(result.dibao_amount_fen.sum()),
        "dibian": int(result.dibian_eligible.sum()),
        "tekun": int(result.tekun_eligible.sum()),
        "tekun_amount_fen": int(result.tekun_amount_fen.sum()),
        "single_person": int(result.single_person_eligible.sum()),
        "care_levels": len(CARE_LEVELS),
    }


def enrolment_changes(g: Gathered, result: BatchResult) -> list[Change]:
    """低保 households whose computed decision differs from their current enrolment."""
    hc = g.households
    now_eligible = result.dibao_route > 0
    rows = np.nonzero(
        (hc.enrolled != now_eligible)
        | (hc.enrolled & (hc.enrolled_amount_fen != result.dibao_amount_fen))
    )[0]
    return [
        Change(
            int(g.household_ids[r]),
            ProgrammeCode.DIBAO.value,
            bool(hc.enrolled[r]),
            bool(now_eligible[r]),
            int(hc.enrolled_amount_fen[r]),
            int(result.dibao_amount_fen[r]),
        )
        for r in rows
    ]


def county_codes(g: Gathered) -> Iterable[str]:
    return g.households.regions
