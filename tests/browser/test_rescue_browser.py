"""In the browser: the police bring a woman to 海曙区救助管理站; on the phone-sized intake form her
name and birth date find her in 鄞州's registry; the station records a meal, traces her family and
escorts her home, handing her over to her son — and the statistics count the return."""

from __future__ import annotations

from typing import Any

import pytest

from tests.rescue.conftest import station_haishu  # noqa: F401 — the fixture, by name

from ..conftest import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_is_taken_in_at_the_station_and_returned_home(
    page: Any,
    station_haishu: Any,  # noqa: F811
    caseworker_nanmen: Any,
    household_zhou_yinzhou: Any,
) -> None:
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.set_viewport_size({"width": 390, "height": 800})  # the duty officer's phone
    page.goto("/rescue/new/")
    page.fill("#intake input[name=name]", "周海燕")
    page.fill("#intake input[name=birth_date]", "1978-09-12")
    page.fill("#intake input[name=found_at]", "宁波火车站南广场")
    page.select_option("#intake select[name=brought_by]", label="公安机关护送")
    page.fill("#intake input[name=brought_by_note]", "南门派出所")
    page.click("#intake button")
    page.wait_for_selector("#stay-facts")
    identity = page.inner_text("#stay-identity")
    assert identity.startswith("周海燕（") and "姓名、出生日期比对：周海燕" in identity
    assert page.inner_text("#stay-limit").startswith("10天，至")
    page.select_option("#care select[name=kind]", label="供餐")
    page.fill("#care input[name=note]", "午餐")
    page.click("#care button")
    page.wait_for_selector("#records >> text=午餐")
    page.select_option("#care select[name=kind]", label="寻亲")
    page.fill("#care input[name=note]", "联系到其子周晓东")
    page.click("#care button")
    page.wait_for_selector("#records >> text=联系到其子周晓东")
    page.fill("#return input[name=destination]", "鄞州区下应街道福晖新村社区")
    page.fill("#return input[name=handed_over_to]", "其子周晓东")
    page.click("#return button")
    page.wait_for_selector("#stay-status >> text=已护送返乡")
    assert "交接：其子周晓东" in page.inner_text("#stay-destination")

    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("#sidebar >> text=救助统计")
    row = page.inner_text("#rescue-statistics tbody tr")
    assert "海曙区救助管理站" in row
    cells = row.split("\t")
    assert cells[2:5] == ["1", "1", "1"]  # one intake, one return, one stay ended
