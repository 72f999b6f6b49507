"""Issue 10 end to end: confirmations are never data, corrections keep the citizen's text,
a change of subject restarts the report (web chat → platform → real Rasa + actions)."""

import httpx
import pytest

from tests.e2e.live import Platform, file_new_if_offered, say
from tests.e2e.test_intake import RICH_REPORT, button, filed_ticket

pytestmark = pytest.mark.e2e


def test_a_typed_confirmation_at_the_address_question_is_not_the_address(
    platform: Platform, web_session: httpx.Client
) -> None:
    asked = say(platform, web_session, "宝安区新安街道的路灯坏了，晚上一片漆黑")
    assert "具体位置" in asked[-1]["text"]
    readback = file_new_if_offered(
        platform, web_session, say(platform, web_session, "对的，提交吧")
    )
    assert "提交吧" not in readback[-1]["text"].split("描述")[0]
    filed = say(platform, web_session, "确认提交")
    ticket = filed_ticket(platform, filed)
    assert "提交" not in (ticket["address"] or "") and "提交" not in ticket["description"]
    assert (ticket["district"], ticket["street"]) == ("宝安区", "新安街道")


def test_an_addition_to_the_description_keeps_the_original(
    platform: Platform, web_session: httpx.Client
) -> None:
    file_new_if_offered(platform, web_session, say(platform, web_session, RICH_REPORT))
    readback = say(platform, web_session, "描述再加一句：晚上有人差点掉进去")
    assert RICH_REPORT in readback[-1]["text"] and "差点掉进去" in readback[-1]["text"]
    ticket = filed_ticket(platform, say(platform, web_session, "确认提交"))
    assert ticket["description"] == f"{RICH_REPORT}\n补充：晚上有人差点掉进去"


def test_the_place_changed_after_modify_names_district_and_street(
    platform: Platform, web_session: httpx.Client
) -> None:
    replies = file_new_if_offered(platform, web_session, say(platform, web_session, RICH_REPORT))
    say(platform, web_session, button(replies, "修改")["payload"])
    # District and street are the citizen's answer to where: read back at once with the change.
    readback = say(platform, web_session, "地点改成福田区华富街道")
    assert not any("没能确定" in (reply["text"] or "") for reply in readback)
    assert "福田区华富街道" in readback[-1]["text"]
    # A road added at the read-back refines the place and keeps the street.
    readback = say(platform, web_session, "彩田路口")
    assert "福田区华富街道 彩田路" in readback[-1]["text"]
    ticket = filed_ticket(platform, say(platform, web_session, "确认提交"))
    assert (ticket["district"], ticket["street"]) == ("福田区", "华富街道")
    assert ticket["description"] == RICH_REPORT


def test_a_change_of_subject_restarts_the_report_keeping_the_place(
    platform: Platform, web_session: httpx.Client
) -> None:
    say(platform, web_session, "福田区华富街道的路灯坏了")
    say(platform, web_session, "哦不对，我要说的是噪音，隔壁工地半夜施工")
    readback = file_new_if_offered(platform, web_session, say(platform, web_session, "不知道"))
    assert "噪音扰民" in readback[-1]["text"]
    ticket = filed_ticket(platform, say(platform, web_session, "确认提交"))
    assert ticket["service_code"] == "noise"
    assert ticket["description"] == "噪音，隔壁工地半夜施工"
    assert (ticket["district"], ticket["street"]) == ("福田区", "华富街道")
