"""The gazetteer data: divisions from jionlp, hand-kept centroids, aliases and landmarks."""

import copy
from typing import Any

import pytest

from backend.places import UnknownDistrictError, canonical_district, district_names, streets_of
from backend.places.errors import GazetteerDataError
from backend.places.gazetteer import DATA_DIR, build_gazetteer, load_gazetteer, read_data_file

DISTRICTS = [
    "福田区", "罗湖区", "南山区", "盐田区", "宝安区",
    "龙岗区", "龙华区", "坪山区", "光明区", "大鹏新区",
]  # fmt: skip
STREET_COUNTS = {
    "福田区": 10, "罗湖区": 10, "南山区": 8, "盐田区": 4, "宝安区": 10,
    "龙岗区": 11, "龙华区": 6, "坪山区": 6, "光明区": 6, "大鹏新区": 3,
}  # fmt: skip


def data_files() -> dict[str, Any]:
    names = ("divisions", "centroids", "aliases", "landmarks")
    return {name: copy.deepcopy(read_data_file(f"{name}.yml")) for name in names}


def test_the_ten_districts() -> None:
    assert sorted(district_names()) == sorted(DISTRICTS)


def test_seventy_four_streets_in_their_districts() -> None:
    assert {d: len(streets_of(district=d)) for d in DISTRICTS} == STREET_COUNTS
    assert sum(STREET_COUNTS.values()) == len(load_gazetteer().streets) == 74
    assert "粤海街道" in streets_of(district="南山区")
    assert all(name.endswith("街道") for name in load_gazetteer().streets)


def test_dapeng_streets_belong_to_the_new_district_not_longgang() -> None:
    assert set(streets_of(district="大鹏新区")) == {"大鹏街道", "南澳街道", "葵涌街道"}
    assert not {"大鹏街道", "南澳街道", "葵涌街道"} & set(streets_of(district="龙岗区"))


def test_non_street_entries_of_the_source_are_dropped() -> None:
    every_street = set(load_gazetteer().streets)
    for name in ("前海合作区", "市保税区", "深圳市宝安国际机场", "深圳市大工业区", "福田保税区"):
        assert name not in every_street


def test_communities_are_kept_under_their_streets() -> None:
    yuehai = load_gazetteer().streets["粤海街道"]
    assert "科技园社区" in yuehai.communities
    assert "深圳大学社区" in yuehai.communities
    assert len(load_gazetteer().communities) > 700


def test_divisions_file_names_its_source_and_version() -> None:
    header = (DATA_DIR / "divisions.yml").read_text(encoding="utf-8").splitlines()[:8]
    assert any("jionlp==1.5.31" in line for line in header)
    assert read_data_file("divisions.yml")["source"]["version"] == "1.5.31"


def test_districts_have_adcodes_short_names_and_centroids() -> None:
    nanshan = load_gazetteer().districts["南山区"]
    assert (nanshan.adcode, nanshan.short) == ("440305", "南山")
    assert 22.4 < nanshan.centroid.lat < 22.7 and 113.8 < nanshan.centroid.lon < 114.1
    assert load_gazetteer().districts["大鹏新区"].adcode is None  # no national adcode


@pytest.mark.parametrize(
    ("name", "district"),
    [
        ("Nanshan", "南山区"),
        ("nanshan district", "南山区"),
        ("Futian", "福田区"),
        ("Bao'an", "宝安区"),
        ("Baoan", "宝安区"),
        ("Bao’an District", "宝安区"),
        ("Longgang", "龙岗区"),
        ("Longhua", "龙华区"),
        ("Luohu", "罗湖区"),
        ("Yantian", "盐田区"),
        ("Pingshan", "坪山区"),
        ("Guangming", "光明区"),
        ("Dapeng", "大鹏新区"),
        ("南山", "南山区"),
        ("大鹏", "大鹏新区"),
        ("光明新区", "光明区"),
    ],
)
def test_district_aliases(name: str, district: str) -> None:
    assert canonical_district(name=name) == district


def test_unknown_district_is_a_clear_error() -> None:
    with pytest.raises(UnknownDistrictError, match="天河区"):
        streets_of(district="天河区")


def test_enough_landmarks_with_the_well_known_ones() -> None:
    landmarks = {lm.name: lm for lm in load_gazetteer().landmarks}
    assert len(landmarks) >= 120
    assert (landmarks["科技园"].district, landmarks["科技园"].street) == ("南山区", "粤海街道")
    assert "高新园" in landmarks["科技园"].aliases
    assert landmarks["深南大道"].kind == "road"
    assert (landmarks["深南大道"].district, landmarks["深南大道"].street) == (None, None)
    assert landmarks["深圳北站"].kind == "station"
    assert "北站" in landmarks["深圳北站"].aliases
    for name in ("华强北", "东门老街", "世界之窗", "大梅沙", "大学城", "建安一路", "白石洲", "岗厦",
                 "宝安中心", "蛇口", "前海", "后海", "车公庙", "科兴科学园", "深圳湾公园", "莲花山",
                 "欢乐谷", "华侨城"):  # fmt: skip
        assert name in landmarks, name


def test_missing_street_centroid_is_a_data_error() -> None:
    files = data_files()
    del files["centroids"]["streets"]["粤海街道"]
    with pytest.raises(GazetteerDataError, match="粤海街道"):
        build_gazetteer(**files)


def test_centroid_outside_shenzhen_is_a_data_error() -> None:
    files = data_files()
    files["centroids"]["streets"]["粤海街道"] = {"lat": 23.13, "lon": 113.26}
    with pytest.raises(GazetteerDataError, match="outside Shenzhen"):
        build_gazetteer(**files)


def test_landmark_in_a_street_of_another_district_is_a_data_error() -> None:
    files = data_files()
    files["landmarks"]["landmarks"][0] = {
        **files["landmarks"]["landmarks"][0],
        "district": "福田区",
        "street": "粤海街道",
    }
    with pytest.raises(GazetteerDataError, match="not in"):
        build_gazetteer(**files)


def test_alias_used_by_two_landmarks_is_a_data_error() -> None:
    files = data_files()
    first, second = files["landmarks"]["landmarks"][:2]
    second["aliases"] = [*second["aliases"], first["name"]]
    with pytest.raises(GazetteerDataError, match="used twice"):
        build_gazetteer(**files)


def test_alias_for_an_unknown_district_is_a_data_error() -> None:
    files = data_files()
    files["aliases"]["districts"]["天河区"] = ["Tianhe"]
    with pytest.raises(GazetteerDataError, match="天河区"):
        build_gazetteer(**files)
