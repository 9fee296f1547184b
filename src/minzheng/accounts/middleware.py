from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

SESSION_KEY = "last_activity"


class IdleTimeoutMiddleware:
    """Ends a staff session after SESSION_IDLE_SECONDS (30 minutes) without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(SESSION_KEY)
            if last is not None and now - float(last) > settings.SESSION_IDLE_SECONDS:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"code": "session_expired", "message": "长时间未操作，请重新登录"},
                        status=401,
                    )
                messages.warning(request, "长时间未操作，已自动退出，请重新登录")
                return redirect(f"{settings.LOGIN_URL}?next={request.path}")
            request.session[SESSION_KEY] = now
        return self.get_response(request)
