"""Browser tests: headless Chromium (Debian's, installed by scripts/browsers.sh) driven by
Playwright against the live stack of tests/e2e/live.py (real Rasa, action server, fake Telegram).

Every page a test looks at is saved under var/reports/screenshots/ (emptied at the start of each
run) by `shot(page, name)`, and each test's pages once more as they were when it ended.
"""

import itertools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.e2e.live import Platform
from tests.e2e.stack import REPO

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = REPO / "var" / "reports" / "screenshots"
# How long a page may take to show what a test waits for: the bot's reply goes through Rasa,
# which takes seconds when the two cores are shared with other suites.
WAIT_MS = 90_000

_shots = itertools.count(1)


def shot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as var/reports/screenshots/NNN-name.png (NNN: run order)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^\w.-]+", "-", name)
    path = SCREENSHOTS / f"{next(_shots):03d}-{safe}.png"
    page.screenshot(path=path, full_page=True)
    return path


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by these marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (and, running the real stack, an e2e one)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    """Headless Chromium for the tests of this folder, closed after the last of them (so
    Playwright's event loop is gone before other suites' asyncio tests run)."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"{CHROMIUM} is missing: run scripts/browsers.sh (make test does), or set CHROMIUM"
        )
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(
    chromium: Browser, platform: Platform, request: pytest.FixtureRequest
) -> Iterator[Callable[[], Page]]:
    """Opens pages, each in its own browser context (its own cookies: one person each); at the
    end of the test each is saved as `<test>-end-N` and closed."""
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = chromium.new_context(
            base_url=platform.url, locale="zh-CN", viewport={"width": 1280, "height": 800}
        )
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for number, context in enumerate(contexts, 1):
        for page in context.pages:
            if not page.is_closed():
                shot(page, f"{request.node.name}-end-{number}")
        context.close()


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    """One page in a fresh browser context."""
    return new_page()
