"""An operator at the console: the inbox and one conversation, watched live.

The console's live pages refresh on server-sent events and, as a fallback, on a timer. To show
that an update came live (pushed, no reload), `watch_live` stops the page's timers (Playwright's
fake clock, paused) and marks the window: a row that then appears can only have come through
the event stream, and the mark proves the page was not reloaded.
"""

import datetime as dt
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import shot

MARK = "__subanNotReloaded"


@dataclass
class Operator:
    """An operator's page, logged in (see tests.browser.staff.log_in)."""

    page: Page

    def __post_init__(self) -> None:
        # Fake timers must be in place before the first page loads; they run normally until
        # watch_live pauses them.
        self.page.clock.install()

    def watch_live(self) -> None:
        """From now on only pushed updates can change the page (timers paused), and a reload
        would show (the window's mark gone). Call after the page has loaded."""
        self.page.clock.pause_at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
        self.page.evaluate(f"window.{MARK} = true")

    def resume_timers(self) -> None:
        """Let the page's timed refreshes run again (the clock stays paused across loads)."""
        self.page.clock.resume()

    def expect_not_reloaded(self) -> None:
        assert self.page.evaluate(f"window.{MARK} === true"), "the page was reloaded"

    def inbox_rows(self) -> Locator:
        return self.page.get_by_test_id("inbox-row")

    def open_inbox(self) -> set[tuple[str, str]]:
        """Go to the inbox; returns the (channel, chat) of the rows already there."""
        self.page.goto("/console/inbox")
        expect(self.page.locator("#inbox-table")).to_be_visible()
        rows = self.inbox_rows()
        return {
            (
                rows.nth(i).get_attribute("data-channel") or "",
                rows.nth(i).get_attribute("data-chat") or "",
            )
            for i in range(rows.count())
        }

    def new_row(self, channel: str, *, known: set[tuple[str, str]]) -> Locator:
        """The inbox row of a conversation of `channel` that was not in `known`, once it shows."""
        skip = "".join(f":not([data-chat='{chat}'])" for ch, chat in known if ch == channel)
        row = self.page.locator(f"[data-testid='inbox-row'][data-channel='{channel}']{skip}")
        expect(row).to_have_count(1)
        return row

    def row(self, channel: str, chat: str) -> Locator:
        return self.page.locator(
            f"[data-testid='inbox-row'][data-channel='{channel}'][data-chat='{chat}']"
        )

    @property
    def state(self) -> Locator:
        return self.page.get_by_test_id("conversation-state")

    def messages(self, role: str) -> Locator:
        return self.page.locator(f"#transcript [data-testid='message'][data-role='{role}']")

    def takes_over(self, row: Locator) -> None:
        row.get_by_test_id("open-conversation").click()
        expect(self.state).to_have_attribute("data-state", "waiting")
        shot(self.page, "conversation-waiting")
        self.page.click("#claim")
        expect(self.state).to_have_attribute("data-state", "held")
        expect(self.page.locator("#send-form")).to_be_visible()

    def sends(self, text: str) -> Locator:
        """Send `text` to the citizen; returns its transcript entry."""
        self.page.fill("#reply-text", text)
        self.page.click("#send")
        sent = self.messages("operator").filter(has_text=text)
        expect(sent).to_have_count(1)
        return sent

    def hands_back(self, note: str) -> None:
        self.page.fill("#release-note", note)
        self.page.click("#release")
        expect(self.state).to_have_attribute("data-state", "bot")
