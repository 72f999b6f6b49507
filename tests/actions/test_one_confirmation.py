"""Issue 10: a filed ticket is confirmed in ONE message (number, department, time limit). Filed
at once, the report asks the platform not to push the same dispatch (`caller_announces`); a
report kept while the platform was down is filed without it, so the citizen hears of it then."""

import json

from rasa_sdk.executor import CollectingDispatcher

from actions import filing
from actions.submit_complaint import SubmitComplaint
from tests.actions.conftest import make_tracker, texts
from tests.actions.fake_platform import FakePlatform
from tests.actions.test_submit_complaint import REPORT


def confirmed(**slots: object) -> object:
    return make_tracker(
        text="/affirm", intent="affirm", slots={**REPORT, **slots}, sender_id="telegram:42"
    )


async def test_filed_at_once_the_answer_is_the_one_confirmation(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    await SubmitComplaint().run(dispatcher, confirmed(), {})
    (said,) = texts(dispatcher)
    assert all(part in said for part in ("SZ20261129-000001", "南山区粤海街道办事处", "办理时限"))
    [request] = platform.calls("/api/v1/tickets")
    assert json.loads(request.content)["caller_announces"] is True


async def test_a_report_filed_later_is_announced_by_the_platform(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    platform.down = True
    await SubmitComplaint().run(dispatcher, confirmed(), {})
    platform.down = False
    await filing.retry_pending(client=platform.client(), store=filing.get_pending_store())
    landed = [r for r in platform.calls("/api/v1/tickets") if r.method == "POST"][-1]
    assert "caller_announces" not in json.loads(landed.content)


async def test_a_form_ended_without_confirmation_files_nothing(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(text="算了", intent="inform", slots={**REPORT, "confirmed": None})
    assert await SubmitComplaint().run(dispatcher, tracker, {}) == []
    assert platform.calls("/api/v1/tickets") == [] and dispatcher.messages == []
