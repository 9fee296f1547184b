"""The public registers — 社会组织, 信用名录, 慈善组织, 慈善信托, 信息公开, 慈善一日捐 — are read by
every staff role of the city, read-only (民政部令第60号; 慈善法第八章, 民政部令第61号): a township
caseworker, whose scope holds no organisation (they are registered by the city and the counties),
sees 海曙's and 鄞州's rows, and edits none. Edits stay with the registering authority: another
county's approver reads 海曙's register but cannot change it. 捐赠收入 names the donors: it is the
registering authority's ledger, not in a township's menu nor open to it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client

from minzheng.charity import actions as charity
from minzheng.charity.models import Disclosure
from minzheng.core.creditcode import build
from minzheng.organisations import actions as organisations
from minzheng.organisations.models import CreditListing, Organisation

from ..organisations.conftest import catalog, establish  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

CHARITY = "宁波市海曙区慈善总会"
YINZHOU = "宁波市鄞州区老年书画研究会"


@pytest.fixture
def registers(catalog: None, approver_haishu: Any, approver_yinzhou: Any) -> dict[str, Any]:  # noqa: F811
    """海曙's charity (recognised, a trust with its disclosure, a donation, a campaign), a 海曙
    society on the 活动异常名录, and a 鄞州 society."""
    org = establish(
        approver_haishu,
        name=CHARITY,
        code=build("5", "1", "330203", "MJ000020"),
        founded=date(2021, 3, 1),
    )
    charity.do_recognise_charity(
        approver_haishu, org.pk, recognised_on=date(2021, 6, 1), public_fundraising=True
    )
    charity.do_record_donation(
        approver_haishu,
        org.pk,
        data={"form": "cash", "received_on": "2025-04-25", "donor": "爱心企业甲", "amount": "8000"},
    )
    trust = charity.do_register_trust(
        approver_haishu,
        org.pk,
        data={
            "name": "海曙区助学慈善信托",
            "settlor": "宁波某实业有限公司",
            "property_amount": "500000",
            "established_on": "2025-03-01",
            "filed_on": "2025-03-05",
        },
    )
    charity.do_open_campaign(
        approver_haishu, org.pk, data={"year": "2025", "name": "2025年海曙区慈善一日捐"}
    )
    society = establish(
        approver_haishu,
        name="宁波市海曙区科普志愿者协会",
        code=build("5", "1", "330203", "MJ000001"),
        founded=date(2021, 5, 10),
    )
    listing = organisations.do_list_abnormal(
        approver_haishu,
        society.pk,
        reason="unreachable",
        decided_on=date(2025, 6, 3),
        entered_on=date(2025, 6, 4),
    )
    yinzhou = establish(
        approver_yinzhou,
        name=YINZHOU,
        code=build("5", "1", "330212", "MJ000009"),
        founded=date(2022, 4, 1),
        region="330212000000",
    )
    return {
        "charity": Organisation.objects.get(pk=org.pk),
        "society": society,
        "listing": listing,
        "yinzhou": yinzhou,
        "trust": trust,
        "disclosure": Disclosure.objects.get(organisation=org),
    }


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return str(response.content.decode())


def test_the_township_caseworker_reads_the_citys_registers(
    registers: dict[str, Any], caseworker_nanmen: Any
) -> None:
    client = _client(caseworker_nanmen)
    listed = _page(client, "/organisations/")
    assert CHARITY in listed and "宁波市海曙区科普志愿者协会" in listed and YINZHOU in listed
    assert "共 <strong>3</strong> 条" in listed

    credit = _page(client, "/organisations/credit/")
    assert "宁波市海曙区科普志愿者协会" in credit and "通过登记的住所无法取得联系" in credit
    assert "转入严重违法失信名单</button>" not in credit  # the escalation is the authority's

    charities = _page(client, "/charity/")
    assert CHARITY in charities
    # The year's sums over the city's charities, no donor named.
    totals = _page(client, "/charity/?year=2025")
    assert re.search(r'id="received">8000\.00<small>元', totals)
    assert "爱心企业甲" not in totals
    assert CHARITY in _page(client, "/charity/trusts/")
    assert "海曙区助学慈善信托" in _page(client, "/charity/trusts/")
    disclosures = _page(client, "/charity/disclosures/")
    assert "海曙区助学慈善信托年度信托事务" in disclosures
    assert "记录已公开" not in disclosures
    campaigns = _page(client, "/charity/campaigns/")
    assert "2025年海曙区慈善一日捐" in campaigns


def test_the_township_caseworker_reads_an_organisation_and_edits_nothing(
    registers: dict[str, Any], caseworker_nanmen: Any
) -> None:
    client = _client(caseworker_nanmen)
    society = registers["society"]
    detail = _page(client, f"/organisations/{society.pk}/")
    assert "宁波市海曙区科普志愿者协会" in detail and society.credit_code in detail
    assert 'id="public-register"' in detail and "民政部令第60号" in detail
    assert "活动异常名录" in detail  # its credit listing, public
    # None of the registering authority's parts or forms.
    assert 'id="applications"' not in detail
    assert "关联登记人员" not in detail and "变更登记 / 注销登记" not in detail
    assert "打印登记证书" not in detail and "保存监管信息" not in detail

    org = registers["charity"]
    page = _page(client, f"/charity/{org.pk}/")
    assert CHARITY in page and "民政部令第61号" in page
    assert "爱心企业甲" not in page  # donors are named only to the registering authority
    assert "登记捐赠" not in page and "新增慈善项目" not in page

    # The edits answer as before: not the caseworker's.
    disclosure = registers["disclosure"]
    assert client.post(f"/charity/disclosures/{disclosure.pk}/done/").status_code == 403
    assert Disclosure.objects.get(pk=disclosure.pk).disclosed_on is None
    assert (
        client.post(f"/organisations/credit/{registers['listing'].pk}/remove/").status_code == 403
    )
    assert CreditListing.objects.get(pk=registers["listing"].pk).status == "listed"


def test_donations_are_not_a_townships_page(
    registers: dict[str, Any], caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    client = _client(caseworker_nanmen)
    assert client.get("/charity/donations/").status_code == 403
    assert client.get("/charity/donations/export/").status_code == 403
    assert 'href="/charity/donations/"' not in _page(client, "/")
    own = _page(_client(approver_haishu), "/charity/donations/")
    assert "爱心企业甲" in own and "8000.00" in own


def test_another_countys_approver_reads_haishus_register_but_cannot_edit_it(
    registers: dict[str, Any], approver_yinzhou: Any, approver_haishu: Any
) -> None:
    client = _client(approver_yinzhou)
    society = registers["society"]
    detail = _page(client, f"/organisations/{society.pk}/")
    assert "宁波市海曙区科普志愿者协会" in detail
    assert "变更登记 / 注销登记" not in detail and 'id="applications"' not in detail
    disclosures = _page(client, "/charity/disclosures/")
    assert "海曙区助学慈善信托年度信托事务" in disclosures
    assert "记录已公开" not in disclosures  # 海曙's row: not 鄞州's to mark
    disclosure = registers["disclosure"]
    assert client.post(f"/charity/disclosures/{disclosure.pk}/done/").status_code == 404
    assert Disclosure.objects.get(pk=disclosure.pk).disclosed_on is None
    before = CreditListing.objects.count()
    client.post(
        f"/organisations/{society.pk}/credit/",
        {"reason": "unreachable", "decided_on": "2025-07-01", "on": "2025-07-01"},
    )
    assert CreditListing.objects.count() == before
    # 鄞州's own organisation stays its to edit; 海曙's approver still edits 海曙's.
    assert "变更登记 / 注销登记" in _page(client, f"/organisations/{registers['yinzhou'].pk}/")
    assert "记录已公开" in _page(_client(approver_haishu), "/charity/disclosures/")


def test_the_three_administrators_read_no_register(registers: dict[str, Any], auditor: Any) -> None:
    client = _client(auditor)
    assert client.get("/organisations/").status_code == 403
    assert client.get("/charity/disclosures/").status_code == 403
