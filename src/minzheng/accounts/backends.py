"""Signing in with a user name and password (Django's model backend), the signed-in user read with
their region in the same query: every page reads the region (the scope, the header), so loading
it apart would cost every request a second query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from minzheng.accounts.models import User


class UserWithRegion(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.select_related("region").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
