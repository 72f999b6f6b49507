"""Masking personal data in citizens' texts: what is masked, and what must stay readable."""

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from backend.privacy.masking import MASKING_FILE, load_masker, mask_personal_data

MASKED = [
    # mobile numbers, every way citizens write them
    ("我的电话是13800138000，有事联系我", "我的电话是[电话]，有事联系我"),
    ("联系我：138 0013 8000", "联系我：[电话]"),
    ("手机138-0013-8000晚上也可以打", "手机[电话]晚上也可以打"),
    ("+86 138 0013 8000", "[电话]"),
    ("+8613800138000", "[电话]"),
    ("打0086-13800138000找我", "打[电话]找我"),
    # landlines, Shenzhen and elsewhere
    ("物业座机0755-86001234一直没人接", "物业座机[电话]一直没人接"),
    ("请回电(0755)8600 1234", "请回电[电话]"),
    ("075586001234", "[电话]"),
    ("+86 755 8600 1234", "[电话]"),
    ("北京的号码010-62345678", "北京的号码[电话]"),
    ("联系电话 86001234", "联系电话 [电话]"),
    ("微信号：13800138000", "微信号：[电话]"),
    # ID-card numbers
    ("身份证号440305199001011234", "身份证号[身份证号]"),
    ("身份证 44030519900101123X 已经丢了", "身份证 [身份证号] 已经丢了"),
    # plates, old and new energy, with and without the dot, lower case too
    ("粤B12345的车天天堵在消防通道", "[车牌]的车天天堵在消防通道"),
    ("一辆粤B·D12345的电动车", "一辆[车牌]的电动车"),
    ("粤BD12345和粤BF12345", "[车牌]和[车牌]"),
    ("车牌号是粤b 12345", "车牌号是[车牌]"),
    ("湘A1234学的教练车", "[车牌]的教练车"),
    # e-mail
    ("邮箱zhang.wei@qq.com", "邮箱[邮箱]"),
    # names after 我叫 / 我是 / 本人 / 姓名
    ("你好，我叫张伟，住在科技园", "你好，我叫[姓名]，住在科技园"),
    ("我叫小明。", "我叫[姓名]。"),
    ("我是王小明，家住海岸城附近", "我是[姓名]，家住海岸城附近"),
    ("我是李先生，电话13800138000", "我是[姓名]，电话[电话]"),
    ("本人陈静电话13800138000", "本人[姓名]电话[电话]"),
    ("本人叫欧阳娜娜，今年七十岁", "本人叫[姓名]，今年七十岁"),
    ("姓名：刘洋 手机：13912345678", "姓名：[姓名] 手机：[电话]"),
]

KEPT = [
    "工单 SZ20261201-000001 怎么还没人处理",
    "我想查一下工单 SZ20261129-000016 的进度",
    "科技园12栋301楼上每天晚上23:00还在装修",
    "2026年12月1日 下午3点在深南大道10000号",
    "2026-12-01 23:00 又开始打桩了",
    "粤海街道科技园这边工地每天晚上十一点还在打桩",
    "我是业主，楼下的烧烤店油烟很大",
    "我是周边的居民，噪音太大了",
    "我是程序员，晚上要睡觉",
    "我是高层住户，电梯坏了三天",
    "我是罗湖的，",
    "我是万科城的业主",
    "我叫了物业好几次都没人来",
    "温度 38.5 度，湿度 80%",
    "大概有 100 多人排队，等了 45 分钟",
    "公交 M375 路的司机开得太快",
    "宝安区新安街道建安一路 88 号",
    "编号 2026120100 的井盖",
]


@pytest.mark.parametrize(("text", "masked"), MASKED, ids=[t for t, _ in MASKED])
def test_personal_data_is_masked(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize("text", KEPT)
def test_what_is_not_personal_data_is_kept(text: str) -> None:
    assert mask_personal_data(text) == text


def test_a_whole_complaint() -> None:
    text = (
        "您好，我叫张伟，电话13800138000，身份证440305199001011234。"
        "南山区科技园12栋楼下每天晚上23:00以后还有粤B·D12345这辆车停在消防通道，"
        "我之前提的工单SZ20261201-000001一直没处理。"
    )
    assert mask_personal_data(text) == (
        "您好，我叫[姓名]，电话[电话]，身份证[身份证号]。"
        "南山区科技园12栋楼下每天晚上23:00以后还有[车牌]这辆车停在消防通道，"
        "我之前提的工单SZ20261201-000001一直没处理。"
    )


def test_masking_twice_changes_nothing_more() -> None:
    once = mask_personal_data("我是李先生，电话13800138000，车牌粤B12345")
    assert mask_personal_data(once) == once


def write_rules(tmp_path: Path, **changes: object) -> Path:
    config = yaml.safe_load(MASKING_FILE.read_text(encoding="utf-8"))
    config.update(changes)
    path = tmp_path / "masking.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_rules_load_and_a_copy_masks_alike(tmp_path: Path) -> None:
    masker = load_masker(write_rules(tmp_path))
    assert masker.mask("我叫张伟 13800138000") == "我叫[姓名] [电话]"


@pytest.mark.parametrize(
    ("rules", "complaint"),
    [
        ([{"name": "x", "replacement": "[x]", "pattern": "(unclosed"}], "not a valid regular"),
        ([{"name": "x", "replacement": "[x]", "pattern": "{{nowhere}}"}], "unknown word list"),
        ([{"name": "x", "replacement": "", "pattern": "a"}], "replacement"),
        ([{"name": "x", "replacement": "[x]", "pattern": "a", "flags": "i"}], "flags"),
        (
            [
                {"name": "x", "replacement": "[x]", "pattern": "a"},
                {"name": "x", "replacement": "[y]", "pattern": "b"},
            ],
            "unique",
        ),
        ([], "rules"),
    ],
)
def test_a_wrong_rules_file_is_refused_with_the_reason(
    tmp_path: Path, rules: list[dict[str, object]], complaint: str
) -> None:
    with pytest.raises(ValidationError, match=complaint):
        load_masker(write_rules(tmp_path, rules=rules))
