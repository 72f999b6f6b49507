"""locate_text never reads a place into ordinary words (光明正大, 小区东门, 公民治理 ...)."""

import pytest

from backend.places import locate_text


@pytest.mark.parametrize(
    "text",
    [
        "我们要光明正大地处理问题",
        "祝您前途光明",
        "光明的未来属于我们",
        "我朋友张龙华说这里很吵",
        "龙华寺在上海",
        "龙华有个工地很吵",  # no cue: 龙华 may be a name
        "小区东门有人摆摊",
        "学校北门和东门都堵了",
        "公民治理需要大家参与",
        "下水道的沙井盖不见了",
        "路边沙井堵了，污水漫出来",
        "招商银行门口有人发传单",
        "这里简直是世外桃源",
        "凤凰卫视的记者来了",
        "大鹏展翅",
        "寿比南山",
        "盐田里的水",
        "新安江水电站",
        "平湖秋月",
        "广州北站",
        "广州大学城",
        "从北京后海回来",
        "人行道上有坑",
        "下水道沙井那一块堵了",  # 那一块 is a cue, but 水 before 沙井 is an ordinary word
        "小区东门那一带有人摆摊",
        "大运会期间交通管制",
        "在大运会期间交通管制",
        "我今天走大运了",
    ],
)
def test_ordinary_words_are_not_places(text: str) -> None:
    match = locate_text(text=text)
    assert match.district is None, match
    assert match.street is None, match
    assert match.spans == (), match


@pytest.mark.parametrize(
    ("text", "district", "street"),
    [
        ("我在光明这边", "光明区", None),
        ("光明", "光明区", None),
        ("龙华。", "龙华区", None),
        ("我在龙华民治", "龙华区", "民治街道"),
        ("能不能问一下光明新湖街道今天为什么突然停水", "光明区", "新湖街道"),
        ("住在沙井", "宝安区", "沙井街道"),
        ("宝安沙井有人偷倒垃圾", "宝安区", "沙井街道"),
        ("在东门这边", "罗湖区", "东门街道"),
        ("罗湖东门", "罗湖区", "东门街道"),
        ("去北站坐高铁", "龙华区", "民治街道"),
        ("南山区的大学城", "南山区", "桃源街道"),
        ("我在新安这边", "宝安区", "新安街道"),
        ("住在平湖", "龙岗区", "平湖街道"),
        # 这一带 / 那一块 / 那一片 ... and a station (地铁站, 地铁口) after the name are cues
        ("东门那一带的流动摊贩很多", "罗湖区", "东门街道"),
        ("龙华那一带", "龙华区", None),
        ("民治这一块的路灯不亮", "龙华区", "民治街道"),
        ("大浪那一片", "龙华区", "大浪街道"),
        ("光明这一片", "光明区", None),
        ("民治地铁站旁边有人摆摊", "龙华区", "民治街道"),
        ("沙井地铁口有人拉客", "宝安区", "沙井街道"),
        ("大运那边堵车", "龙岗区", "龙城街道"),
        ("龙岗大运", "龙岗区", "龙城街道"),
    ],
)
def test_guarded_forms_count_in_place_like_context(
    text: str, district: str, street: str | None
) -> None:
    match = locate_text(text=text)
    assert (match.district, match.street) == (district, street)


def test_gate_of_a_landmark_is_not_dongmen() -> None:
    match = locate_text(text="科技园东门有人摆摊")  # the park's east gate, not 东门老街
    assert (match.district, match.street, match.address) == ("南山区", "粤海街道", "科技园")
    assert [s.text for s in match.spans] == ["科技园"]


def test_false_friend_does_not_hide_a_real_place_nearby() -> None:
    match = locate_text(text="光明区有人光明正大地占道经营")
    assert match.district == "光明区"
    assert [s.text for s in match.spans] == ["光明区"]
