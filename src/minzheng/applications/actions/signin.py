"""The public portal's sign-in codes: sent by SMS, hashed, checked once with rate limits."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from minzheng.applications import rules
from minzheng.applications.actions.common import WorkflowRefused
from minzheng.applications.models import (
    SignInCode,
)
from minzheng.applications.rules import CODE_POLICY
from minzheng.applications.sms import gateway
from minzheng.core import audit
from minzheng.core.masking import mask_name
from minzheng.core.models import AuditEvent
from minzheng.core.pii import ID_NUMBER, blind_index
from minzheng.registry.models import Person

# ── resident sign-in codes ───────────────────────────────────────────────────────────────────


def _hash(code: str) -> str:
    return salted_hmac("minzheng.portal.sign-in-code", code, algorithm="sha256").hexdigest()


def _person_by_id_number(id_number: str) -> Person | None:
    number = id_number.strip().upper()
    if not number:
        return None
    return Person.objects.filter(id_number_index=blind_index(ID_NUMBER, number)).first()


def do_send_sign_in_code(id_number: str, *, ip: str | None) -> Person | None:
    """Send a code to the phone on record. None (and nothing sent) when no person matches."""
    person = _person_by_id_number(id_number)
    if person is None or not person.phone_cipher:
        return None
    now = timezone.now()
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        recent = SignInCode.objects.filter(
            person=person, created_at__gte=now - timedelta(minutes=CODE_POLICY.window_minutes)
        ).count()
        verdict = rules.may_send_code(recent)
        if not verdict.allowed:
            raise WorkflowRefused(verdict.message, code=verdict.code)
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_POLICY.digits))
        SignInCode.objects.create(
            person=person,
            code_hash=_hash(code),
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_POLICY.valid_minutes),
            ip=ip,
        )
        gateway().send(
            person,
            f"【民政】您的登录验证码为{code}，{CODE_POLICY.valid_minutes}分钟内有效，请勿告诉他人。",
        )
        audit.record(
            None,
            AuditEvent.Action.CREATE,
            "sign_in_code",
            person.pk,
            summary="发送居民登录验证码",
            person_id=person.pk,
            region_code=person.region_id,
            actor_name="portal",
            after={"ip": ip},
        )
    return person


def do_check_sign_in_code(person_id: int | None, code: str, *, ip: str | None) -> Person:
    """The person, when the code is their latest live one; each code works once."""
    refused = WorkflowRefused("验证码错误或已失效，请重新获取", code="bad_code")
    person = Person.objects.filter(pk=person_id).first() if person_id else None
    if person is None:
        raise refused
    now = timezone.now()
    with transaction.atomic():
        live = (
            SignInCode.objects.select_for_update()
            .filter(person=person, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at", "-id")
            .first()
        )
        if live is None or live.attempts >= CODE_POLICY.max_attempts:
            raise refused
        matches = constant_time_compare(live.code_hash, _hash(code.strip()))
        if not matches:
            # Counted outside any rollback: the refusal below must not undo the attempt.
            SignInCode.objects.filter(pk=live.pk).update(attempts=live.attempts + 1)
    if not matches:
        raise refused
    with transaction.atomic():
        # Conditional update: of two requests racing with the same code only one signs in.
        if not SignInCode.objects.filter(pk=live.pk, used_at__isnull=True).update(used_at=now):
            raise refused
        audit.record(
            None,
            AuditEvent.Action.LOGIN,
            "resident",
            person.pk,
            summary="居民门户验证码登录",
            person_id=person.pk,
            region_code=person.region_id,
            actor_name=f"居民 {mask_name(person.name)}",
            after={"ip": ip},
        )
    return person
