"""One row of every scoped model, placed in 海曙 (another county for the sweep's outsiders).

`FACTORIES` names, for every label `scoped_models()` lists, how its row is made: `auto` fills the
required fields from the model itself (a region field gets 福湖社区, a foreign key the row of the
model it points to, text the marker `MARKER`), or a function that builds the row by hand when
the model's checks need real values. A new scoped model without an entry fails
`test_every_scoped_model_has_a_seed_factory`; most need only the line `"app.Model": auto,`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

MARKER = "海曙秘档"
"""Text written into every seeded row: a page of another region that shows it leaked a row."""

VILLAGE = "330203001001"  # 福湖社区, 南门街道, 海曙区

PUBLIC_DIRECTORY = {
    "civil.FuneralHome": "the city's funeral homes: any caseworker picks one for a cremation",
    "civil.Cemetery": "the city's cemeteries: any caseworker picks one for a burial",
}
"""Scoped models whose names every page may list; their rows carry no marker."""

Factory = Callable[["Seeder", type[models.Model]], models.Model]


def _text(model: type[models.Model], field: models.Field[Any, Any]) -> str:
    """The marker in a scoped row's text; neutral text in a row anyone may see."""
    from tests.accounts.test_scoped_models import scoped_models

    limit = getattr(field, "max_length", None) or 64
    label = model._meta.label
    secret = label in scoped_models() and label not in PUBLIC_DIRECTORY
    text = marker(label) if secret else "样本"
    return text if limit >= len(text) else "x" * limit


def marker(label: str) -> str:
    """The marker of one model's row: MARKER and the model's place in `scoped_models()`."""
    from tests.accounts.test_scoped_models import scoped_models

    return f"{MARKER}{scoped_models().index(label):02d}"


def marked(text: str) -> list[str]:
    """The labels of the seeded rows whose marker `text` shows."""
    from tests.accounts.test_scoped_models import scoped_models

    labels = scoped_models()
    return sorted({labels[int(n)] for n in re.findall(MARKER + r"(\d\d)", text)})


def _value(seeder: Seeder, model: type[models.Model], field: models.Field[Any, Any]) -> Any:
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        related = field.related_model
        assert isinstance(related, type)
        return seeder.row(related._meta.label)
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField):
        return Decimal("1.00")
    if isinstance(field, models.IntegerField | models.FloatField):
        return 1
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return dt.date(2026, 1, 15)
    if isinstance(field, models.FileField):
        return ContentFile(b"seed", name=f"{model._meta.model_name}.txt")
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.BinaryField):
        return b""
    if isinstance(field, models.UUIDField):
        import uuid

        return uuid.uuid4()
    if isinstance(field, models.GenericIPAddressField):
        return "10.0.0.1"
    if isinstance(field, models.CharField | models.TextField):
        return _text(model, field)
    raise AssertionError(f"{model._meta.label}.{field.name}: no automatic value, write a factory")


def auto(seeder: Seeder, model: type[models.Model], **links: str) -> models.Model:
    """A row with every required field filled from its type; every region field in 海曙.

    `links` names optional foreign keys to fill too, with the row of the label given."""
    from minzheng.regions.models import Region

    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or isinstance(field, models.AutoField):
            continue
        if field.is_relation and field.related_model is Region:
            values[field.name] = Region.objects.get(code=VILLAGE)
            continue
        if field.is_relation and field.related_model is apps.get_model("accounts.User"):
            values[field.name] = seeder.user
            continue
        required = not field.null and not field.has_default() and not field.blank
        is_text = isinstance(field, models.CharField | models.TextField) and not field.choices
        if required or (is_text and not getattr(field, "unique", False)):
            values[field.name] = _value(seeder, model, field)
    values.update({name: seeder.row(label) for name, label in links.items()})
    return model.objects.create(**values)


def auto_with(**links: str) -> Factory:
    """`auto`, with the optional foreign keys `links` names filled (field=label)."""

    def make(seeder: Seeder, model: type[models.Model]) -> models.Model:
        return auto(seeder, model, **links)

    return make


def _person(seeder: Seeder, model: type[models.Model]) -> models.Model:
    return seeder.household.head


def _household(seeder: Seeder, model: type[models.Model]) -> models.Model:
    return seeder.household


def _change_request(seeder: Seeder, model: type[models.Model]) -> models.Model:
    row = auto(seeder, model)  # the first kind: add a member, whose payload names them
    row.payload = {"person_id": seeder.household.head.pk, "relationship": "child"}  # type: ignore[attr-defined]
    row.save()
    return row


FACTORIES: dict[str, Factory] = {
    "registry.Person": _person,
    "registry.Household": _household,
    "adoption.LegacyPayment": auto,
    "adoption.MigrationBatch": auto,
    "adoption.MigrationReview": auto,
    "applications.Application": auto,
    "applications.FastTrackPeriod": auto,
    "applications.Objection": auto,
    "applications.ReviewTask": auto,
    "applications.SmsMessage": auto,
    "applications.SpotCheck": auto,
    "assistance.EligibilityDecision": auto,
    "assistance.Enrolment": auto,
    "charity.Campaign": auto,
    "charity.CharitableTrust": auto,
    "charity.Disclosure": auto,
    "charity.Donation": auto,
    "charity.Expenditure": auto,
    "charity.FundraisingPlan": auto,
    "charity.Project": auto,
    "charity.Recognition": auto,
    "charity.YearlyFinancials": auto,
    "children.ChildCase": auto,
    "children.ChildDirector": auto,
    "children.ChildVisit": auto,
    "civil.Burial": auto,
    "civil.Cemetery": auto,
    "civil.CivilReminder": auto,
    "civil.CremationRecord": auto,
    "civil.DivorceApplication": auto,
    "civil.FuneralHome": auto,
    "civil.HouseholdAddressLink": auto,
    "civil.JointCase": auto,
    "civil.MarriageAppointment": auto,
    "civil.MarriageRegistration": auto,
    "civil.MemorialRequest": auto,
    "civil.PersonMaritalStatus": auto,
    "civil.PlaceName": auto,
    "civil.QingmingReservation": auto,
    "civil.RegistryOffice": auto,
    "civil.StandardAddress": auto,
    "eldercare.Adaptation": auto,
    "eldercare.Assessment": auto,
    "eldercare.CareOrder": auto,
    "eldercare.CareProvider": auto,
    "eldercare.CareVisit": auto,
    "eldercare.MealPoint": auto,
    "eldercare.MealRecord": auto,
    "eldercare.TimeBankEntry": auto,
    "grievances.Appeal": auto,
    "grievances.Grievance": auto,
    "inkind.Distribution": auto,
    "inkind.Handover": auto,
    "inkind.Movement": auto,
    "inkind.Stock": auto,
    "inkind.Voucher": auto,
    "institutions.Bed": auto,
    "institutions.Claim": auto,
    "institutions.Inspection": auto,
    "institutions.Institution": auto,
    "institutions.InsurancePolicy": auto,
    "institutions.Residency": auto,
    "jobs.Job": auto,
    "linkage.LinkageAction": auto,
    "linkage.CandidatePair": auto,
    "linkage.SourceRecord": auto,
    "medical.Hospital": auto,
    "medical.Settlement": auto,
    "monitoring.Task": auto,
    "monitoring.Warning": auto,
    "organisations.AnnualReport": auto,
    "organisations.CreditListing": auto,
    "organisations.FeeInspection": auto,
    "organisations.Organisation": auto,
    "organisations.Rating": auto,
    "organisations.RegistrationApplication": auto,
    "outreach.Campaign": auto,
    "outreach.Target": auto,
    "payments.AccountChange": auto,
    "payments.BackPay": auto,
    "payments.BankFile": auto,
    "payments.BankFileLine": auto_with(payee="registry.Person"),
    "payments.BankTemplate": auto,
    "payments.PaymentLine": auto,
    "payments.ProviderPayee": auto,
    "payments.Roll": lambda seeder, model: _county_roll(seeder, model),
    "payments.TemporaryCase": auto,
    "registry.ChangeRequest": _change_request,
    "registry.IdentityTag": auto,
    "rescue.CareRecord": auto,
    "rescue.Station": auto,
    "rescue.Stay": auto,
    "verification.HouseholdCheck": auto,
}


def _county_roll(seeder: Seeder, model: type[models.Model]) -> models.Model:
    """海曙's roll: a roll belongs to a county (its `county` is 海曙区, not the village `auto`
    gives a region field); a township reads it through its own lines on it."""
    roll = auto(seeder, model)
    from minzheng.core.regioncode import county_of, full_code

    model.objects.filter(pk=roll.pk).update(county_id=full_code(county_of(VILLAGE)))
    roll.refresh_from_db()
    return roll


class Seeder:
    """Makes (once) the row of each label, following foreign keys to the rows they need."""

    def __init__(self, household: Any, user: Any) -> None:
        self.household = household
        self.user = user
        self.rows: dict[str, models.Model] = {}

    def row(self, label: str) -> models.Model:
        if label not in self.rows:
            model = apps.get_model(label)
            # A model outside the registry (a parameter, a bank) is made from its fields.
            self.rows[label] = FACTORIES.get(label, auto)(self, model)
        return self.rows[label]
