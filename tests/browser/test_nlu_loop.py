"""The admins' NLU loop in the console, end to end on the real stack: a citizen's message the NLU
got wrong appears in the NLU inbox, an admin gives it the right intent, trains a model (the tiny
config: tests/backend/nluloop/data/tiny_config.yml), watches the progress, compares and activates
it (with a reason when the gate blocks) while citizens keep chatting, and a new citizen's
similar message is understood. Everything the admin does is in the console.

The slowest browser test: one real training (~2-6 min on two cores) on the NLU loop's own
stack (tests/e2e/nlu_live.py), which tests/e2e/test_nlu_loop.py then reuses.
"""

import json
import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from storage.models import StaffRole
from tests.browser.citizens import WebCitizen
from tests.browser.conftest import shot
from tests.browser.staff import create_staff, log_in
from tests.e2e.live import Platform
from tests.e2e.nlu_live import (
    INTENT,
    MISUNDERSTOOD,
    SIMILAR,
    TRAINING_TIMEOUT_SECONDS,
    Chatter,
    NluLoop,
)

pytestmark = [pytest.mark.rasa]

CATEGORY_LINE = re.compile("类别：")
UNDERSTOOD = "类别：路灯照明"  # the read-back's category line for INTENT (actions/data/labels.yml)


@pytest.fixture
def platform(nlu_loop: NluLoop) -> Platform:
    """The pages of this test open on the NLU loop's own stack (see tests/e2e/nlu_live.py)."""
    return nlu_loop.platform


def reads_back(citizen: WebCitizen, text: str) -> str:
    """The citizen reports `text` (a place in it: the web chat replies in the chat, so the
    bot reads the report back at once); the category line of the read-back."""
    after = citizen.says(text)
    readback = citizen.next_bot(after=after)
    expect(readback).to_contain_text("确认提交")
    return next(line for line in readback.inner_text().splitlines() if CATEGORY_LINE.match(line))


def test_an_admin_takes_a_misunderstood_message_to_an_activated_model(
    nlu_loop: NluLoop, new_page: Callable[[], Page]
) -> None:
    figures: dict[str, float] = {}
    first = WebCitizen(new_page(), name="nlu-citizen-before").open()
    misread = reads_back(first, MISUNDERSTOOD)
    assert misread != UNDERSTOOD
    shot(first.page, "nlu-citizen-misunderstood")

    admin = new_page()
    log_in(admin, create_staff(nlu_loop.platform, StaffRole.admin))
    admin.goto("/console/nlu")
    item = admin.get_by_test_id("nlu-item").filter(
        has=admin.get_by_test_id("nlu-text").get_by_text(MISUNDERSTOOD, exact=True)
    )
    expect(item).to_have_count(1)
    predicted = item.locator("td").first.inner_text()
    assert not predicted.startswith(INTENT), predicted
    shot(admin, "nlu-inbox-misunderstood")

    item.get_by_test_id("intent-select").select_option(INTENT)
    shot(admin, "nlu-annotated")
    item.get_by_test_id("add-example").click()
    expect(admin.get_by_test_id("flash")).to_contain_text(INTENT)
    expect(admin.get_by_test_id("nlu-text").get_by_text(MISUNDERSTOOD, exact=True)).to_have_count(0)
    shot(admin, "nlu-example-added")

    admin.click("#nlu-nav-train")
    started = time.monotonic()
    admin.get_by_test_id("start-training").click()
    training = admin.get_by_test_id("training")
    progress = admin.get_by_test_id("training-progress")
    # the bar moves while Rasa trains: live, polled by the page
    expect(training).to_have_attribute("data-state", "running")
    expect(progress).not_to_have_attribute("value", "0.000")
    expect(admin.get_by_test_id("training-log")).to_contain_text("train")
    shot(admin, "nlu-training-progress")
    expect(training).to_have_attribute(
        "data-state", re.compile("succeeded|failed"), timeout=TRAINING_TIMEOUT_SECONDS * 1000
    )
    figures["training_seconds"] = round(time.monotonic() - started, 1)
    shot(admin, "nlu-training-done")
    assert training.get_attribute("data-state") == "succeeded", admin.get_by_test_id(
        "training-log"
    ).inner_text()
    expect(progress).to_have_attribute("value", "1.000")

    admin.get_by_test_id("trained-model").click()
    expect(admin.locator("#nlu-per-intent")).to_contain_text(INTENT)
    expect(admin.get_by_test_id("confusion")).to_be_visible()
    shot(admin, "nlu-comparison")
    if admin.get_by_test_id("gate-blocked").count():
        admin.get_by_test_id("override-reason").fill("粤语街灯样例，关键意图下次补样例")
        shot(admin, "nlu-gate-override")
    with Chatter(nlu_loop.url) as chatter:
        started = time.monotonic()
        admin.get_by_test_id("activate").click()
        expect(admin.get_by_test_id("flash")).to_contain_text("已启用")
        figures["activation_seconds"] = round(time.monotonic() - started, 1)
    figures["longest_answer_during_activation"] = round(chatter.longest, 1)
    figures["messages_during_activation"] = len(chatter.answers)
    chatter.assert_every_message_answered()
    expect(admin.get_by_test_id("activate")).to_have_count(0)  # this model is the active one
    shot(admin, "nlu-activated")

    second = WebCitizen(new_page(), name="nlu-citizen-after").open()
    assert reads_back(second, SIMILAR) == UNDERSTOOD
    shot(second.page, "nlu-citizen-understood")
    admin.click("#nlu-nav-inbox")
    understood = admin.get_by_test_id("nlu-item").filter(
        has=admin.get_by_test_id("nlu-text").get_by_text(SIMILAR, exact=True)
    )
    expect(understood.locator("td").first).to_contain_text(INTENT)
    shot(admin, "nlu-inbox-understood")
    (nlu_loop.logs / "browser-activation.json").write_text(json.dumps(figures, indent=2))
    print("NLU loop (browser) figures:", figures)
