"""Scoring of `make eval-dialogue`: what a played conversation ended in against what it must.

A conversation passes when it ends in exactly the expected ticket (or none), with no stray
words in any field, the handoff flag as expected and, for English ones, every reply in
English. Plain functions on plain data: no Rasa, no HTTP (tests/scripts tests them).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from scripts.dialogue_cases import Conversation, ExpectedTicket, StrayWords

PLACE_FIELDS = ("street", "community", "address")
TEXT_FIELDS = ("district", "street", "community", "address", "description")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Exchange:
    """One citizen turn (what was shown as typed or tapped) and the bot's replies to it."""

    citizen: str
    replies: list[dict[str, Any]]


@dataclass(frozen=True)
class Observed:
    """What a played conversation left behind: the exchanges, the chat's tickets as the
    platform has them (`TicketOut` JSON), whether the chat waits for a person; why the script
    stopped early (`off_script`: the bot did not offer the button the citizen meant to tap;
    `error`: a request failed), and after which turn a ticket number was first given."""

    exchanges: list[Exchange]
    tickets: list[dict[str, Any]]
    handoff: bool
    error: str | None = None
    off_script: str | None = None
    filed_after: int | None = None

    @property
    def turns_used(self) -> int:
        """Citizen turns until the ticket was filed, else all turns played."""
        return self.filed_after or len(self.exchanges)


@dataclass(frozen=True)
class Difference:
    """One way the outcome differs from the expected one; `kind` groups failures."""

    kind: str
    detail: str


@dataclass(frozen=True)
class Result:
    """A played conversation and how it differs (nothing: it passed)."""

    conversation: Conversation
    observed: Observed
    differences: list[Difference] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.differences


def _normalised(text: str) -> str:
    return NOT_WORD.sub("", text).casefold()


def stray_words(ticket: dict[str, Any], *, stray: StrayWords) -> list[Difference]:
    """Commands and affirmations stored as data: in a place field, or as the description."""
    found = []
    for name in PLACE_FIELDS:
        value = (ticket.get(name) or "").casefold()
        hits = [word for word in stray.place_words if word.casefold() in value]
        if hits:
            found.append(Difference("stray words", f"{name} {ticket.get(name)!r} holds {hits}"))
    description = _normalised(ticket.get("description") or "")
    commands = {_normalised(command) for command in stray.commands}
    if description in commands:
        found.append(
            Difference("stray words", f"description is a command: {ticket.get('description')!r}")
        )
    return found


def ticket_differences(expected: ExpectedTicket, ticket: dict[str, Any]) -> list[Difference]:
    """Field by field: exact values, words contained, words absent."""
    found = []
    exact = ["service_code", "district", "contact_preference", "urgent"]
    exact += [name for name in ("street", "address", "description", "request_type")
              if expected.checks(name)]  # fmt: skip
    for name in exact:
        want, got = getattr(expected, name), ticket.get(name)
        if want != got:
            found.append(Difference(name, f"{name}: expected {want!r}, got {got!r}"))
    for name, words in (
        ("address", expected.address_contains),
        ("description", expected.description_contains),
    ):
        value = (ticket.get(name) or "").casefold()
        missing = [word for word in words if word.casefold() not in value]
        if missing:
            found.append(Difference(name, f"{name} {ticket.get(name)!r} lacks {missing}"))
    for name in TEXT_FIELDS:
        value = (ticket.get(name) or "").casefold()
        present = [word for word in expected.absent if word.casefold() in value]
        if present:
            found.append(Difference("stray words", f"{name} {ticket.get(name)!r} holds {present}"))
    return found


def chinese_replies(exchanges: Iterable[Exchange], *, allowed: Iterable[str]) -> list[Difference]:
    """Replies (texts and button titles) with Chinese in them, once the names that stay
    Chinese in an English reply (canonical districts, streets, departments) are taken out."""
    names = sorted(set(allowed), key=len, reverse=True)
    for number, exchange in enumerate(exchanges, start=1):
        for reply in exchange.replies:
            parts = [reply.get("text") or ""] + [b["title"] for b in reply.get("buttons") or []]
            for part in parts:
                rest = part
                for name in names:
                    rest = rest.replace(name, "")
                if CJK.search(rest):
                    return [Difference("language", f"turn {number}: reply in Chinese: {part!r}")]
    return []


def compare(
    conversation: Conversation,
    observed: Observed,
    *,
    stray: StrayWords,
    allowed_chinese: Iterable[str] = (),
) -> list[Difference]:
    """Every way the observed outcome differs from the conversation's expected one."""
    found: list[Difference] = []
    if observed.error:
        found.append(Difference("run error", observed.error))
    if observed.off_script:
        found.append(Difference("off script", observed.off_script))
    expected = conversation.ticket
    tickets = observed.tickets
    if expected is None and tickets:
        numbers = [t.get("ticket_no") for t in tickets]
        found.append(Difference("unexpected ticket", f"expected no ticket, got {numbers}"))
    elif expected is not None and not tickets:
        found.append(Difference("no ticket", "expected a ticket, none was filed"))
    elif expected is not None:
        if len(tickets) > 1:
            numbers = [t.get("ticket_no") for t in tickets]
            found.append(Difference("several tickets", f"expected one ticket, got {numbers}"))
        found.extend(ticket_differences(expected, tickets[0]))
    for ticket in tickets:
        found.extend(stray_words(ticket, stray=stray))
    if observed.handoff != conversation.handoff:
        want = "a handoff to a person" if conversation.handoff else "no handoff"
        found.append(Difference("handoff", f"expected {want}, got the opposite"))
    if conversation.language == "en":
        # a department's name is a proper name: it may stay Chinese, like a district's
        departments = [t["department"] for t in tickets if t.get("department")]
        allowed = [*allowed_chinese, *departments]
        found.extend(chinese_replies(observed.exchanges, allowed=allowed))
    return found


def _share(results: list[Result]) -> dict[str, Any]:
    passed = sum(result.passed for result in results)
    total = len(results)
    return {"passed": passed, "total": total, "share": round(passed / total, 3) if total else None}


def summarise(results: list[Result]) -> dict[str, Any]:
    """The figures of the report: shares passed, turns used, the commonest failure kinds."""
    turns = [result.observed.turns_used for result in results]
    extra = [
        result.observed.turns_used - result.conversation.min_turns
        for result in results
        if result.conversation.min_turns is not None
    ]
    kinds = Counter(kind for result in results for kind in {d.kind for d in result.differences})
    patterns = Counter(
        pattern
        for result in results
        if not result.passed
        for pattern in result.conversation.patterns
    )
    return {
        "overall": _share(results),
        "train": _share([r for r in results if r.conversation.split == "train"]),
        "heldout": _share([r for r in results if r.conversation.split == "heldout"]),
        "turns_mean": round(mean(turns), 2) if turns else None,
        "turns_over_minimum_mean": round(mean(extra), 2) if extra else None,
        "with_minimum": len(extra),
        "failure_kinds": dict(kinds.most_common()),
        "failed_patterns": dict(patterns.most_common()),
    }


def result_record(result: Result) -> dict[str, Any]:
    """One conversation in report.json."""
    return {
        "id": result.conversation.id,
        "split": result.conversation.split,
        "patterns": result.conversation.patterns,
        "passed": result.passed,
        "turns_used": result.observed.turns_used,
        "min_turns": result.conversation.min_turns,
        "differences": [{"kind": d.kind, "detail": d.detail} for d in result.differences],
        "tickets": result.observed.tickets,
        "handoff": result.observed.handoff,
        "transcript": [{"citizen": e.citizen, "bot": e.replies} for e in result.observed.exchanges],
    }


def _transcript_lines(observed: Observed) -> list[str]:
    lines = []
    for exchange in observed.exchanges:
        lines.append(f"    市民> {exchange.citizen}")
        for reply in exchange.replies:
            text = (reply.get("text") or "").replace("\n", " / ")
            buttons = " ".join(f"[{b['title']}]" for b in reply.get("buttons") or [])
            lines.append(f"    bot > {text} {buttons}".rstrip())
    return lines


def render_markdown(summary: dict[str, Any], results: list[Result], *, model: str) -> str:
    """report.md: the figures, then every failure with what differed and its transcript."""
    lines = ["# Dialogue evaluation", "", f"Model: `{model}`", ""]
    lines += ["| split | passed | total | share |", "|---|---|---|---|"]
    for split in ("overall", "train", "heldout"):
        row = summary[split]
        lines.append(f"| {split} | {row['passed']} | {row['total']} | {row['share']} |")
    lines += [
        "",
        f"Citizen turns per conversation: {summary['turns_mean']} on average; "
        f"{summary['turns_over_minimum_mean']} over the minimum "
        f"({summary['with_minimum']} conversations state one).",
        "",
        "Failure kinds (conversations): "
        + (", ".join(f"{k} {n}" for k, n in summary["failure_kinds"].items()) or "none"),
        "",
        "Patterns of failed conversations: "
        + (", ".join(f"{k} {n}" for k, n in summary["failed_patterns"].items()) or "none"),
        "",
        "## Failures",
    ]
    for result in results:
        if result.passed:
            continue
        conversation = result.conversation
        lines += ["", f"### {conversation.id} ({conversation.split}; "
                      f"{', '.join(conversation.patterns)})", ""]  # fmt: skip
        lines += [f"- {d.kind}: {d.detail}" for d in result.differences]
        lines += ["", "```", *_transcript_lines(result.observed), "```"]
    return "\n".join(lines) + "\n"
