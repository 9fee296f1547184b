"""Counting events in a sliding window, in the database (shared by every worker process)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from minzheng.accounts.models import RateEvent


def keyed(text: str) -> str:
    """A stable key that does not store the text itself (an ID number is personal data)."""
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def count(bucket: str, key: str, window_seconds: int) -> int:
    since = timezone.now() - timedelta(seconds=window_seconds)
    return RateEvent.objects.filter(bucket=bucket, key=key, at__gte=since).count()


def add(bucket: str, key: str) -> None:
    RateEvent.objects.create(bucket=bucket, key=key, at=timezone.now())
    if secrets.randbelow(100) == 0:  # now and then, drop what no window reaches any more
        purge()


def purge(older_than_seconds: int = 2 * 24 * 3600) -> int:
    """Drop events no window can reach any more."""
    cut = timezone.now() - timedelta(seconds=older_than_seconds)
    deleted, _ = RateEvent.objects.filter(at__lt=cut).delete()
    return deleted
