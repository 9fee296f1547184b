"""Sending text messages. Production plugs in a carrier; development writes to the outbox table."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from minzheng.applications.models import SmsMessage
from minzheng.registry.models import Person


class SmsGateway(Protocol):
    def send(self, person: Person, body: str) -> None: ...


class OutboxGateway:
    """The development gateway: every message lands in 短信发件箱, nothing leaves the machine."""

    def send(self, person: Person, body: str) -> None:
        SmsMessage.objects.create(
            person=person, region_id=person.region_id, phone_masked=person.phone_masked, body=body
        )


def gateway() -> SmsGateway:
    path = getattr(settings, "MINZHENG_SMS_GATEWAY", "")
    if path:
        found: SmsGateway = import_string(path)()
        return found
    return OutboxGateway()
