from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

SESSION_KEY = "last_activity"
# The last request's time is written at most once a minute: writing it on every request made
# every page an UPDATE of the session row and a commit (docs/list_pages.md). The session then
# ends between 29 and 30 idle minutes after the last request, never later.
TOUCH_SECONDS = 60
PASSWORD_PAGE = "/account/password/"
# What a one-time password still opens: the change page itself, signing out, static files.
OPEN_WHILE_ONE_TIME = (PASSWORD_PAGE, "/logout/", "/static/")


class IdleTimeoutMiddleware:
    """Ends a staff session after SESSION_IDLE_SECONDS (30 minutes) without a request (counted from
    the last request that touched the session, at most TOUCH_SECONDS earlier), and keeps
    an account with a one-time (initial or reset) password on the change page until it is changed.
    """

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
            if last is None or now - float(last) >= TOUCH_SECONDS:
                request.session[SESSION_KEY] = now
            if getattr(request.user, "must_change_password", False) and not request.path.startswith(
                OPEN_WHILE_ONE_TIME
            ):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"code": "password_change_required", "message": "请先修改初始密码"},
                        status=403,
                    )
                return redirect(PASSWORD_PAGE)
        return self.get_response(request)
