from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from minzheng.core import divisions
from minzheng.core.divisions import current_county_for, name_for

DATA = divisions.DATA
NINGBO_COUNTIES = {
    "330203": "海曙区",
    "330205": "江北区",
    "330206": "北仑区",
    "330211": "镇海区",
    "330212": "鄞州区",
    "330213": "奉化区",
    "330225": "象山县",
    "330226": "宁海县",
    "330281": "余姚市",
    "330282": "慈溪市",
}


def by_level() -> Counter[str]:
    return Counter(d.level for d in divisions.divisions())


def test_the_city_has_its_ten_county_level_units_with_their_gb2260_codes() -> None:
    counties = {d.county_code: d.name for d in divisions.counties()}
    assert counties == NINGBO_COUNTIES
    assert name_for("330200000000") == "宁波市"


def test_the_file_holds_157_real_townships_and_2871_generated_villages() -> None:
    assert by_level() == {"city": 1, "county": 10, "township": 157, "village": 2871}


def test_every_unit_but_the_city_has_a_parent_one_level_up() -> None:
    levels = ["city", "county", "township", "village"]
    by_code = {d.code: d for d in divisions.divisions()}
    for unit in divisions.divisions():
        if unit.level == "city":
            assert unit.parent_code is None
            continue
        assert unit.parent_code is not None
        parent = by_code[unit.parent_code]
        assert levels.index(parent.level) == levels.index(unit.level) - 1


def test_every_village_is_flagged_generated_and_nothing_else_is() -> None:
    for unit in divisions.divisions():
        assert unit.generated == (unit.level == "village"), unit


def test_codes_are_unique_and_nest_inside_their_parents() -> None:
    codes = [d.code for d in divisions.divisions()]
    assert len(codes) == len(set(codes))
    for unit in divisions.divisions():
        assert len(unit.code) == 12 and unit.code.isdigit()
        if unit.level == "township":
            assert unit.code[:6] == unit.parent_code[:6]  # type: ignore[index]
        if unit.level == "village":
            assert unit.code[:9] == unit.parent_code[:9]  # type: ignore[index]


def test_streets_get_communities_from_001_and_towns_get_villages_from_201() -> None:
    nanmen = divisions.children_of("330203001000")  # 南门街道
    assert name_for("330203001000") == "南门街道"
    assert nanmen[0].code == "330203001001"
    assert all(v.name.endswith("社区") for v in nanmen)
    town = next(d for d in divisions.divisions() if d.level == "township" and d.name.endswith("镇"))
    villages = divisions.children_of(town.code)
    assert villages[0].code == town.code[:9] + "201"
    assert all(v.name.endswith("村") for v in villages)


def test_generated_names_never_repeat_inside_a_county() -> None:
    names = Counter((d.county_code, d.name) for d in divisions.divisions() if d.generated)
    assert names.most_common(1)[0][1] == 1


def test_villages_follow_county_population_so_cixi_has_the_most() -> None:
    per_county = Counter(d.county_code for d in divisions.divisions() if d.level == "village")
    assert per_county.most_common(2) == [("330282", 561), ("330212", 491)]  # 1.84M, 1.61M people
    assert per_county["330205"] == 149  # 江北区, 0.49M: the fewest


def test_retired_county_codes_map_to_todays_unit() -> None:
    assert current_county_for("330204") == "330212"  # 江东区 → 鄞州区
    assert current_county_for("330283") == "330213"  # 奉化市 → 奉化区
    assert current_county_for("330224") == "330213"  # 奉化县 → 奉化区
    assert current_county_for("330227") == "330212"  # 鄞县 → 鄞州区
    assert current_county_for("330202") == "330203"  # 镇明区 → 海曙区 (1984)
    assert current_county_for("339001") == "330281"  # 余姚市, province-administered 1986–1989


def test_a_current_code_is_its_own_unit_and_an_aggregate_code_has_none() -> None:
    assert current_county_for("330203") == "330203"
    assert current_county_for("330201") is None  # 市辖区: all districts together
    assert current_county_for("110105") is None  # not Ningbo


def test_names_are_found_for_current_and_legacy_codes() -> None:
    assert name_for("330204") == "江东区"
    assert name_for("330227") == "鄞县"
    assert name_for("330206") == "北仑区"  # today's name wins over 滨海区 (1985–1986)
    assert name_for("330201") == "市辖区"
    assert name_for("999999") is None


def test_legacy_codes_carry_their_years_of_validity() -> None:
    jiangdong = divisions.legacy_code("330204")
    assert jiangdong is not None
    assert (jiangdong.valid_from_year, jiangdong.valid_to_year) == (1983, 2016)
    yin = divisions.legacy_code("330227")
    assert yin is not None and yin.valid_to_year == 2002


def test_every_historical_3302_code_in_stdnum_is_either_current_or_legacy() -> None:
    from minzheng.core.idnumber import area_spells

    current = {d.county_code for d in divisions.counties()} | {"330200"}
    legacy = {row.code for row in divisions.legacy_codes()}
    stdnum_codes = {code for code in area_spells() if code.startswith("3302")}
    assert stdnum_codes <= current | legacy


def test_the_build_script_writes_the_committed_files_byte_for_byte(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    subprocess.run([sys.executable, str(copy / "build_divisions.py")], check=True)
    for name in ("ningbo_divisions.csv", "ningbo_legacy_codes.csv"):
        assert digest(copy / name) == digest(DATA / name), name


def test_the_csv_header_is_the_documented_one() -> None:
    with (DATA / "ningbo_divisions.csv").open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == [
            "code",
            "name",
            "level",
            "parent_code",
            "generated",
            "source",
        ]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
