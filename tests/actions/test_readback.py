"""The read-back before filing, and the questions of the form."""

from rasa_sdk.executor import CollectingDispatcher

from actions.ask_slots import AskContactPreference, AskDistrict, AskServiceCode
from actions.readback import AskConfirmed
from tests.actions.conftest import make_tracker, texts


async def test_the_read_back_names_category_place_description_and_contact() -> None:
    dispatcher = CollectingDispatcher()
    slots = {
        "service_code": "noise",
        "request_type": "complaint",
        "description": "工地晚上十一点还在打桩",
        "district": "南山区",
        "street": "粤海街道",
        "address": "科技园",
        "contact_preference": "phone",
        "phone": "13812345678",
        "urgent": True,
        "photo": ["a", "b"],
    }
    await AskConfirmed().run(dispatcher, make_tracker(slots=slots), {})
    (message,) = dispatcher.messages
    for part in ("噪音扰民", "南山区粤海街道 科技园", "工地晚上十一点还在打桩", "13812345678",
                 "照片：2 张", "紧急"):  # fmt: skip
        assert part in message["text"]
    assert [b["title"] for b in message["buttons"]] == ["确认提交", "修改", "取消"]
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny", "/cancel"]


async def test_an_inquiry_is_read_back_without_a_place() -> None:
    dispatcher = CollectingDispatcher()
    slots = {"service_code": "other", "request_type": "inquiry", "description": "公租房怎么申请"}
    await AskConfirmed().run(dispatcher, make_tracker(slots=slots), {})
    assert "地点" not in texts(dispatcher)[0]
    assert "咨询" in texts(dispatcher)[0]


async def test_small_choices_come_with_buttons() -> None:
    dispatcher = CollectingDispatcher()
    for action in (AskDistrict(), AskContactPreference(), AskServiceCode()):
        await action.run(dispatcher, make_tracker(), {})
    districts, contacts, categories = (m["buttons"] for m in dispatcher.messages)
    assert districts[2] == {"title": "南山区", "payload": '/inform{"district":"南山区"}'}
    assert [b["title"] for b in contacts] == ["在这里回复", "电话联系", "匿名"]
    assert categories[0] == {"title": "噪音扰民", "payload": "/noise"}
