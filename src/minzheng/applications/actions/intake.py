"""Intake: a household applies, signs its consents, and the township accepts the application."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from minzheng.accounts.models import User
from minzheng.accounts.permissions import require
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import region_q
from minzheng.applications import queries, rules
from minzheng.applications.actions.common import (
    OBJECT,
    WorkflowRefused,
    _check,
    _close_step,
    _limit_due,
    _locked,
    _open_step,
    _today,
    _transition_audit,
)
from minzheng.applications.models import (
    Application,
    ApplicationProgramme,
)
from minzheng.applications.rules import Move, Step
from minzheng.assistance.programmes import get_programme
from minzheng.core import audit, clock
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.masking import mask_name
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import RegionCode
from minzheng.core.uploads import SIGNED_FORM_KINDS, check_upload
from minzheng.registry.models import Household, Person

# ── creating an application ──────────────────────────────────────────────────────────────────


def _resolve_staff(name: str, region_code: str) -> User | None:
    """The staff member a relative declared, looked up by name in the applicant's county."""
    if not name:
        return None
    county = region_q(RegionCode.of(region_code).county)
    return (
        User.objects.filter(county).filter(display_name=name).order_by("id").first()
        or User.objects.filter(county, username=name).first()
    )


def do_submit_application(
    actor: User | None,
    *,
    applicant: Person,
    programmes: Iterable[str],
    declared_income: Decimal,
    income_variable: bool = False,
    reason: str = "",
    staff_relative_name: str = "",
    staff_relation: str = "",
    consents_confirmed: bool = False,
    ip: str | None = None,
    household: Household | None = None,
) -> Application:
    """One application for several programmes (一件事).

    From the portal `actor` is None (the signed-in resident is `applicant`) and the case waits
    for acceptance; at the township window a caseworker takes it and it is accepted at once.
    """
    chosen = list(dict.fromkeys(p for p in programmes if p))
    if not chosen:
        raise ValidationFailed("请至少选择一个救助项目", code="no_programme")
    for code in chosen:
        if code not in queries.FORM_PROGRAMMES:
            raise ValidationFailed(f"不能申请该项目：{code}", code="unknown_programme")
    if declared_income < 0:
        raise ValidationFailed("家庭月收入不能为负数", code="negative_income")
    today = _today()
    if actor is not None:
        require(actor, Capability.EDIT_CASES)
        if rules.TRANSITIONS[Move.ACCEPT].roles.isdisjoint({actor.role}):
            raise PermissionDenied("只有村社协理员或乡镇经办员可以窗口受理")
        applicant = Person.objects.get_visible(actor, pk=applicant.pk)
    household = household or queries.current_household(applicant, today)
    if household is None:
        raise ValidationFailed(
            "申请人未登记在任何家庭户中，请先到窗口办理家庭登记", code="no_household"
        )
    suggestion = queries.suggest_programmes(household, applicant, declared_income, today)
    period = queries.fast_track_period(household.region_id, today)
    staff = _resolve_staff(staff_relative_name.strip(), household.region_id)
    now = clock.stamp()
    try:
        with transaction.atomic():
            # Lock the household so two simultaneous submissions queue up behind each other.
            Household.objects.select_for_update().filter(pk=household.pk).first()
            open_lines = ApplicationProgramme.objects.filter(
                household=household, programme__in=chosen, is_open=True
            ).select_related("application")
            clash = open_lines.first()
            if clash is not None:
                raise WorkflowRefused(
                    f"该家庭已有未办结的{get_programme(clash.programme).short_name}申请"
                    f"（编号 {clash.application.number}），不能重复申请",
                    code="duplicate_open_application",
                )
            app = Application.objects.create(
                household=household,
                applicant=applicant,
                region_id=household.region_id,
                programmes=chosen,
                suggested=list(suggestion.programmes),
                declared_income=declared_income,
                income_variable=income_variable,
                reason=reason,
                channel=Application.Channel.WINDOW if actor else Application.Channel.PORTAL,
                step=Step.SUBMITTED.value,
                step_started_on=today,
                submitted_on=today,
                fast_track=period is not None,
                staff_relative=bool(staff_relative_name.strip() or staff_relation.strip()),
                staff_relative_name=staff_relative_name.strip(),
                staff_relative_user=staff,
                staff_relation=staff_relation.strip(),
                pledge_signed_at=now if consents_confirmed else None,
                pledge_ip=ip if consents_confirmed else None,
                authorisation_signed_at=now if consents_confirmed else None,
                authorisation_ip=ip if consents_confirmed else None,
                created_by=actor,
            )
            ApplicationProgramme.objects.bulk_create(
                ApplicationProgramme(application=app, household=household, programme=code)
                for code in chosen
            )
            _open_step(app, Step.SUBMITTED, today, actor)
            if actor is not None:
                _close_step(app, actor, "窗口受理")
                app.accepted_on = today
                app.limit_due = _limit_due(app.region_id, today, special=False)
                _open_step(app, Step.VISIT, today, actor)
            app.save()
            audit.record(
                actor,
                AuditEvent.Action.CREATE,
                OBJECT,
                app.pk,
                summary=f"{app.get_channel_display()}：申请{'、'.join(get_programme(c).short_name for c in chosen)}"
                + ("（工作人员近亲属）" if app.staff_relative else "")
                + ("（快速通道）" if app.fast_track else ""),
                after={
                    "programmes": chosen,
                    "suggested": list(suggestion.programmes),
                    "step": app.step,
                },
                person_id=applicant.pk,
                region_code=app.region_id,
                actor_name=None if actor else f"居民 {mask_name(applicant.name)}",
            )
    except IntegrityError as exc:
        raise WorkflowRefused(
            "该家庭已有同一项目未办结的申请，不能重复申请", code="duplicate_open_application"
        ) from exc
    return app


def do_sign_consents(
    actor: User | None,
    app: Application,
    *,
    ip: str | None,
    pledge_file: UploadedFile[bytes] | None = None,
    authorisation_file: UploadedFile[bytes] | None = None,
    confirmed_on_screen: bool = False,
) -> Application:
    """Record the signed 诚信承诺书 and 核对授权书: an upload, or a confirmation with time and IP."""
    if actor is not None:
        require(actor, Capability.EDIT_CASES)
        app = Application.objects.get_visible(actor, pk=app.pk)
    if not (confirmed_on_screen or pledge_file or authorisation_file):
        raise ValidationFailed("请上传签署件或当场确认签署", code="consents_missing")
    pledge = check_upload(pledge_file, SIGNED_FORM_KINDS) if pledge_file else None
    authorisation = (
        check_upload(authorisation_file, SIGNED_FORM_KINDS) if authorisation_file else None
    )
    now = clock.stamp()
    with transaction.atomic():
        fields = ["updated_at"]
        if pledge_file or confirmed_on_screen:
            app.pledge_signed_at, app.pledge_ip = now, ip
            fields += ["pledge_signed_at", "pledge_ip"]
            if pledge:
                app.pledge_file.save(pledge.name, ContentFile(pledge.data), save=False)
                fields.append("pledge_file")
        if authorisation_file or confirmed_on_screen:
            app.authorisation_signed_at, app.authorisation_ip = now, ip
            fields += ["authorisation_signed_at", "authorisation_ip"]
            if authorisation:
                app.authorisation_file.save(
                    authorisation.name, ContentFile(authorisation.data), save=False
                )
                fields.append("authorisation_file")
        app.save(update_fields=fields)
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            OBJECT,
            app.pk,
            summary="签署诚信承诺书、核对授权书"
            + ("（上传签署件）" if pledge_file or authorisation_file else "（当场确认）"),
            after={"ip": ip, "at": now},
            person_id=app.applicant_id,
            region_code=app.region_id,
            actor_name=None if actor else f"居民 {mask_name(app.applicant.name)}",
        )
    return app


def do_accept_application(actor: User, app: Application) -> Application:
    with transaction.atomic():
        app = _locked(actor, app)
        _check(actor, app, Move.ACCEPT)
        before = app.step
        _close_step(app, actor, "受理")
        app.accepted_on = _today()
        app.limit_due = _limit_due(app.region_id, app.accepted_on, special=False)
        _open_step(app, Step.VISIT, app.accepted_on, actor)
        app.save()
        _transition_audit(actor, app, before, "受理申请")
    return app
