"""scripts/import_divisions.py: parsing jionlp's tab-indented tree and the Shenzhen overrides."""

import pytest
import yaml

from scripts.import_divisions import apply_overrides, parse_city, render_yaml

SOURCE = "\n".join(
    [
        "广东省\t440000\t广东",
        "\t广州市\t440100\t广州",
        "\t\t天河区\t440106\t天河",
        "\t\t\t石牌街道",
        "\t\t\t\t石牌社区",
        "\t深圳市\t440300\t深圳",
        "\t\t南山区\t440305\t南山",
        "\t\t\t前海合作区",
        "\t\t\t\t前海合作区虚拟社区",
        "\t\t\t粤海街道",
        "\t\t\t\t科技园社区",
        "\t\t\t\t科技园社区",
        "\t\t\t\t大冲社区",
        "\t\t龙岗区\t440307\t龙岗",
        "\t\t\t布吉街道",
        "\t\t\t\t布吉社区",
        "\t\t\t大鹏街道",
        "\t\t\t\t大鹏社区",
        "\t\t\t南澳街道",
        "\t\t\t\t南澳社区",
        "\t\t\t葵涌街道",
        "\t\t\t\t葵涌社区",
        "湖南省\t430000\t湖南",
    ]
)


def test_parse_keeps_only_the_city_and_drops_repeated_communities() -> None:
    districts = parse_city(text=SOURCE, city_adcode="440300")
    assert [d.name for d in districts] == ["南山区", "龙岗区"]
    nanshan = districts[0]
    assert (nanshan.adcode, nanshan.short) == ("440305", "南山")
    assert [s.name for s in nanshan.streets] == ["前海合作区", "粤海街道"]
    assert nanshan.streets[1].communities == ["科技园社区", "大冲社区"]


def test_unknown_city_is_an_error() -> None:
    with pytest.raises(ValueError, match="999999"):
        parse_city(text=SOURCE, city_adcode="999999")


def test_overrides_move_dapeng_and_drop_non_streets() -> None:
    districts = apply_overrides(districts=parse_city(text=SOURCE, city_adcode="440300"))
    by_name = {d.name: d for d in districts}
    assert [s.name for s in by_name["南山区"].streets] == ["粤海街道"]
    assert [s.name for s in by_name["龙岗区"].streets] == ["布吉街道"]
    dapeng = by_name["大鹏新区"]
    assert (dapeng.adcode, dapeng.short) == (None, "大鹏")
    assert [s.name for s in dapeng.streets] == ["大鹏街道", "南澳街道", "葵涌街道"]
    assert districts[-1] is dapeng


def test_rendered_yaml_has_a_source_header_and_the_tree() -> None:
    districts = apply_overrides(districts=parse_city(text=SOURCE, city_adcode="440300"))
    text = render_yaml(districts=districts, version="1.5.31")
    assert text.startswith("# Shenzhen administrative divisions")
    assert "jionlp==1.5.31" in text
    document = yaml.safe_load(text)
    assert document["source"]["version"] == "1.5.31"
    assert document["districts"][0]["streets"][0] == {
        "name": "粤海街道",
        "communities": ["科技园社区", "大冲社区"],
    }
