"""Standard place names through announcement, and the address standardiser measured on a labelled
sample: every address it places must be placed right (precision), and it should place most."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from minzheng.civil import placenames
from minzheng.civil.address_parser import cn_number, parse_parts
from minzheng.civil.models import HouseholdAddressLink, PlaceName, StandardAddress
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.regions.models import Region

pytestmark = pytest.mark.django_db

FUHU, HESHAN = "330203001001", "330203001002"
REGISTER = (
    (FUHU, "人民路375号24幢304室"),
    (FUHU, "人民路375号24幢305室"),
    (FUHU, "人民路377号1幢2单元101室"),
    (FUHU, "江东路373号26幢701室"),
    (HESHAN, "人民路12号3幢201室"),
    (HESHAN, "世纪大道21号11幢902室"),
)

# (free text as departments write it, the register node it means — None: must not be placed)
SAMPLE: tuple[tuple[str, str | None], ...] = (
    ("海曙区南门街道福湖社区人民路375号24幢304室", "人民路375号24幢304室@F"),
    ("浙江省宁波市海曙区人民路375号24幢304室", "人民路375号24幢304室@F"),
    ("宁波海曙南门街道人民路３７５号二十四幢３０４", "人民路375号24幢304室@F"),
    ("人民路375号24栋305", "人民路375号24幢305室@F"),
    ("海曙区南门街道福湖社区人民路377号1幢2单元101室", "人民路377号1幢2单元101室@F"),
    ("江东路373号26号楼701室", "江东路373号26幢701室@F"),
    ("和山花园社区人民路12号3幢201室", "人民路12号3幢201室@H"),
    ("海曙区世纪大道21号11幢902", "世纪大道21号11幢902室@H"),
    ("江东路373号26幢", "江东路373号26幢@F"),
    ("福湖社区江东路373号26幢702室", "江东路373号26幢@F"),  # room not in the register
    ("人民路", None),  # two communities have it
    ("海曙区人民路999号", None),  # neither has the number
    ("鄞州区天童南路88号", None),  # not in the register
    ("南门街道某某小区", None),  # no road
)


@pytest.fixture
def register(regions: None) -> dict[str, StandardAddress]:
    nodes = {}
    for village, text in REGISTER:
        node = placenames.register_address(Region.objects.get(code=village), text)
        nodes[f"{text}@{'F' if village == FUHU else 'H'}"] = node
    return nodes


def _label(node: StandardAddress) -> str:
    parts = []
    while node is not None:
        parts.append(node.label)
        node = node.parent  # type: ignore[assignment]
    return "".join(reversed(parts))


def test_the_register_has_a_code_at_every_level(register: dict[str, StandardAddress]) -> None:
    room = register["人民路377号1幢2单元101室@F"]
    assert room.code == "330203001001-0001-377-1-2-101"
    assert room.full_text == "福湖社区人民路377号1幢2单元101室"
    assert StandardAddress.objects.filter(level="road").count() == 4


def test_the_standardiser_is_precise_on_the_labelled_sample(
    register: dict[str, StandardAddress],
) -> None:
    placed = right = 0
    expected_placed = sum(1 for _, truth in SAMPLE if truth)
    wrong = []
    for text, truth in SAMPLE:
        match = placenames.standardise(text)
        if match.address is None:
            if truth is not None:
                wrong.append((text, "未匹配"))
            continue
        placed += 1
        got = f"{_label(match.address)}@{'F' if match.address.region_id == FUHU else 'H'}"
        expected = truth.split("@")[0] if truth else None
        if truth is not None and got == f"{expected}@{truth.split('@')[1]}":
            right += 1
        else:
            wrong.append((text, got))
    precision = right / placed
    recall = right / expected_placed
    assert wrong == []
    assert (precision, recall, placed) == (1.0, 1.0, 10)


def test_chinese_numerals_and_full_width_digits_are_read() -> None:
    assert [cn_number(t) for t in ("3", "十二", "二十", "二十四", "九")] == [3, 12, 20, 24, 9]
    parts = parse_parts("宁波海曙南门街道福湖社区人民路３７５号二十四幢三单元３０４室")
    assert (parts.county, parts.community, parts.road, parts.number) == (
        "海曙区",
        "福湖社区",
        "人民路",
        375,
    )
    assert (parts.building, parts.unit, parts.room) == (24, 3, "304")


def test_registry_households_are_linked_to_standard_addresses(
    register: dict[str, StandardAddress], household_li_three_members: Any
) -> None:
    household_li_three_members.address = "海曙区南门街道福湖社区人民路375号24幢304室"
    household_li_three_members.save(update_fields=["address"])
    assert placenames.do_link_household_addresses(None, [household_li_three_members]) == 1
    link = HouseholdAddressLink.objects.get()
    assert (link.address, link.matched_level) == (register["人民路375号24幢304室@F"], "room")


def test_romanisation_separates_the_generic_term() -> None:
    assert placenames.romanise("人民路") == "Renmin Lu"
    assert placenames.romanise("西安路") == "Xi'an Lu"
    assert placenames.romanise("世纪大道") == "Shiji Dadao"


def test_a_name_is_proposed_reviewed_and_announced_with_the_required_fields(
    caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    village = Region.objects.get(code=FUHU)
    place = placenames.do_propose_place_name(
        caseworker_nanmen,
        name="福明路",
        category="road",
        region=village,
        location="东起江东路，西至人民路",
        meaning="沿用福明地名",
    )
    with pytest.raises(ValidationFailed, match="只有已批准的地名可以公告"):
        placenames.do_announce_place_name(caseworker_nanmen, place, on=date(2026, 3, 1))
    placenames.do_review_place_name(
        approver_haishu, place, approve=True, approving_body="海曙区人民政府", on=date(2026, 2, 1)
    )
    announced = placenames.do_announce_place_name(caseworker_nanmen, place, on=date(2026, 3, 1))
    assert (announced.status, announced.romanisation, announced.approving_body) == (
        "announced",
        "Fuming Lu",
        "海曙区人民政府",
    )
    with pytest.raises(ValidationFailed) as err:
        placenames.do_propose_place_name(
            caseworker_nanmen,
            name="福明路",
            category="road",
            region=village,
            location="另一处",
            meaning="重复",
        )
    assert err.value.code == "duplicate_name"


def test_the_proposer_cannot_approve_their_own_name(approver_haishu: Any) -> None:
    place = placenames.do_propose_place_name(
        approver_haishu,
        name="和山路",
        category="road",
        region=Region.objects.get(code=HESHAN),
        location="和山花园社区内",
        meaning="以社区名命名",
    )
    with pytest.raises(PermissionDenied, match="申报人不能审批自己申报的地名（审核分离）"):
        placenames.do_review_place_name(
            approver_haishu,
            place,
            approve=True,
            approving_body="海曙区人民政府",
            on=date(2026, 2, 1),
        )
    assert PlaceName.objects.get().status == "proposed"


def test_a_batch_registers_the_nodes_one_at_a_time_would(
    register: dict[str, StandardAddress],
) -> None:
    """`register_addresses`: nodes already there are reused, a new road takes its community's
    next sequence number (福湖 and 和山 have two roads each), an address twice is one node, the
    announced standard name is attached to a new road of its county, and the order is kept."""
    fuhu, heshan = Region.objects.get(code=FUHU), Region.objects.get(code=HESHAN)
    zhongshan = PlaceName.objects.create(
        name="中山路",
        romanisation="Zhongshan Lu",
        category="road",
        region=fuhu,
        location="东起灵桥，西至望京门",
        meaning="沿用",
        status="announced",
    )
    before = StandardAddress.objects.count()
    nodes = placenames.register_addresses(
        [
            (fuhu, "人民路375号24幢306室"),  # a new room under a building already there
            (fuhu, "中山路8号1幢101室"),
            (heshan, "海曙区中山路8号1幢101室"),  # the same road in another community
            (fuhu, "人民路375号24幢304室"),  # there already
            (fuhu, "南门街道中山路8号1幢101室"),  # the second one again
        ]
    )
    assert [n.code for n in nodes] == [
        "330203001001-0001-375-24-306",
        "330203001001-0003-8-1-101",
        "330203001002-0003-8-1-101",
        "330203001001-0001-375-24-304",
        "330203001001-0003-8-1-101",
    ]
    assert nodes[3] == register["人民路375号24幢304室@F"] and nodes[4] == nodes[1]
    assert StandardAddress.objects.count() == before + 9  # a room; road, number, building, room ×2
    assert nodes[1].full_text == "福湖社区中山路8号1幢101室"
    roads = StandardAddress.objects.filter(label="中山路").order_by("code")
    assert [(r.code, r.parent_id, r.place_name_id) for r in roads] == [
        ("330203001001-0003", None, zhongshan.pk),
        ("330203001002-0003", None, zhongshan.pk),
    ]
    assert _label(nodes[2]) == "中山路8号1幢101室"


def test_a_batch_with_an_address_without_a_road_writes_nothing(
    register: dict[str, StandardAddress],
) -> None:
    before = StandardAddress.objects.count()
    with pytest.raises(ValidationFailed) as err:
        placenames.register_addresses(
            [
                (Region.objects.get(code=FUHU), "人民路400号"),
                (Region.objects.get(code=FUHU), "南门街道某某小区"),
            ]
        )
    assert (err.value.code, str(err.value)) == ("no_road", "无法识别道路：南门街道某某小区")
    assert StandardAddress.objects.count() == before


def test_a_batch_is_standardised_as_each_address_alone_in_as_many_queries_for_twice_as_many(
    register: dict[str, StandardAddress],
) -> None:
    """`standardise_many` gives what `standardise` gives each address alone (with and without a
    community to look in), and its queries do not grow with the number of addresses."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    heshan = Region.objects.get(code=HESHAN)
    items = [(text, None) for text, _ in SAMPLE] + [(text, heshan) for text, _ in SAMPLE]
    alone = [placenames.standardise(text, within=within) for text, within in items]
    with CaptureQueriesContext(connection) as once:
        assert placenames.standardise_many(items) == alone
    with CaptureQueriesContext(connection) as twice:
        assert placenames.standardise_many(items + items) == alone + alone
    # the county names; the roads of each (community, county) scope — 2 × 3 here; a query a level
    # below the road (number, building, unit, room)
    assert len(twice) == len(once) == 1 + 6 + 4
    assert sum(1 for m in alone[: len(SAMPLE)] if m.address is not None) == 10
    assert {m.address.region_id for m in alone[len(SAMPLE) :] if m.address is not None} == {HESHAN}


def test_linking_again_updates_the_household_s_link(
    register: dict[str, StandardAddress], household_li_three_members: Any
) -> None:
    from minzheng.core.models import AuditEvent

    household = household_li_three_members
    household.address = "海曙区南门街道福湖社区人民路375号24幢304室"
    household.save(update_fields=["address"])
    assert placenames.do_link_household_addresses(None, [household]) == 1
    household.address = "海曙区南门街道福湖社区江东路373号26幢"
    household.save(update_fields=["address"])
    assert placenames.do_link_household_addresses(None, [household]) == 1
    link = HouseholdAddressLink.objects.get()
    building = StandardAddress.objects.get(code="330203001001-0002-373-26")
    assert (link.household_id, link.address, link.matched_level) == (
        household.pk,
        building,
        "building",
    )
    household.address = "南门街道某某小区"  # no road: not linked, the old link left alone
    household.save(update_fields=["address"])
    assert placenames.do_link_household_addresses(None, [household]) == 0
    assert HouseholdAddressLink.objects.get().address == building
    events = AuditEvent.objects.filter(object_type="household_address_link").order_by("id")
    assert [e.summary for e in events] == [
        "关联标准地址 1 户",
        "关联标准地址 1 户",
        "关联标准地址 0 户",
    ]
