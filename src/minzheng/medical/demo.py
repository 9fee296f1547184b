"""Demo data: three designated hospitals with their clients, a few weeks of settlements for people
of each category (one reversed, one that reaches the annual cap), and last month's statement for
one hospital confirmed into the payments ledger. Two of 福湖社区's 低保 family heads (the demo village
assistant's) are among 宁波市第一医院's patients. Idempotent: a second run changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from minzheng.accounts.models import User
from minzheng.api.actions import do_create_api_client
from minzheng.core import clock
from minzheng.core.yearmonth import YearMonth
from minzheng.medical.actions import (
    do_confirm_statement,
    do_reconcile,
    do_register_hospital,
    do_reverse_settlement,
    do_settle_claim,
)
from minzheng.medical.models import Hospital, Settlement
from minzheng.medical.rules import Claim, VisitKind
from minzheng.registry.models import Household, IdentityTag, Person

HOSPITALS = (
    ("H330203001", "宁波市第一医院", "330203000000"),
    ("H330212001", "宁波市第二医院（鄞州院区）", "330212000000"),
    ("H330205001", "宁波市江北区人民医院", "330205000000"),
)

# (visit kind, total, compliant, basic, critical illness, other)
BILLS = (
    (VisitKind.INPATIENT, "48620.35", "41200.00", "24720.00", "4120.00", "0.00"),
    (VisitKind.OUTPATIENT, "1286.40", "1105.60", "552.80", "0.00", "0.00"),
    (VisitKind.CHRONIC, "3420.00", "3180.00", "1908.00", "0.00", "200.00"),
    (VisitKind.INPATIENT, "16890.00", "15010.50", "9006.30", "0.00", "500.00"),
)
BIG_STAY = (VisitKind.INPATIENT, "260000.00", "230000.00", "90000.00", "20000.00", "0.00")
VILLAGE = "330203001001"  # 福湖社区
VILLAGE_PATIENTS = 2


def seed_demo() -> int:
    """The settlements, then each demo county's own reconciliation (`seed_county_reconciliation`);
    returns the number of settlements made."""
    from minzheng.registry.demo import DEMO_COUNTIES

    made = _seed_settlements()
    for county in DEMO_COUNTIES:
        seed_county_reconciliation(county)
        seed_county_statement(county)
    return made + seed_village_clinic()


CLINIC_CODE = "H330203101"
CLINIC_NAME = "南门街道社区卫生服务中心"
#: (visit kind, total, compliant, basic, critical illness, other): a chronic-illness visit last
#: month, an outpatient visit this month.
CLINIC_BILLS = (
    (VisitKind.CHRONIC, "1860.00", "1720.00", "1032.00", "0.00", "0.00"),
    (VisitKind.OUTPATIENT, "642.50", "598.00", "299.00", "0.00", "0.00"),
)


def seed_village_clinic() -> int:
    """南门街道's community health centre, in 福湖社区, as a designated clinic: it settles the
    chronic-illness visit of each of the village's 低保 family heads last month (on the day) and an
    outpatient visit this month; 海曙's approver confirms last month's statement on the 3rd,
    registers the centre's account and reconciles its file — so the township caseworker and the
    village assistant find 定点医院, 医院月结单, 医院对账 and 机构收款账户 with rows of their area (a
    county hospital is a county row they do not see). Returns the settlements made; idempotent:
    nothing when the centre is registered."""
    from minzheng.payments.actions import do_register_provider_account
    from minzheng.payments.models import ProviderPayee

    if Hospital.objects.filter(code=CLINIC_CODE).exists():
        return 0
    approver = User.objects.filter(username="approver_haishu").first()
    patients = _village_patients()
    if approver is None or not patients:
        return 0
    do_create_api_client(None, name=CLINIC_NAME, scopes=["medical:settle"], region_code=VILLAGE)
    do_register_hospital(
        None, code=CLINIC_CODE, name=CLINIC_NAME, region_code=VILLAGE, client_name=CLINIC_NAME
    )
    clinic = Hospital.objects.select_related("client").get(code=CLINIC_CODE)
    assert clinic.client is not None
    today = clock.today()
    this_month = YearMonth.of(today).first_day()
    made = 0
    for n, person in enumerate(patients):
        visits = (this_month - timedelta(days=12 + 7 * n), max(this_month, today - timedelta(n)))
        for k, (day, (kind, *figures)) in enumerate(zip(visits, CLINIC_BILLS, strict=True)):
            with clock.dated(day):  # settled as the patient leaves
                do_settle_claim(
                    clinic.client,
                    hospital_code=CLINIC_CODE,
                    claim_id=f"SQ-{n + 1:03d}-{k + 1}",
                    id_number=person.id_number_plain(),
                    claim=Claim(kind, day, day, *(Decimal(f) for f in figures)),
                )
            made += 1
    with clock.dated(min(today, this_month + timedelta(days=2))):
        do_confirm_statement(approver, clinic.pk, YearMonth.of(today) - 1)
        payee = ProviderPayee.objects.get(
            provider_kind=ProviderPayee.ProviderKind.HOSPITAL, provider_id=clinic.pk
        )
        do_register_provider_account(
            approver,
            payee.pk,
            holder_name=CLINIC_NAME,
            bank_name="宁波银行",
            number=f"51010122{CLINIC_CODE[-8:]}0001",
            reason="卫生服务中心提供对公账户，用于医疗救助月结款拨付",
        )
    _reconcile_demo_file(approver, clinic)
    return made


def seed_county_statement(county_code: str) -> int:
    """月结单 and 机构收款账户 for a demo county (鄞州): its approver confirms the county's
    designated hospital's last month into the ledger on the 3rd of this month (the hospital becomes
    a payee the county owes) and registers the hospital's 对公账户 that afternoon. Returns the
    statements confirmed: 0 when the hospital has one, or nothing was settled last month."""
    from minzheng.medical.models import Statement
    from minzheng.payments.actions import do_register_provider_account
    from minzheng.payments.models import ProviderPayee
    from minzheng.registry.demo import county_approver

    hospital = Hospital.objects.filter(region_id=county_code).order_by("code").first()
    approver = county_approver(county_code)
    if hospital is None or approver is None or Statement.objects.filter(hospital=hospital).exists():
        return 0
    today = clock.today()
    last_month = YearMonth.of(today) - 1
    if not Settlement.objects.filter(
        hospital=hospital, settled_on__range=(last_month.first_day(), last_month.last_day())
    ).exists():
        return 0
    with clock.dated(min(today, YearMonth.of(today).first_day() + timedelta(days=2))):
        do_confirm_statement(approver, hospital.pk, last_month)
        payee = ProviderPayee.objects.get(
            provider_kind=ProviderPayee.ProviderKind.HOSPITAL, provider_id=hospital.pk
        )
        do_register_provider_account(
            approver,
            payee.pk,
            holder_name=hospital.name,
            bank_name="中国建设银行",
            number=f"33050161{hospital.code[-8:]}0001",
            reason="医院提供对公账户，用于医疗救助月结款拨付",
        )
    return 1


def seed_county_reconciliation(county_code: str) -> int:
    """医院对账 for a demo county (鄞州): its approver reconciles the county's designated
    hospital's file for the last 40 days, as 海曙's approver does 宁波市第一医院's. Returns the
    reconciliations made: 0 when the hospital has one, or the county no hospital or approver."""
    from minzheng.medical.models import Reconciliation

    hospital = Hospital.objects.filter(region_id=county_code).order_by("code").first()
    from minzheng.registry.demo import county_approver

    approver = county_approver(county_code)
    if hospital is None or approver is None:
        return 0
    if Reconciliation.objects.filter(hospital=hospital).exists():
        return 0
    _reconcile_demo_file(approver, hospital)
    return 1


def _seed_settlements() -> int:
    """Returns the number of settlements made (0 when the demo already has them)."""
    if Settlement.objects.exists():
        return 0
    clients = {}
    for code, name, region in HOSPITALS:
        if not Hospital.objects.filter(code=code).exists():
            do_create_api_client(None, name=name, scopes=["medical:settle"], region_code=region)
            do_register_hospital(None, code=code, name=name, region_code=region, client_name=name)
        hospital = Hospital.objects.select_related("client").get(code=code)
        assert hospital.client is not None
        clients[code] = hospital.client

    today = clock.today()
    patients: list[tuple[str, Person]] = []
    for tag in ("tekun", "dibao", "dibian"):
        for county, hospital_code in (("330203", "H330203001"), ("330212", "H330212001")):
            for t in IdentityTag.objects.filter(
                tag=tag, valid_to__isnull=True, region__code__startswith=county
            ).select_related("person")[:3]:
                patients.append((hospital_code, t.person))
    others = Person.objects.filter(identity_tags__isnull=True, region__code__startswith="330205")[
        :3
    ]
    patients += [("H330205001", p) for p in others]
    taken = {p.pk for _, p in patients}
    patients += [("H330203001", p) for p in _village_patients() if p.pk not in taken]

    made = 0
    for n, (hospital_code, person) in enumerate(patients):
        kind, *figures = BILLS[n % len(BILLS)]
        discharged = today - timedelta(days=(n * 3) % 40)
        claim = Claim(
            kind, discharged - timedelta(days=5), discharged, *(Decimal(f) for f in figures)
        )
        # The demo seeds itself: it reads the number it will send, as a hospital would have it.
        with clock.dated(_settled_on(discharged, today)):
            do_settle_claim(
                clients[hospital_code],
                hospital_code=hospital_code,
                claim_id=f"DEMO-{n + 1:04d}",
                id_number=person.id_number_plain(),
                claim=claim,
            )
        made += 1
    # The first patient has two long stays; the second reaches the annual cap midway.
    first_patient = next((p for code, p in patients if code == "H330203001"), None)
    if first_patient is not None:
        for k in range(2):
            kind, *figures = BIG_STAY
            discharged = today - timedelta(days=20 - k * 10)
            with clock.dated(_settled_on(discharged, today)):
                do_settle_claim(
                    clients["H330203001"],
                    hospital_code="H330203001",
                    claim_id=f"DEMO-BIG-{k + 1}",
                    id_number=first_patient.id_number_plain(),
                    claim=Claim(
                        kind,
                        discharged - timedelta(days=9),
                        discharged,
                        *(Decimal(f) for f in figures),
                    ),
                )
            made += 1
    # One reversal (冲销) by the hospital.
    first = Settlement.objects.filter(hospital__code="H330212001").order_by("id").first()
    if first is not None:
        do_reverse_settlement(clients["H330212001"], first.pk)
    # 宁波市第一医院's last month (settled then, at discharge) is confirmed into the ledger.
    last_month = YearMonth.of(today) - 1
    approver = User.objects.filter(username="approver_haishu").first()
    hospital = Hospital.objects.get(code="H330203001")
    if (
        approver is not None
        and Settlement.objects.filter(
            hospital=hospital, settled_on__lt=last_month.last_day()
        ).exists()
    ):
        do_confirm_statement(approver, hospital.pk, last_month)
    if approver is not None:
        _reconcile_demo_file(approver, hospital)
    return made


def _settled_on(discharged: date, today: date) -> date:
    """The day a demo claim is settled: a discharge of an earlier month was settled then, at
    discharge (the hospital's system settles as the patient leaves); this month's, today."""
    return discharged if discharged < YearMonth.of(today).first_day() else today


def _village_patients() -> list[Person]:
    """The heads of 福湖社区's families in 低保 (enrolled by the demo's own actions, untagged)."""
    households = (
        Household.objects.filter(
            region_id=VILLAGE,
            head__isnull=False,
            enrolments__programme="dibao",
            enrolments__status="active",
        )
        .select_related("head")
        .distinct()
        .order_by("pk")[:VILLAGE_PATIENTS]
    )
    return [h.head for h in households if h.head is not None]


def _reconcile_demo_file(approver: User, hospital: Hospital) -> None:
    """The hospital's own file for the last 40 days, as its system would send it back: every
    live settlement, one amount keyed differently and one claim we never received."""
    today = clock.today()
    since = today - timedelta(days=40)
    ours = Settlement.objects.filter(
        hospital=hospital, status=Settlement.Status.SETTLED, settled_on__gte=since
    ).order_by("id")
    lines = ["结算号,医疗救助金额"]
    for n, s in enumerate(ours):
        amount = s.assistance_amount + (Decimal("10.00") if n == 0 else 0)
        lines.append(f"{s.claim_id},{amount:.2f}")
    lines.append("HIS-20990,120.00")
    do_reconcile(
        approver,
        hospital.pk,
        "\n".join(lines).encode("gb18030"),
        file_name=f"{hospital.name}结算文件.csv",
        date_from=since,
        date_to=today,
    )
