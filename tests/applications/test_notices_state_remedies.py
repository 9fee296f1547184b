"""Decision, refusal and exit notices tell the resident how to challenge them: administrative
review within 60 days at the county government, litigation within 6 months at the district court."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import RequestFactory

from minzheng.applications import actions, documents
from minzheng.applications.models import Application
from tests.applications.conftest import at, walk_to_public_notice

pytestmark = pytest.mark.django_db

REVIEW = "自知道本决定之日起60日内向海曙区人民政府申请行政复议（《中华人民共和国行政复议法》第二十条、第二十四条）"
COURT = "自知道本决定之日起6个月内向宁波市海曙区人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条）"


def _decided(
    app: Application, caseworker: Any, approver: Any, clock: Any, **kw: Any
) -> Application:
    app = walk_to_public_notice(app, caseworker)
    clock.move_to(at(date(2020, 10, 12)))
    app = actions.do_close_public_notice(caseworker, app)
    return actions.do_county_decide(approver, app, **kw)


def test_the_decision_notice_states_review_and_litigation(
    application_li: Application, caseworker_nanmen: Any, approver_haishu: Any, clock: Any
) -> None:
    app = _decided(application_li, caseworker_nanmen, approver_haishu, clock, approve=True)
    html = documents.application_html(RequestFactory().get("/"), app, "decision")
    assert REVIEW in html and COURT in html and "海曙区民政局" in html


def test_the_refusal_notice_states_review_and_litigation(
    application_li: Application, caseworker_nanmen: Any, approver_haishu: Any, clock: Any
) -> None:
    app = _decided(
        application_li, caseworker_nanmen, approver_haishu, clock, approve=False, reason="收入超标"
    )
    html = documents.application_html(RequestFactory().get("/"), app, "refusal")
    assert REVIEW in html and COURT in html and "收入超标" in html


def test_a_county_level_citys_court_has_no_city_prefix() -> None:
    from minzheng.regions.models import Region

    city = Region(code="330200000000", name="宁波市", level="city")
    county = Region(code="330281000000", name="余姚市", level="county", parent=city)
    township = Region(code="330281001000", name="凤山街道", level="township", parent=county)
    village = Region(code="330281001001", name="某社区", level="village", parent=township)
    found = documents.remedies_for(village)
    assert (found.review_body, found.court) == ("余姚市人民政府", "余姚市人民法院")
