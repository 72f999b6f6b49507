"""Places from the resolver and the entities; corrections replace from the top level down."""

from actions.places import Place, canonical_district, describe_place, place_changes


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
