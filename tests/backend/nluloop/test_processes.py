"""A training's processes: their output streamed, and stopped with their children at the
deadline or when the platform stops (the runner's tests show what the training then says)."""

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from backend.nluloop import processes
from tests.backend.nluloop.test_models import process_gone

# writes its id, starts a child that holds the output pipe, writes both ids, never ends
HANGING = """
import os, subprocess, sys, time
open(sys.argv[1], "w").write(f"{os.getpid()}")
child = subprocess.Popen(["sleep", "infinity"])
open(sys.argv[1], "w").write(f"{os.getpid()} {child.pid}")
while True:
    time.sleep(60)
"""


def run_in_thread(argv: list[str], deadline: float) -> tuple[threading.Thread, list[object]]:
    outcome: list[object] = []

    def run() -> None:
        try:
            code = processes.run_streaming(
                argv, cwd=Path.cwd(), env=dict(os.environ), deadline=deadline,
                on_line=outcome.append,
            )  # fmt: skip
            outcome.append(code)
        except processes.Stopped as stopped:
            outcome.append(stopped)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def both_ids(path: Path) -> str:
    """The process ids the command writes, once it has started its child."""
    for _ in range(600):  # a fresh python starting
        if path.exists() and len(path.read_text().split()) == 2:
            return path.read_text()
        time.sleep(0.1)
    raise AssertionError(f"{path} never written")


def written_ids(path: Path) -> list[int]:
    """The ids the command got to write before it was stopped (none when stopped before)."""
    return [int(pid) for pid in path.read_text().split()] if path.exists() else []


def test_the_output_is_streamed_and_the_exit_code_returned() -> None:
    lines: list[str] = []
    code = processes.run_streaming(
        [sys.executable, "-c", "print('a'); print('b'); raise SystemExit(3)"],
        cwd=Path.cwd(), env=dict(os.environ), deadline=time.monotonic() + 600,
        on_line=lines.append,
    )  # fmt: skip
    assert (code, lines) == (3, ["a\n", "b\n"])


@pytest.mark.parametrize("reason", [processes.TIME_LIMIT, processes.PLATFORM_STOPPED])
def test_a_command_is_stopped_with_its_children(tmp_path: Path, reason: str) -> None:
    ids = tmp_path / "pids"
    soon = time.monotonic() + (2 if reason == processes.TIME_LIMIT else 3600)
    thread, outcome = run_in_thread([sys.executable, "-c", HANGING, str(ids)], soon)
    if reason == processes.PLATFORM_STOPPED:
        both_ids(ids)
        assert processes.stop_all() == 1
    thread.join(timeout=120)  # a guard: it never ends by itself
    assert not thread.is_alive(), "the command was not stopped"
    assert isinstance(outcome[-1], processes.Stopped) and outcome[-1].reason == reason
    assert all(process_gone(pid) for pid in written_ids(ids))
    assert processes.stop_all() == 0  # nothing left registered
