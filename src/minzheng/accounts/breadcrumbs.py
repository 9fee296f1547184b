"""面包屑 on every page, from the left menu: 首页 › module › the menu page the address lies under,
then the page's own title when it is deeper than that menu page (a detail, a sub-page)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Trail:
    group: str
    label: str
    url: str
    deeper: bool  # the page is below the menu page (show its own title after it)


def trail_for(path: str, menu: list[tuple[str, list[tuple[str, str]]]]) -> Trail | None:
    """The menu page whose address is the longest prefix of `path` (the home page only itself)."""
    best: Trail | None = None
    for group, items in menu:
        for label, url in items:
            if url == "/" and path != "/":
                continue
            if path.startswith(url) and (best is None or len(url) > len(best.url)):
                best = Trail(group, label, url, deeper=path != url)
    return best
