"""State changes of elderly care: record an ability assessment; find the 高龄津贴 enrolments of a
county's month from the registry. Each is one transaction, permission-checked and audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import region_q
from minzheng.assistance.models import Enrolment, EnrolmentAmount
from minzheng.assistance.parameters import ParameterSet
from minzheng.core import audit, clock
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import RegionCode, county_of, full_code
from minzheng.core.yearmonth import YearMonth
from minzheng.eldercare import queries, rules
from minzheng.eldercare.models import Assessment, MealPoint, MealRecord, MealStatement
from minzheng.eldercare.rules import BAND_LABELS, LEVEL_LABELS, Conditions, RiskEvent
from minzheng.regions.models import Level, Region
from minzheng.registry.models import Membership, Person

GAOLING = queries.GAOLING


def _months_later(day: date, months: int) -> date:
    target = YearMonth.of(day) + months
    last = target.last_day().day
    return date(target.year, target.month, min(day.day, last))


def parse_risk_events(rows: list[tuple[str, str]]) -> tuple[tuple[RiskEvent, date], ...]:
    """(kind, YYYY-MM-DD) pairs from a form or a body; blank rows are skipped."""
    events: list[tuple[RiskEvent, date]] = []
    for kind, day in rows:
        kind, day = kind.strip(), day.strip()
        if not kind and not day:
            continue
        if kind not in rules.RISK_EVENT_LABELS:
            raise rules.AnswerInvalid("请选择照护风险事件类型", code="event_kind_invalid")
        try:
            events.append((RiskEvent(kind), date.fromisoformat(day)))
        except ValueError:
            raise rules.AnswerInvalid(
                f"照护风险事件（{rules.RISK_EVENT_LABELS[kind]}）的日期应为 YYYY-MM-DD",
                code="event_date_invalid",
            ) from None
    return tuple(events)


def do_record_assessment(
    actor: User,
    person_id: int,
    *,
    answers: dict[str, int],
    conditions: Conditions,
    assessed_on: date,
    reason: str = "",
    second_assessor: str = "",
) -> Assessment:
    """An assessor's result for one elderly person; earlier assessments stay as history."""
    if not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("只有乡镇经办员、村社协理员可以录入能力评估")
    person = Person.objects.get_visible(actor, pk=person_id)
    today = clock.today()
    if assessed_on > today:
        raise ValidationFailed("评估日期不能晚于今天", code="assessed_in_future")
    if person.date_of_death is not None and person.date_of_death <= assessed_on:
        raise ValidationFailed(f"{person.name}已于{person.date_of_death}死亡", code="deceased")
    params = queries.parameters(person.region_id, assessed_on)
    elderly_age, _ = params.integer("eldercare.elderly_age")
    if person.birth_date is None or rules.age_on(person.birth_date, assessed_on) < elderly_age:
        raise ValidationFailed(
            f"{person.name}未满{elderly_age}周岁，不属于老年人能力评估对象", code="not_elderly"
        )
    second_assessor = second_assessor.strip()
    if len(second_assessor) > 60:
        raise ValidationFailed("第二评估员姓名不超过60个字", code="second_assessor_too_long")
    policy = queries.ability_policy(person.region_id, assessed_on)
    result = rules.assess(answers, conditions, assessed_on, policy)
    with transaction.atomic():
        # Lock the person: two assessors saving at once get two ordered history rows.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        earlier = Assessment.objects.filter(person=person).exists()
        if not earlier:
            reason = Assessment.Reason.FIRST
        elif reason not in (Assessment.Reason.ROUTINE, Assessment.Reason.CHANGE):
            reason = Assessment.Reason.ROUTINE
        groups = result.group_scores
        assessment = Assessment.objects.create(
            person=person,
            region_id=person.region_id,
            assessed_on=assessed_on,
            reason=reason,
            assessor=actor,
            second_assessor=second_assessor,
            item_scores=result.item_scores,
            self_care_score=groups[rules.Group.SELF_CARE],
            movement_score=groups[rules.Group.MOVEMENT],
            mental_score=groups[rules.Group.MENTAL],
            perception_score=groups[rules.Group.PERCEPTION],
            total=result.total,
            preliminary_level=result.preliminary_level.value,
            level=result.final_level.value,
            coma=conditions.coma,
            dementia=conditions.dementia,
            mental_disorder=conditions.mental_disorder,
            risk_events=[[k.value, d.isoformat()] for k, d in conditions.risk_events],
            adjustments=list(result.adjustments),
            tekun_care_level=result.tekun_care_level,
            explanation=list(result.explanation),
            parameter_versions=list(result.parameter_versions),
            next_due=_months_later(assessed_on, policy.reassess_months),
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "eldercare_assessment",
            assessment.pk,
            summary=f"{person.name}能力评估：总分{result.total}，{LEVEL_LABELS[result.final_level]}",
            after={"total": result.total, "level": result.final_level.value},
            person_id=person.pk,
            region_code=person.region_id,
        )
    return assessment


# ── 高龄津贴 ────────────────────────────────────────────────────────────────────────────────


@dataclass
class AllowanceRun:
    county: str
    month: YearMonth
    enrolled: int = 0
    raised: int = 0
    ended: int = 0
    without_household: list[str] = field(default_factory=list)


def _county(code: str) -> Region:
    region = Region.objects.filter(pk=full_code(code)).first()
    if region is None or region.level != Level.COUNTY:
        raise ValidationFailed(f"区划 {code} 不是县（市、区）", code="not_a_county")
    return region


def do_enrol_allowances(actor: User | None, county_code: str, month: YearMonth) -> AllowanceRun:
    """Find the month's 高龄津贴 from the registry, without application:

    - a living person of the county aged at least the first band on the month's first day, with
      no open 高龄津贴, is enrolled from this month at the band's amount;
    - an open enrolment whose person has moved up a band gets the new amount from this month;
    - an open enrolment whose person died is ended after the month of death (the roll already
      stops paying from the month after; months paid after the death become overpayments).

    Safe to run again: a second run of the same month finds nothing to do — nor does a run of a
    past month after a death ended an enrolment that paid it.
    """
    if actor is not None and not actor.can(Capability.APPROVE):
        raise PermissionDenied("只有县级审核审批员可以生成高龄津贴名单")
    county = _county(county_code)
    unit = RegionCode.of(county.code, county.level)
    if actor is not None and not actor.scope_code().encloses(unit):
        raise PermissionDenied("该县（市、区）不在您的管辖范围内")
    first = month.first_day()
    bands = rules.allowance_bands(queries.parameters(county.code, first))
    youngest = min(b.from_age for b in bands)
    run = AllowanceRun(county.code, month)
    from minzheng.assistance.actions import do_end_enrolment

    with transaction.atomic():
        # One run per county at a time: the county row is the lock two runs queue on.
        Region.objects.select_for_update().filter(pk=county.pk).first()
        # Read as values, not models: a county has thousands of 高龄 enrolments and persons.
        open_rows: dict[int, int] = {}  # person → open enrolment
        deaths: dict[int, tuple[date, str]] = {}  # open enrolment → its person's death, name
        for enrolment_id, person_id, died, name in (
            Enrolment.objects.filter(region_q(unit), programme=GAOLING)
            .exclude(status=Enrolment.Status.ENDED)
            .values_list("id", "person_id", "person__date_of_death", "person__name")
        ):
            open_rows[person_id] = enrolment_id
            if died is not None:
                deaths[enrolment_id] = (died, name or "")
        latest_band: dict[int, tuple[str | None, date]] = {
            enrolment_id: (components.get("band"), effective)
            for enrolment_id, components, effective in EnrolmentAmount.objects.filter(
                enrolment__in=list(open_rows.values())
            )
            .order_by("enrolment_id", "effective_month", "id")
            .values_list("enrolment_id", "components", "effective_month")
        }
        # The dead first: their enrolments end and they are not enrolled again.
        for person_id, enrolment_id in list(open_rows.items()):
            died, name = deaths.get(enrolment_id, (None, ""))
            if died is not None and died < first:
                do_end_enrolment(
                    actor,
                    Enrolment.objects.get(pk=enrolment_id),
                    last_paid_month=YearMonth.of(died),
                    reason=f"{name}死亡，高龄津贴停发",
                )
                run.ended += 1
                del open_rows[person_id]
        # Ended enrolments that paid this month already (a past month run again after a death
        # ended one): their person is covered for the month, not enrolled a second time.
        paid_this_month = set(
            Enrolment.objects.filter(
                region_q(unit),
                programme=GAOLING,
                status=Enrolment.Status.ENDED,
                start_month__lte=first,
                end_month__gt=first,
            ).values_list("person_id", flat=True)
        )
        born_by = date(first.year - youngest, first.month, 1)
        people = (
            Person.objects.filter(region_q(unit), birth_date__lte=born_by)
            .filter(Q(date_of_death__isnull=True) | Q(date_of_death__gte=first))
            .values_list("id", "name", "birth_date", "region_id")
        )
        households = dict(
            Membership.objects.filter(person__in=people.values("id"), valid_from__lte=first)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=first))
            .values_list("person_id", "household_id")
        )
        new_enrolments: list[Enrolment] = []
        new_amounts: list[tuple[Enrolment, rules.AllowanceBand]] = []
        raised: list[EnrolmentAmount] = []
        for person_id, person_name, birth_date, region_id in people:
            assert birth_date is not None
            band = rules.allowance_band(birth_date, first, bands)
            if band is None:
                continue
            existing = open_rows.get(person_id)
            if existing is not None:
                code, effective = latest_band.get(existing, (None, None))
                if effective is None or code != band.code:
                    if effective is not None and effective >= first:
                        continue  # already set for this month or later
                    raised.append(_amount(existing, band, first))
                continue
            if person_id in paid_this_month:
                continue
            household_id = households.get(person_id)
            if household_id is None:
                run.without_household.append(person_name)
                continue
            enrolment = Enrolment(
                household_id=household_id,
                person_id=person_id,
                programme=GAOLING,
                region_id=region_id,
                status=Enrolment.Status.ACTIVE,
                start_month=first,
                decision={
                    "basis": "age",
                    "band": band.code,
                    "age": rules.age_on(birth_date, first),
                    "parameter_versions": list(band.version_ids),
                },
                created_by=actor if actor is not None and actor.pk else None,
            )
            new_enrolments.append(enrolment)
            new_amounts.append((enrolment, band))
        Enrolment.objects.bulk_create(new_enrolments, batch_size=500)
        EnrolmentAmount.objects.bulk_create(
            [_amount(e.pk, band, first) for e, band in new_amounts] + raised, batch_size=500
        )
        run.enrolled, run.raised = len(new_enrolments), len(raised)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "allowance_run",
            f"{county.code}-{month}",
            summary=(
                f"{county.name}{month}高龄津贴：新纳入{run.enrolled}人，调档{run.raised}人，"
                f"停发{run.ended}人"
            ),
            after={"inserted": run.enrolled, "lines": run.raised, "recorded": run.ended},
            region_code=county.code,
            actor_name=None if actor else "system",
        )
    return run


def _amount(enrolment_id: int, band: rules.AllowanceBand, first: date) -> EnrolmentAmount:
    return EnrolmentAmount(
        enrolment_id=enrolment_id,
        effective_month=first,
        amount=band.monthly_amount,
        components={"band": band.code, "parameter_versions": list(band.version_ids)},
        reason=f"高龄津贴 {BAND_LABELS[band.code]}",
    )


# ── 助餐 ────────────────────────────────────────────────────────────────────────────────────


def do_add_meal_point(
    actor: User | None, *, name: str, village_code: str, operator: str = ""
) -> MealPoint:
    """A meal point in a village; `actor` None is the demo or the command line."""
    if actor is not None and not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("只有乡镇经办员、村社协理员可以登记助餐点")
    name, operator, village_code = name.strip(), operator.strip(), village_code.strip()
    if not name or len(name) > 100 or len(operator) > 100:
        raise ValidationFailed("请填写助餐点名称（不超过100个字）", code="meal_point_name")
    village = Region.objects.filter(pk=village_code, level=Level.VILLAGE).first()
    if village is None or (actor is not None and not actor.covers(village.code)):
        raise ValidationFailed(
            f"村（社区）代码 {village_code} 不存在或不在您的管辖范围内", code="unknown_village"
        )
    if MealPoint.objects.filter(region=village, name=name).exists():
        raise ValidationFailed(f"{village.name}已有助餐点“{name}”", code="duplicate_meal_point")
    with transaction.atomic():
        point = MealPoint.objects.create(
            name=name, region=village, operator=operator, created_by=actor
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "meal_point",
            point.pk,
            summary=f"登记助餐点 {village.name}·{name}",
            region_code=village.code,
            actor_name=None if actor else "system",
        )
    return point


@dataclass(frozen=True)
class MealEntry:
    """One diner's meals of one day, as a clerk types them: the ID number, the day, the meals."""

    id_number: str
    day: date
    meals: int


def do_record_meal(
    actor: User, *, point_id: int, id_number: str, day: date, meals: int
) -> MealRecord:
    """A day's meals for one elderly person at a point; the subsidy is decided now and kept."""
    return do_record_meals(actor, point_id=point_id, entries=[MealEntry(id_number, day, meals)])[0]


def do_record_meals(
    actor: User, *, point_id: int, entries: Sequence[MealEntry]
) -> list[MealRecord]:
    """Meals at one point, each entry checked and priced as `do_record_meal` does it (the first
    entry that fails stops the whole batch, with its message), written in one transaction with
    one audit event per record: the diners in one query, their identity tags and programmes in
    three, the parameters once a day, the records and their events in one insert each."""
    from minzheng.core.idnumber import normalize
    from minzheng.core.pii import ID_NUMBER, blind_index

    if not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("只有乡镇经办员、村社协理员可以录入就餐记录")
    point = MealPoint.objects.visible_to(actor).filter(pk=point_id, active=True).first()
    if point is None:
        raise ValidationFailed("请选择辖区内运营中的助餐点", code="unknown_meal_point")
    today = clock.today()
    indexes: list[str] = []
    for entry in entries:
        try:
            indexes.append(blind_index(ID_NUMBER, normalize(entry.id_number)))
        except (ValueError, TypeError):
            indexes.append("")
    persons: dict[str, Person] = {}
    for found in Person.objects.filter(id_number_index__in={i for i in indexes if i}).order_by(
        "-pk"
    ):
        # The first by pk wins, as `.first()` finds it.
        persons[str(found.id_number_index)] = found
    held = queries.held_statuses_on(
        [(persons[i].pk, e.day) for i, e in zip(indexes, entries, strict=True) if i in persons]
    )
    params: dict[date, ParameterSet] = {}
    priced: list[tuple[MealEntry, Person, rules.MealSubsidy]] = []
    for index, entry in zip(indexes, entries, strict=True):
        day = entry.day
        if day > today:
            raise ValidationFailed("就餐日期不能晚于今天", code="meal_in_future")
        person = persons.get(index) if index else None
        if person is None:
            raise ValidationFailed("该身份证号不在人员库中，请核对", code="person_not_found")
        if person.date_of_death is not None and person.date_of_death < day:
            raise ValidationFailed(f"{person.name}已于{person.date_of_death}死亡", code="deceased")
        if person.birth_date is None:
            raise ValidationFailed(
                f"{person.name}缺少出生日期，无法确定补贴类别", code="no_birth_date"
            )
        if day not in params:
            params[day] = queries.parameters(point.region_id, day)
        subsidy = rules.meal_subsidy(
            params[day],
            held=held[(person.pk, day)],
            age=rules.age_on(person.birth_date, day),
            disabled=bool(person.disability_grade),
            meals=entry.meals,
        )
        priced.append((entry, person, subsidy))
    days = {entry.day for entry in entries}
    with transaction.atomic():
        recorded = set(
            MealRecord.objects.filter(
                point=point, person__in={p.pk for _, p, _ in priced}, day__in=days
            ).values_list("person_id", "day")
        )
        settled = set(
            MealStatement.objects.filter(
                point=point, month__in={YearMonth.of(d).first_day() for d in days}
            ).values_list("month", flat=True)
        )
        records: list[MealRecord] = []
        for entry, person, subsidy in priced:
            if (person.pk, entry.day) in recorded:
                raise ValidationFailed(
                    f"{person.name} {entry.day.isoformat()} 在{point.name}的就餐已记录",
                    code="meal_recorded",
                )
            if YearMonth.of(entry.day).first_day() in settled:
                raise ValidationFailed(
                    f"{point.name} {YearMonth.of(entry.day)} 已结算，不能补录",
                    code="month_settled",
                )
            recorded.add((person.pk, entry.day))
            records.append(
                MealRecord(
                    point=point,
                    person=person,
                    region_id=point.region_id,
                    day=entry.day,
                    meals=entry.meals,
                    category=subsidy.category,
                    subsidy_per_meal=subsidy.per_meal,
                    subsidy=subsidy.amount,
                    parameter_versions=list(subsidy.versions),
                    recorded_by=actor,
                )
            )
        MealRecord.objects.bulk_create(records, batch_size=500)
        audit.record_many(
            actor,
            AuditEvent.Action.CREATE,
            "meal_record",
            [
                audit.Entry(
                    object_id=record.pk,
                    summary=f"{person.name} {entry.day.isoformat()} 在{point.name}就餐"
                    f"{entry.meals}次，补贴{subsidy.amount}元",
                    person_id=person.pk,
                    region_code=point.region_id,
                )
                for record, (entry, person, subsidy) in zip(records, priced, strict=True)
            ],
        )
    return records


def do_confirm_meal_statement(actor: User, point_id: int, month: YearMonth) -> MealStatement:
    """Close a meal point's month: the subsidy of its records becomes a payable to the point in
    the payments ledger (借 支出 / 贷 应付), in the county's roll of that month."""
    from minzheng.payments.jobs import book_payable

    if not actor.can(Capability.APPROVE):
        raise PermissionDenied("只有县级审核审批员可以确认助餐点月结单")
    point = MealPoint.objects.visible_to(actor).filter(pk=point_id).first()
    if point is None:
        raise ValidationFailed("助餐点不存在或不在您的管辖范围内", code="unknown_meal_point")
    if month >= YearMonth.of(clock.today()):
        raise ValidationFailed(f"{month} 尚未结束，月结单须在次月确认", code="month_not_over")
    first, last = month.first_day(), month.last_day()
    county = _county(county_of(point.region_id))
    with transaction.atomic():
        # The point row is the lock: a second confirmation waits, then finds the statement.
        MealPoint.objects.select_for_update().filter(pk=point.pk).first()
        if MealStatement.objects.filter(point=point, month=first).exists():
            raise ValidationFailed(f"{point.name} {month} 的月结单已确认", code="statement_exists")
        due = queries.meal_month_due(point, first, last)
        statement = MealStatement.objects.create(
            point=point,
            month=first,
            meals=due.meals,
            diners=due.diners,
            total=due.total,
            confirmed_by=actor,
        )
        MealRecord.objects.filter(point=point, day__gte=first, day__lte=last).update(
            statement=statement
        )
        if due.total > 0:
            line = book_payable(
                source="z",
                source_id=statement.pk,
                kind="meal_payable",
                programme="zhucan",
                county=county,
                month=month,
                region_id=point.region_id,
                amount=due.total,
                actor=actor,
            )
            statement.payment_line_id = line.pk
            statement.save(update_fields=["payment_line_id"])
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "meal_statement",
            statement.pk,
            summary=f"确认{point.name} {month} 月结单：{due.meals}餐次，{due.diners}人，{due.total}元",
            after={"lines": due.meals, "amount": due.total},
            region_code=point.region_id,
        )
    return statement
