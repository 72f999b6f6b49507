"""locate_text: districts, streets, communities and addresses in citizens' free text."""

import pytest

from backend.places import InvalidTextError, PlaceMatch, locate_text


def where(text: str) -> tuple[str | None, str | None, str | None]:
    match = locate_text(text=text)
    return match.district, match.street, match.address


def test_the_typical_complaint() -> None:
    match = locate_text(text="粤海街道科技园这边工地每天晚上十一点还在打桩")
    assert (match.district, match.street, match.address) == ("南山区", "粤海街道", "科技园")
    assert [(s.text, s.start, s.end, s.kind, s.value) for s in match.spans] == [
        ("粤海街道", 0, 4, "street", "粤海街道"),
        ("科技园", 4, 7, "area", "科技园"),
    ]
    assert match.conflicting_districts == ()


def test_a_correction_naming_only_a_district() -> None:
    assert where("不对，是在福田区") == ("福田区", None, None)


def test_a_known_road_gives_its_district_and_street() -> None:
    assert where("地址改成建安一路") == ("宝安区", "新安街道", "建安一路")


def test_house_number_extends_the_address() -> None:
    match = locate_text(text="地址改成建安一路88号")
    assert match.address == "建安一路88号"
    assert match.spans[-1].kind == "house_number"
    assert match.spans[-1].text == "88号"


@pytest.mark.parametrize(
    "text",
    ["今天天气不错", "", "   ", "电梯坏了三天了", "隔壁装修太吵了", "他在1栋2单元501室", "2号线"],
)
def test_no_place_means_all_none(text: str) -> None:
    match = locate_text(text=text)
    assert match == PlaceMatch()
    assert not match.found


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("南山", "南山区"),
        ("我住南山", "南山区"),
        ("罗湖这边", "罗湖区"),
        ("Nanshan District", "南山区"),
        ("I live in nanshan", "南山区"),
        ("noise in Bao'an", "宝安区"),
        ("noise in BAOAN every night", "宝安区"),
        ("Bao’an", "宝安区"),
        ("Longgang", "龙岗区"),
        ("ｆｕｔｉａｎ", "福田区"),
        ("大鹏新区南澳街道", "大鹏新区"),
        ("光明新区", "光明区"),
    ],
)
def test_districts_by_short_form_pinyin_and_english(text: str, district: str) -> None:
    assert locate_text(text=text).district == district


def test_latin_names_must_be_whole_words() -> None:
    assert locate_text(text="dapengbird").district is None
    assert locate_text(text="Futianese food").district is None


def test_futian_is_a_district_unless_called_a_street() -> None:
    assert where("福田区") == ("福田区", None, None)
    assert where("福田") == ("福田区", None, None)
    assert where("福田街道") == ("福田区", "福田街道", None)


def test_unambiguous_street_short_form_implies_its_district() -> None:
    assert where("粤海这边") == ("南山区", "粤海街道", None)
    assert where("布吉有个井盖坏了") == ("龙岗区", "布吉街道", None)


def test_street_wins_over_a_conflicting_district_and_the_conflict_is_reported() -> None:
    match = locate_text(text="福田区粤海街道")
    assert (match.district, match.street) == ("南山区", "粤海街道")
    assert match.conflicting_districts == ("福田区",)


def test_explicit_district_wins_over_a_landmark_elsewhere() -> None:
    match = locate_text(text="坪山东门步行街有人卖货")
    assert (match.district, match.street, match.address) == ("坪山区", None, "东门步行街")
    assert match.conflicting_districts == ("罗湖区",)


def test_last_district_wins_among_equals() -> None:
    match = locate_text(text="不是南山区，是福田区")
    assert match.district == "福田区"
    assert match.conflicting_districts == ("南山区",)


def test_landmark_implies_district_and_street() -> None:
    assert where("世界之窗门口有人拉客") == ("南山区", "沙河街道", "世界之窗")
    assert where("华强北") == ("福田区", "华强北街道", "华强北")
    assert where("去深圳北站") == ("龙华区", "民治街道", "深圳北站")


@pytest.mark.parametrize(
    ("text", "district", "street"),
    [
        # how citizens name places: short forms, areas, a landmark next to the district
        ("南山科技园那边有栋楼在翻新", "南山区", "粤海街道"),
        ("宝安西乡这块", "宝安区", "西乡街道"),
        ("龙华民治地铁站旁边", "龙华区", "民治街道"),
        ("福田CBD这边", "福田区", None),
        ("罗湖东门老街后面的巷子", "罗湖区", "东门街道"),
        ("蛇口那边", "南山区", "蛇口街道"),
        ("坂田华为基地附近", "龙岗区", "坂田街道"),
        ("在龙岗布吉", "龙岗区", "布吉街道"),
        ("大芬那边路灯坏了", "龙岗区", "布吉街道"),
        ("皇岗那边积水", "福田区", "福田街道"),
        ("南油那边的服装批发市场门口乱停车", "南山区", None),
        # English and pinyin names
        ("noise near Shekou", "南山区", "蛇口街道"),
        ("it's in Nanshan district, close to the Science Park", "南山区", "粤海街道"),
        ("noise near Qianhai", "南山区", None),
        ("construction noise in Houhai every night", "南山区", "粤海街道"),
        ("garbage near Sea World", "南山区", "招商街道"),
        ("the road is broken in Meilin", "福田区", "梅林街道"),
        ("street vendors in Gangxia village", "福田区", "福田街道"),
        ("traffic jam at Chegongmiao", "福田区", "沙头街道"),
        ("rubbish everywhere in Baishizhou", "南山区", "沙河街道"),
        ("painters block the road in Dafen Village", "龙岗区", "布吉街道"),
    ],
)
def test_colloquial_and_english_place_names(text: str, district: str, street: str | None) -> None:
    match = locate_text(text=text)
    assert (match.district, match.street) == (district, street)


def test_road_spanning_districts_gives_no_district() -> None:
    assert where("我住在深南大道边上") == (None, None, "深南大道")


def test_most_specific_address_wins() -> None:
    assert where("蛇口海上世界门口") == ("南山区", "招商街道", "蛇口海上世界")
    assert where("南山区科技园高新南一道上双排停车")[2] == "高新南一道"
    assert where("科兴科学园A栋3楼")[2] == "科兴科学园A栋3楼"
    assert where("南山区桃源村三期12栋")[2] == "桃源村三期12栋"


def test_unknown_road_after_a_place_or_before_a_house_number() -> None:
    assert where("南山区南山街道登良路那几盏灯不亮") == ("南山区", "南山街道", "登良路")
    assert where("南山区桃园路89号噪音") == ("南山区", None, "桃园路89号")
    assert where("福田区车公庙路口天天堵") == ("福田区", "沙头街道", "车公庙")


def test_metro_line_numbers_are_not_house_numbers() -> None:
    assert where("科技园一号线地铁口")[2] == "科技园"


def test_community_full_name_implies_street_and_district() -> None:
    match = locate_text(text="科技园社区有人乱扔垃圾")
    assert (match.district, match.street, match.community) == ("南山区", "粤海街道", "科技园社区")


def test_repeated_community_name_needs_context() -> None:
    alone = locate_text(text="凤凰社区有人乱扔垃圾")
    assert (alone.district, alone.street, alone.community) == (None, None, "凤凰社区")
    assert "宝安区" in alone.conflicting_districts
    placed = locate_text(text="宝安区凤凰社区")
    assert (placed.district, placed.street, placed.community) == ("宝安区", "福永街道", "凤凰社区")
    assert placed.conflicting_districts == ()


def test_community_short_form_right_after_its_street() -> None:
    match = locate_text(text="龙岗区横岗街道六约这里电线掉了")
    assert (match.street, match.community) == ("横岗街道", "六约社区")
    assert locate_text(text="福田区莲花街道彩田村物业乱收费").community == "彩田社区"


def test_to_dict_is_plain_data() -> None:
    data = locate_text(text="粤海街道科技园").to_dict()
    assert data == {
        "district": "南山区",
        "street": "粤海街道",
        "community": None,
        "address": "科技园",
        "spans": [
            {"text": "粤海街道", "start": 0, "end": 4, "kind": "street", "value": "粤海街道"},
            {"text": "科技园", "start": 4, "end": 7, "kind": "area", "value": "科技园"},
        ],
        "conflicting_districts": [],
    }


def test_spans_point_into_the_original_text() -> None:
    text = "投诉ＦＵＴＩＡＮ和Bao’an的噪音"
    for span in locate_text(text=text).spans:
        assert text[span.start : span.end] == span.text


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(InvalidTextError, match="string"):
        locate_text(text=None)  # type: ignore[arg-type]
    with pytest.raises(InvalidTextError, match="longer"):
        locate_text(text="南山" * 3000)
