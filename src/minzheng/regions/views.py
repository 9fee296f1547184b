"""The region picker's one endpoint: the chain of choices from the user's own region down to a
chosen code, as JSON for `static/js/app.js` (a tree down to villages, no typed codes)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from minzheng.accounts.decorators import staff_user
from minzheng.regions.models import Level, Region

_CHILD_LEVEL = {
    Level.CITY: Level.COUNTY,
    Level.COUNTY: Level.TOWNSHIP,
    Level.TOWNSHIP: Level.VILLAGE,
}


def _option(region: Region) -> dict[str, str]:
    return {"code": region.code, "name": region.name}


@require_GET
@login_required
def picker(request: HttpRequest) -> JsonResponse:
    """`{"root", "levels": [{"label", "options", "selected"}]}` from the user's region down to
    `?code=` (or only its first level); a code outside the user's region is ignored.

    `?whole=1` starts at the top of the division tree instead (the divisions are public): for a
    place that may lie outside the user's region, such as a person's 户籍地."""
    root = staff_user(request).region
    if request.GET.get("whole") == "1":
        root = Region.objects.filter(parent__isnull=True).order_by("code").first() or root
    code = request.GET.get("code", "").strip()[:12]
    chosen = Region.objects.filter(pk=code).first() if code else None
    path: list[Region] = []
    node = chosen if chosen is not None and root.contains(chosen.code) else None
    while node is not None and node.code != root.code:
        path.append(node)
        node = node.parent
    path.reverse()
    levels = []
    parent = root
    for step in [*path, None]:
        children = list(Region.objects.filter(parent=parent).order_by("code"))
        if not children:
            break
        child_level = _CHILD_LEVEL.get(Level(parent.level))
        levels.append(
            {
                "label": child_level.label if child_level else "",
                "options": [_option(r) for r in children],
                "selected": step.code if step is not None else "",
            }
        )
        if step is None:
            break
        parent = step
    return JsonResponse({"root": _option(root), "levels": levels})
