"""Two ways in: a staff session (with CSRF) or a partner's bearer token."""

from __future__ import annotations

import hmac
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from minzheng.accounts.models import User
from minzheng.api.models import TOKEN_PREFIX_LENGTH, ApiClient, hash_token

LAST_USED_RESOLUTION = timedelta(minutes=1)


class PartnerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        candidates = ApiClient.objects.filter(token_prefix=token[:TOKEN_PREFIX_LENGTH], active=True)
        digest = hash_token(token)
        for client in candidates.select_related("region"):
            if hmac.compare_digest(client.token_hash, digest) and client.usable:
                now = timezone.now()
                # A write per call would double the cost of a busy partner's request (a hospital
                # settling at discharge); the time of last use is kept to the minute.
                if client.last_used_at is None or now - client.last_used_at > LAST_USED_RESOLUTION:
                    ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
                return client
        return None


class StaffSession(APIKeyCookie):
    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if isinstance(user, User) and user.is_authenticated and user.is_active:
            return user
        return None


AUTH = [PartnerToken(), StaffSession()]
