"""Live takeover (转人工) in the console: a citizen asks for a person, an operator sees them
arrive live, takes over, talks with them on their own channel and hands them back to the bot."""

import re
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Page, expect

from storage.models import StaffRole
from tests.browser.citizens import TelegramCitizen, WebCitizen
from tests.browser.conftest import shot
from tests.browser.operator import Operator
from tests.browser.staff import create_staff, log_in
from tests.e2e.live import Platform, say

JOINED = "人工客服已接入"
RELEASED = "已转回智能助手"


@pytest.fixture
def operator(platform: Platform, new_page: Callable[[], Page]) -> Operator:
    """An operator logged in to the console."""
    operator = Operator(new_page())
    log_in(operator.page, create_staff(platform, StaffRole.operator))
    return operator


def test_an_operator_takes_over_a_web_chat_and_hands_it_back(
    operator: Operator, new_page: Callable[[], Page]
) -> None:
    known = operator.open_inbox()
    operator.watch_live()
    citizen = WebCitizen(new_page()).open()

    citizen.says("转人工")
    citizen.sees("人工客服")
    row = operator.new_row("web", known=known)
    expect(row).to_have_attribute("data-state", "waiting")
    operator.expect_not_reloaded()
    waiting = operator.page.locator("[data-testid='inbox-row'][data-state='waiting']").count()
    expect(operator.page).to_have_title(re.compile(rf"^\({waiting}\) "))  # the tab's badge
    shot(operator.page, "inbox-web-citizen-arrived")

    operator.takes_over(row)
    citizen.sees(JOINED)
    shot(operator.page, "conversation-held")

    words = "您好，我是12345热线的工作人员，请问是哪里的问题？"
    sent = operator.sends(words)
    citizen.sees(words)
    # A delivery is not pushed to the page; its timed refresh shows it.
    operator.resume_timers()
    expect(sent.get_by_test_id("delivery")).to_have_attribute("data-delivery", "sent")
    shot(citizen.page, "web-citizen-operator-message")

    operator.watch_live()
    answer = "就在科技园南区的工地，晚上一直打桩"
    silent_from = citizen.says(answer)
    from_citizen = operator.messages("citizen").filter(has_text=answer)
    expect(from_citizen).to_have_count(1)
    expect(from_citizen.get_by_test_id("nlu-hint")).to_be_visible()
    operator.expect_not_reloaded()
    shot(operator.page, "conversation-citizen-reply-live")

    operator.hands_back("已解答，转回智能助手")
    citizen.sees(RELEASED)
    # The bot stayed silent while held: the first bot bubble after the citizen's answer is the
    # hand-back notice.
    assert citizen.bot_bubbles.nth(silent_from).inner_text().startswith(RELEASED[:5])

    after = citizen.says("你好")
    expect(citizen.next_bot(after=after)).to_contain_text("速办")
    shot(citizen.page, "web-citizen-bot-again")


def test_an_operator_talks_with_a_telegram_citizen(operator: Operator, platform: Platform) -> None:
    citizen = TelegramCitizen(platform.bot_api)
    known = operator.open_inbox()
    operator.watch_live()

    mark = citizen.says("转人工")
    citizen.gets("人工客服", after=mark)
    row = operator.row("telegram", str(citizen.chat_id))
    expect(row).to_have_attribute("data-state", "waiting")
    assert ("telegram", str(citizen.chat_id)) not in known
    operator.expect_not_reloaded()
    shot(operator.page, "inbox-telegram-citizen-arrived")

    mark = len(platform.bot_api.calls)
    operator.takes_over(row)
    citizen.gets(JOINED, after=mark)

    words = "您好，我是工作人员，请把具体位置告诉我。"
    mark = len(platform.bot_api.calls)
    sent = operator.sends(words)
    citizen.gets(words, after=mark)
    # A delivery is not pushed to the page; its timed refresh shows it.
    operator.resume_timers()
    expect(sent.get_by_test_id("delivery")).to_have_attribute("data-delivery", "sent")

    operator.watch_live()
    # Markup in a citizen's words is shown as text, never run or rendered.
    answer = "在粤海街道科技园南区门口<b>很急</b><img src=x onerror='window.__xss=1'>"
    mark = citizen.says(answer)
    from_citizen = operator.messages("citizen").filter(has_text=answer)
    expect(from_citizen).to_have_count(1)
    expect(from_citizen.locator("b, img")).to_have_count(0)
    assert operator.page.evaluate("window.__xss === undefined")
    operator.expect_not_reloaded()
    shot(operator.page, "conversation-telegram-reply-live")

    operator.hands_back("")
    citizen.gets(RELEASED, after=mark)
    assert citizen.messages(after=mark)[0].startswith(RELEASED), "the bot answered while held"

    mark = citizen.says("你好")
    citizen.gets("速办", after=mark)


def test_two_operators_take_over_the_same_chat_and_the_second_is_told_who_has_it(
    platform: Platform, new_page: Callable[[], Page]
) -> None:
    first, second = Operator(new_page()), Operator(new_page())
    logins = [create_staff(platform, StaffRole.operator) for _ in range(2)]
    for operator, login in zip((first, second), logins, strict=True):
        log_in(operator.page, login)
    known = first.open_inbox()
    with httpx.Client(base_url=platform.url, timeout=60) as citizen:
        say(platform, citizen, "转人工")
    link = first.new_row("web", known=known).get_by_test_id("open-conversation")
    url = link.get_attribute("href")
    assert url
    for operator in (first, second):
        operator.page.goto(url)
        expect(operator.page.locator("#claim")).to_be_visible()

    first.page.click("#claim")
    expect(first.state).to_have_attribute("data-state", "held")
    # The second page is told live: take-over is withdrawn, naming the holder (in Chinese).
    held = second.page.get_by_test_id("held-by-other")
    expect(held).to_contain_text(logins[0].username)
    expect(held).to_contain_text("您不能接管")
    expect(second.page.locator("#claim")).to_have_count(0)
    expect(second.state).to_contain_text(logins[0].username)
    expect(second.page.locator("#send-form")).to_have_count(0)
    shot(second.page, "conversation-held-by-another")
