from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core.errors import PermissionDenied

type View[**P] = Callable[Concatenate[HttpRequest, P], HttpResponse]


def requires[**P](capability: Capability) -> Callable[[View[P]], View[P]]:
    """A staff page that needs one capability; anyone else gets a Chinese 403."""

    def decorator(view: View[P]) -> View[P]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            user = request.user
            if not isinstance(user, User) or not user.can(capability):
                raise PermissionDenied("您的角色无权访问此页面")
            return view(request, *args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorator


def staff_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user
