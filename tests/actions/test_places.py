"""Places from the resolver and the entities; corrections replace from the top level down."""

from typing import Any

import pytest

from actions.places import Place, canonical_district, describe_place, place_changes, remainder


def test_short_and_full_district_names() -> None:
    assert canonical_district("南山") == "南山区"
    assert canonical_district("大鹏") == "大鹏新区"
    assert canonical_district("福田区") == "福田区"
    assert canonical_district("科技园") is None


def test_a_new_district_clears_what_belonged_to_the_old_one() -> None:
    current = {"district": "南山区", "street": "粤海街道", "community": None, "address": "科技园"}
    assert place_changes(current, Place(district="福田区")) == {
        "district": "福田区",
        "street": None,
        "address": None,
    }


def test_a_new_address_keeps_the_district_and_street() -> None:
    current = {"district": "南山区", "street": "粤海街道", "address": "科技园"}
    assert place_changes(current, Place(address="科兴科学园")) == {"address": "科兴科学园"}


def test_nothing_named_changes_nothing() -> None:
    assert place_changes({"district": "南山区"}, Place()) == {}


def test_the_place_as_read_back() -> None:
    assert describe_place({"district": "南山区", "street": "粤海街道", "address": "科技园"}) == (
        "南山区粤海街道 科技园"
    )
    assert describe_place({}) == "未提供"


def located(text: str, *names: tuple[str, str]) -> dict[str, Any]:
    """A resolver answer with an area span (kind, name as written) for each name."""
    spans = []
    for kind, name in names:
        start = text.index(name, spans[-1]["end"] if spans else 0)
        spans.append({"text": name, "start": start, "end": start + len(name), "kind": kind})
    return {"spans": spans}


@pytest.mark.parametrize(
    ("said", "names", "detail"),
    [
        ("福田区华强花园3栋", [("district", "福田区")], "华强花园3栋"),
        ("不对，是在福田区，石厦那边", [("district", "福田区")], "石厦那边"),
        (
            "搞错了，不是南山，是宝安区西乡街道固戍那边",
            [("district", "南山"), ("district", "宝安区"), ("street", "西乡街道")],
            "固戍那边",
        ),
        ("建安一路停车场旁边，是垃圾站", [], "建安一路停车场旁边，是垃圾站"),
        ("在南山那边", [("district", "南山")], ""),
        (
            "It's in Bao'an District, next to Baoan Park",
            [("district", "Bao'an District"), ("district", "Baoan")],
            "next to Baoan Park",
        ),
        (
            "No, it's actually in Futian, near Shenzhen Central Park",
            [("district", "Futian")],
            "near Shenzhen Central Park",
        ),
        (
            "The factory is in Longgang, near Bantian",
            [("district", "Longgang"), ("street", "Bantian")],
            "The factory",
        ),
        ("Futian, inside the mall", [("district", "Futian")], "inside the mall"),
    ],
)
def test_the_citizens_words_for_the_exact_place(
    said: str, names: list[tuple[str, str]], detail: str
) -> None:
    """Area names out, with the words around them that are no place (openings, "搞错了，不是",
    "it's in", a dangling "near"); a district inside a longer English name stays."""
    assert remainder(said, located(said, *names)) == detail
