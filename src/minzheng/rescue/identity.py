"""Finding who a person taken in at the station is, in the whole city's registry: by ID number when
they have one (the blind index), else by name and birth date with the linkage app's name
normalisation and its pinyin (a name written down by ear — 王丽/王莉 — still matches).

The station searches the whole city on purpose: the person is usually not from the station's
village; the candidates it shows carry only name, masked ID number and home region."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from minzheng.core.idnumber import parse as parse_id_number
from minzheng.core.pii import ID_NUMBER, blind_index
from minzheng.linkage.normalize import normalize_name
from minzheng.linkage.pinyin import name_pinyin
from minzheng.linkage.queries import persons_for_linkage
from minzheng.registry.models import Person


@dataclass(frozen=True)
class Candidate:
    person_id: int
    name: str
    id_number_masked: str
    region_name: str
    how: str  # why this person is a candidate, in words


@dataclass(frozen=True)
class IdentityResult:
    candidates: tuple[Candidate, ...]
    found: Candidate | None  # exactly one strong candidate: the identity is taken as found
    note: str


def _candidate(p: Person, how: str) -> Candidate:
    return Candidate(p.pk, p.name, p.id_number_masked, p.region.name, how)


def find_identity(
    *, name: str, birth_date: date | None, id_number: str, today: date
) -> IdentityResult:
    people = persons_for_linkage(None).select_related("region")
    if id_number.strip():
        check = parse_id_number(id_number, today=today)
        if check.valid:
            hit = people.filter(id_number_index=blind_index(ID_NUMBER, check.normalized)).first()
            if hit is not None:
                found = _candidate(hit, "身份证号一致")
                return IdentityResult((found,), found, f"身份证号比对：{hit.name}")
            return IdentityResult((), None, "身份证号在人口库中未找到")
        return IdentityResult(
            (), None, f"身份证号不可用：{check.error.message if check.error else ''}"
        )
    wanted = normalize_name(name)
    if not wanted or birth_date is None:
        return IdentityResult((), None, "姓名或出生日期不详，未比对")
    sound = name_pinyin(wanted)
    exact: list[Candidate] = []
    alike: list[Candidate] = []
    for p in people.filter(birth_date=birth_date, date_of_death__isnull=True)[:500]:
        if normalize_name(p.name) == wanted:
            exact.append(_candidate(p, "姓名、出生日期一致"))
        elif name_pinyin(normalize_name(p.name) or "") == sound:
            alike.append(_candidate(p, "姓名同音、出生日期一致"))
    candidates = tuple(exact + alike)
    if len(exact) == 1 and not alike:
        return IdentityResult(candidates, exact[0], f"姓名、出生日期比对：{exact[0].name}")
    if not candidates:
        return IdentityResult((), None, "人口库中没有姓名、出生日期相符的人员")
    return IdentityResult(candidates, None, f"找到{len(candidates)}名可能人员，待人工确认")
