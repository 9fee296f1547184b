"""Demo data: department records about residents of 南门街道 (海曙区) as other departments wrote
them down — some with the resident's ID number, some with a homophone or traditional name, an ID
typo, or no ID at all — and a linkage run over 海曙区, so the review queue, a pair's evidence and
the identity profiles show real work on first login. 福湖社区's residents come first, so the village
assistant's 疑似同一人 has pairs too; and the township's old 特困 roster still lists 福湖社区's
orphan, whom the 孤儿 allowance now covers — a 身份冲突 for the village and the township.
Idempotent: a second run changes nothing."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.db.models import Q
from opencc import OpenCC

from minzheng.accounts.models import User
from minzheng.core import clock
from minzheng.core.regioncode import RegionCode
from minzheng.linkage.actions import do_run_linkage
from minzheng.linkage.models import SourceRecord
from minzheng.linkage.synthetic import _homophone_of
from minzheng.registry.models import IdentityTag, Person

TOWNSHIP = "330203001"  # 南门街道, 海曙区
VILLAGE = "330203001001"  # 福湖社区, the demo village assistant's
# A department roster that still names a child the 孤儿 allowance now covers as 特困: the identity
# profile's rule `orphan_allowance_with_tekun` fires for him.
STALE_TEKUN = ("民政（原特困供养名册）", IdentityTag.Tag.TEKUN)
RUN_AS = "approver_haishu"
# (department, noise, identity attested) for the first persons of the township, in pk order.
PLAN: tuple[tuple[str, str, str], ...] = (
    ("医保", "traditional", ""),
    ("残联", "same", IdentityTag.Tag.DISABLED),
    ("人社", "homophone_no_id", ""),
    ("人社", "homophone_no_id", ""),
    ("卫健", "id_typo", ""),
    ("人社", "no_id_new_phone", ""),
    ("医保", "id_15", ""),
    ("残联", "homophone_no_id", IdentityTag.Tag.DISABLED),
    ("人社", "no_id_new_phone", ""),
    ("卫健", "traditional", ""),
    ("人社", "homophone_no_id", ""),
    ("医保", "no_id_new_phone", ""),
    # Uncertain on purpose, for the review queue: a name and a birth date and nothing else, and
    # a homophone name with a birth date at another address.
    ("教育", "name_birth_only", ""),
    ("人社", "name_birth_only", ""),
    ("住建", "homophone_moved", ""),
    ("人社", "homophone_moved", ""),
)


def _homophone(name: str) -> str:
    groups = _homophone_of()
    for i in range(len(name) - 1, 0, -1):
        others = [c for c in groups.get(name[i], "") if c != name[i]]
        if others:
            return name[:i] + others[0] + name[i + 1 :]
    return name


def _id_typo(number: str) -> str:
    digit = str((int(number[15]) + 3) % 10)
    return number[:15] + digit + number[16:]


def _seed_nanmen(today: date | None = None) -> int:
    """Department records for a dozen residents of 南门街道 (福湖社区's first) and the stale 特困
    record of its orphan, then a run over 海曙区. Returns the number of records created."""
    if SourceRecord.objects.filter(record_id__startswith="DEMO-").exists():
        return 0
    day = today or clock.today()
    orphans = IdentityTag.objects.filter(
        tag=IdentityTag.Tag.ORPHAN, region__code__startswith=TOWNSHIP, valid_from__lte=day
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))  # until the child turns 18
    orphan = Person.objects.filter(pk__in=orphans.values("person_id")).order_by("pk").first()
    residents = Person.objects.exclude(address="")
    if orphan is not None:
        residents = residents.exclude(pk=orphan.pk)
    persons = list(residents.filter(region_id=VILLAGE).order_by("pk")[: len(PLAN)])
    persons += (
        residents.filter(region__code__startswith=TOWNSHIP)
        .exclude(region_id=VILLAGE)
        .order_by("pk")[: len(PLAN) - len(persons)]
    )
    created = _department_records(persons, "DEMO-", "海曙区白云街道望春路18号")
    if orphan is not None:
        created += _stale_tekun_record(orphan, f"DEMO-{len(PLAN) + 1:03d}")
    reviewer = User.objects.filter(username=RUN_AS).first()
    if created and reviewer is not None:
        with splink_quiet():
            do_run_linkage(reviewer, today=today)
    return created


def seed_demo(today: date | None = None) -> int:
    """南门街道's records and run, then each of `registry.demo.DEMO_COUNTIES`' (`seed_county`);
    returns the number of 南门街道's records created."""
    from minzheng.registry.demo import DEMO_COUNTIES

    created = _seed_nanmen(today)
    for county in DEMO_COUNTIES:
        seed_county(county, today)
    return created


def _department_records(persons: list[Person], prefix: str, moved_to: str) -> int:
    """`PLAN`'s records for `persons` in turn, numbered `prefix`001 …; a moved person's record
    carries the address `moved_to`. Returns the records written."""
    t2s = OpenCC("s2t")
    created = 0
    for number, (person, (department, noise, identity)) in enumerate(
        zip(persons, PLAN, strict=False), start=1
    ):
        id_number = person.id_number_plain()
        phone = person.phone_plain()
        name, address = person.name, person.address
        if noise == "traditional":
            name, address = t2s.convert(name), t2s.convert(address)
        elif noise == "homophone_no_id":
            name, id_number = _homophone(name), ""
        elif noise == "id_typo" and len(id_number) == 18:
            id_number = _id_typo(id_number)
        elif noise == "no_id_new_phone":
            id_number, phone = "", ""
        elif noise == "id_15" and len(id_number) == 18 and id_number[6:8] == "19":
            id_number = id_number[:6] + id_number[8:17]
        elif noise == "name_birth_only":
            id_number, phone, address = "", "", ""
        elif noise == "homophone_moved":
            name, id_number, phone = _homophone(name), "", ""
            address = moved_to
        record = SourceRecord(
            department=department,
            record_id=f"{prefix}{number:03d}",
            name=name,
            birth_date=person.birth_date,
            sex=person.sex or "",
            address=address,
            identity=identity,
            identity_from=date(2020, 1, 1) if identity else None,
            region_id=person.region_id,
        )
        record.set_id_number(id_number)
        record.set_phone(phone)
        record.save()
        created += 1
    return created


def seed_county(county_code: str, today: date | None = None) -> int:
    """A demo county (鄞州): `PLAN`'s department records for the residents of its busiest
    village's township (the village's first), numbered DEMO-<county>-001 …, and the old 特困
    roster's record of the county's first orphan (the township's if it has one; else of the
    township's first 低保 recipient, whom it still lists too), then a run over the county by its
    approver, so 疑似同一人, the identity profiles and 身份冲突名单 have its own work. Returns the
    records created; 0 when the county has them already."""
    from minzheng.core.regioncode import county_of
    from minzheng.registry.demo import county_approver, county_village

    prefix = f"DEMO-{county_of(county_code)}-"
    if SourceRecord.objects.filter(record_id__startswith=prefix).exists():
        return 0
    village = county_village(county_code)
    approver = county_approver(county_code)
    if village is None or approver is None:
        return 0
    residents = Person.objects.unscoped_within(RegionCode.of(village.code).township).exclude(
        address=""
    )
    persons = list(residents.filter(region_id=village.code).order_by("pk")[: len(PLAN)])
    persons += residents.exclude(region_id=village.code).order_by("pk")[: len(PLAN) - len(persons)]
    township = RegionCode.of(village.code).township
    stale = (
        _first_holder(township, IdentityTag.Tag.ORPHAN, today)
        or _first_holder(RegionCode.of(county_code), IdentityTag.Tag.ORPHAN, today)
        or _first_holder(township, IdentityTag.Tag.DIBAO, today)
    )
    if stale is not None:
        persons = [p for p in persons if p.pk != stale.pk]
    created = _department_records(persons, prefix, "鄞州区钟公庙街道天童南路588号")
    if stale is not None:
        created += _stale_tekun_record(stale, f"{prefix}{len(PLAN) + 1:03d}")
    if created:
        with splink_quiet():
            do_run_linkage(approver, today=today)
    return created


def _first_holder(unit: RegionCode, tag: str, today: date | None) -> Person | None:
    """The first person of `unit` holding the identity `tag` on the day."""
    from minzheng.accounts.scope import region_q

    day = today or clock.today()
    holders = IdentityTag.objects.filter(region_q(unit), tag=tag, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )
    return Person.objects.filter(pk__in=holders.values("person_id")).order_by("pk").first()


class SplinkBelowError(logging.Filter):
    """Holds back Splink's log records below ERROR, keeping them (each once, however many
    handlers ask); every other record passes."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    @property
    def held(self) -> int:
        return len(self.records)

    def filter(self, record: logging.LogRecord) -> bool:
        splink = record.name == "splink" or record.name.startswith("splink.")
        if splink and record.levelno < logging.ERROR:
            if not any(kept is record for kept in self.records):
                self.records.append(record)
            return False
        return True


@contextmanager
def splink_quiet() -> Iterator[SplinkBelowError]:
    """The demo's linkage step without Splink's training warnings in the demo's output: a
    dozen records leave most comparison levels unobserved and the default `max_pairs` small,
    which Splink warns about line by line (the engine's `Linker(log_level=WARNING)` resets the
    level the settings give it). Its errors, and everyone else's records and warnings, still
    show; outside this block nothing changes."""
    held = SplinkBelowError()
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(held)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"splink(\.|$)")
            yield held
    finally:
        for handler in handlers:
            handler.removeFilter(held)


def _stale_tekun_record(orphan: Person, record_id: str) -> int:
    department, identity = STALE_TEKUN
    record = SourceRecord(
        department=department,
        record_id=record_id,
        name=orphan.name,
        birth_date=orphan.birth_date,
        sex=orphan.sex or "",
        address=orphan.address,
        identity=identity,
        identity_from=date(2019, 1, 1),
        region_id=orphan.region_id,
    )
    record.set_id_number(orphan.id_number_plain())
    record.set_phone("")
    record.save()
    return 1
