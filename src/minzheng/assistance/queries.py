"""Reads for the assistance app: parameters from the database, decisions in scope."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Sum

from minzheng.accounts.scope import ScopedActor
from minzheng.assistance.errors import ParameterInvalid
from minzheng.assistance.models import EligibilityDecision, PolicyParameter
from minzheng.assistance.parameter_catalog import all_specs, spec_for
from minzheng.assistance.parameters import (
    Confidence,
    ParameterRow,
    ParameterSet,
    ParameterSpec,
    ParameterValue,
    ValueKind,
    region_chain,
    resolve_parameters,
)

Status = PolicyParameter.Status


def encode_value(value: ParameterValue) -> Any:
    """The JSON form of a value: Decimal as a string (exact), codes as a list."""
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    return list(value)


def decode_value(key: str, raw: Any) -> ParameterValue:
    """A stored JSON value back to what the rules read, by the catalogue's kind for `key`."""
    try:
        kind = spec_for(key).kind
    except KeyError:
        raise ParameterInvalid(f"未知的政策参数：{key}") from None
    try:
        if kind is ValueKind.DECIMAL:
            if isinstance(raw, bool | float):
                raise ValueError
            return Decimal(str(raw))
        if kind is ValueKind.INTEGER:
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ValueError
            return raw
        if kind is ValueKind.BOOLEAN:
            if not isinstance(raw, bool):
                raise ValueError
            return raw
        if kind is ValueKind.ROUNDING:
            if not isinstance(raw, str):
                raise ValueError
            return raw
        if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
            raise ValueError
        return tuple(raw)
    except (ValueError, ArithmeticError):
        raise ParameterInvalid(f"政策参数 {key} 的取值 {raw!r} 格式不正确") from None


def row_of(p: PolicyParameter) -> ParameterRow:
    return ParameterRow(
        p.key,
        p.region_code,
        p.effective_from,
        decode_value(p.key, p.value),
        p.source,
        Confidence(p.confidence),
        p.illustrative,
    )


@dataclass
class _ActiveRows:
    """Every active row, decoded once, and the sets resolved from them, for one `stamp`."""

    stamp: tuple[Any, ...]
    rows: list[ParameterRow]
    sets: dict[tuple[str, date], ParameterSet] = field(default_factory=dict)


_batch_rows: ContextVar[_ActiveRows | None] = ContextVar("batch_parameter_rows")


@contextmanager
def parameters_cached() -> Iterator[None]:
    """For a batch that resolves parameters thousands of times (the demo's build: a meal, a bank
    account, a roll line each asked for its county's set, 64 ms of reading and decoding all 268
    rows every time): inside, the active rows are read once and the resolved sets kept, for as
    long as the rows are unchanged. Each call still asks the database for the active rows' count,
    id sum and latest creation and confirmation times, so a row proposed, confirmed or withdrawn
    inside the batch is read at once (rows are never edited: a change is a new or a withdrawn row).
    """
    token = _batch_rows.set(None)
    try:
        yield
    finally:
        _batch_rows.reset(token)


def _active_stamp() -> tuple[Any, ...]:
    seen = PolicyParameter.objects.filter(status=Status.ACTIVE).aggregate(
        n=Count("id"), ids=Sum("id"), created=Max("created_at"), confirmed=Max("confirmed_at")
    )
    return (seen["n"], seen["ids"], seen["created"], seen["confirmed"])


def _cached_active_rows() -> _ActiveRows | None:
    """The batch's rows, read again when the stamp moved; None outside `parameters_cached`."""
    try:
        cached = _batch_rows.get()
    except LookupError:
        return None
    stamp = _active_stamp()
    if cached is None or cached.stamp != stamp:
        rows = [row_of(p) for p in PolicyParameter.objects.filter(status=Status.ACTIVE)]
        cached = _ActiveRows(stamp, rows)
        _batch_rows.set(cached)
    return cached


def parameter_rows(
    region_code: str, *, extra: Iterable[PolicyParameter] = (), until: date | None = None
) -> list[ParameterRow]:
    """Active rows along the region's chain (county → city → province → nation), plus `extra`."""
    chain = region_chain(region_code)
    cached = _cached_active_rows()
    if cached is not None:
        return [
            *(
                r
                for r in cached.rows
                if r.region_code in chain and (until is None or r.effective_from <= until)
            ),
            *(row_of(p) for p in extra),
        ]
    rows = PolicyParameter.objects.filter(region_code__in=chain, status=Status.ACTIVE)
    if until is not None:
        rows = rows.filter(effective_from__lte=until)
    return [row_of(p) for p in (*rows, *extra)]


def parameter_set(
    region_code: str, as_of: date, *, extra: Iterable[PolicyParameter] = ()
) -> ParameterSet:
    """The `ParameterSet` the rules take, resolved from the database rows in force on `as_of`.

    `extra` adds rows not yet active (a proposal being previewed).
    """
    extra = tuple(extra)
    cached = None if extra else _cached_active_rows()
    if cached is None:
        return resolve_parameters(parameter_rows(region_code, extra=extra), region_code, as_of)
    found = cached.sets.get((region_code, as_of))
    if found is None:
        chain = region_chain(region_code)
        rows = [r for r in cached.rows if r.region_code in chain]
        found = resolve_parameters(rows, region_code, as_of)
        cached.sets[(region_code, as_of)] = found
    return found


def parameter_sets(regions: Iterable[str], as_of: date) -> dict[str, ParameterSet]:
    """One set per county code, from one query for every row."""
    all_rows = [row_of(p) for p in PolicyParameter.objects.filter(status=Status.ACTIVE)]
    return {code: resolve_parameters(all_rows, code, as_of) for code in set(regions)}


def replay_parameter_set(region_code: str, as_of: date, versions: Iterable[str]) -> ParameterSet:
    """Exactly the parameter versions a stored decision used, whatever was scheduled since."""
    wanted = set(versions)
    rows = [
        row_of(p)
        for p in PolicyParameter.objects.filter(region_code__in=region_chain(region_code)).exclude(
            status=Status.WITHDRAWN
        )
        if p.version_id in wanted
    ]
    missing = wanted - {r.version_id for r in rows}
    if missing:
        raise ParameterInvalid(f"重放所需的参数版本已不存在：{', '.join(sorted(missing))}")
    return resolve_parameters(rows, region_code, as_of)


def parameter_table() -> list[tuple[ParameterSpec, list[PolicyParameter]]]:
    """Each catalogue key with all its dated values (pending and withdrawn too), for the page."""
    by_key: dict[str, list[PolicyParameter]] = {}
    for p in PolicyParameter.objects.select_related("created_by"):
        by_key.setdefault(p.key, []).append(p)
    return [(spec, by_key.get(spec.key, [])) for spec in all_specs()]


def decisions_for(actor: ScopedActor, household_id: int) -> list[EligibilityDecision]:
    return list(
        EligibilityDecision.objects.visible_to(actor)
        .filter(household_id=household_id)
        .order_by("-as_of", "-id")
    )
