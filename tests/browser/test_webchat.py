"""The web chat in a real browser: the page's own script talks to the bot through the platform."""

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import shot


def test_a_citizen_types_in_the_web_chat_and_the_bot_answers(new_page: Callable[[], Page]) -> None:
    page = new_page()
    page.goto("/chat")
    shot(page, "chat-empty")
    page.fill("#text", "你好")
    page.press("#text", "Enter")
    expect(page.locator("#log .msg.user .bubble")).to_have_text(["你好"])
    expect(page.locator("#log .msg.bot .bubble").first).to_contain_text("速办")
    shot(page, "chat-greeting")
