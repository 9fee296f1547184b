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
