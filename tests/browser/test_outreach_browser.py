"""In the browser: a township caseworker starts a 大排摸 over her township, the village assistant
records a visit on the phone-sized form, and the progress and the article's figures show."""

from __future__ import annotations

from typing import Any

import pytest

from tests.outreach.test_campaign import nanmen  # noqa: F401 — the fixture, by name

from ..conftest import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_campaign_runs_and_its_coverage_figures_show(
    page: Any,
    nanmen: dict[str, Any],  # noqa: F811
    caseworker_nanmen: Any,
    assistant_fuhu: Any,
) -> None:
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.click("#sidebar >> text=大排摸")
    page.fill("#campaign-new input[name=name]", "冬季大排摸")
    page.click("#campaign-new button")
    page.wait_for_selector("#progress")
    assert "南门街道" in page.inner_text("#progress")
    campaign_url = page.url

    log_in(page, "assistant_fuhu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.set_viewport_size({"width": 390, "height": 800})  # the assistant's phone
    page.goto(campaign_url + "?mine=1")
    page.locator("#targets tr", has_text="孙老太").locator("a").click()
    page.check("#visit input[value=newly_covered]")
    page.fill("#visit input[name=note]", "已协助申请特困供养")
    page.click("#visit button")
    page.wait_for_selector("#article-figures")
    assert page.inner_text("#surveyed") == "1"
    assert page.inner_text("#newly-covered") == "1"
    assert "11,019" in page.inner_text("#article-figures")
