"""Playwright helpers; the `browser` and `page` fixtures live in tests/conftest.py, so every test
folder shares the one browser of the session (two sync Playwright instances cannot coexist)."""

from __future__ import annotations

from typing import Any


def log_in(page: Any, username: str, password: str) -> None:
    # Let the previous page's HTMX requests finish first: a late response would set the old
    # session cookie again after it was cleared.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def code_from_outbox(browser: Any, live_server: Any) -> str:
    """The newest login code in the development outbox: demo mode, system administrator only
    (docs/security.md)."""
    import re

    from tests.conftest import PASSWORD

    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    admin = context.new_page()
    log_in(admin, "sysadmin", PASSWORD)
    admin.wait_for_selector("text=工作台")
    admin.goto("/applications/sms-outbox/")
    body = admin.inner_text("#outbox tbody tr:first-child .sms-body")
    context.close()
    match = re.search(r"验证码为(\d{6})", body)
    assert match, body
    return match.group(1)


def run_queued_jobs() -> int:
    """What `minzheng worker` does for one pass, run in the test's own thread: every job a page
    queued (a roll, a linkage run, an import) runs now; the stored schedules are left alone."""
    from minzheng.jobs import runner

    return runner.work(once=True, interval=0, schedules=False)
