"""The supervisor `make run` uses: crashed processes come back, endless crashers are reported,
a stop ends every process (and their children) — with real subprocesses."""

import asyncio
import io
import os
import shlex
import sys
from pathlib import Path

import pytest

from suban.supervise import Policy, Program, Supervisor, read_env_files, read_procfile

FAST = Policy(backoff_first=0.01, backoff_max=0.05, give_up_after=3, grace_seconds=0.5)
PY = shlex.quote(sys.executable)


def _py(code: str) -> str:
    return f"{PY} -c {shlex.quote(code)}"


async def _until(condition, *, rounds: int = 500) -> None:
    """Wait for `condition` (a real process needs real time); fail after ~10 s."""
    for _ in range(rounds):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition never became true")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_a_crashed_process_is_started_again(tmp_path: Path) -> None:
    starts = tmp_path / "starts"
    # Crashes on its first start, stays up on the second.
    code = (
        "import pathlib, sys, time\n"
        f"p = pathlib.Path({str(starts)!r})\n"
        "n = len(p.read_text().splitlines()) if p.exists() else 0\n"
        "p.write_text('x\\n' * (n + 1))\n"
        "sys.exit(9) if n == 0 else time.sleep(60)\n"
    )
    program = Program(name="rasa", command=_py(code))
    out = io.StringIO()
    supervisor = Supervisor(programs=[program], env=dict(os.environ), policy=FAST, out=out)
    running = asyncio.create_task(supervisor.run())
    await _until(lambda: starts.exists() and len(starts.read_text().splitlines()) == 2)
    pid = program.process.pid
    supervisor.stop()
    assert await running == 0
    assert program.starts == 2
    assert not _alive(pid)
    assert "rasa exited with code 9; restart in" in out.getvalue()


async def test_a_process_crashing_at_every_start_is_given_up_and_reported() -> None:
    crasher = Program(name="actions", command=_py("import sys; print('bad config'); sys.exit(2)"))
    out = io.StringIO()
    supervisor = Supervisor(programs=[crasher], env=dict(os.environ), policy=FAST, out=out)
    assert await supervisor.run() == 1
    assert crasher.starts == 3 and crasher.gave_up
    log = out.getvalue()
    assert "actions | bad config" in log
    assert "actions crashed 3 times" in log and "not restarting it" in log


async def test_the_others_keep_running_when_one_is_given_up() -> None:
    crasher = Program(name="bad", command=_py("import sys; sys.exit(1)"))
    steady = Program(name="good", command=_py("import time; time.sleep(60)"))
    supervisor = Supervisor(
        programs=[crasher, steady], env=dict(os.environ), policy=FAST, out=io.StringIO()
    )
    running = asyncio.create_task(supervisor.run())
    await _until(lambda: crasher.gave_up)
    assert not running.done() and steady.process.returncode is None
    supervisor.stop()
    assert await running == 1
    assert steady.process.returncode is not None


async def test_stop_kills_what_ignores_sigterm_and_the_shells_children(tmp_path: Path) -> None:
    pids = tmp_path / "pid"
    stubborn = _py(
        "import os, signal, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        f"open({str(pids)!r}, 'w').write(str(os.getpid()))\n"
        "time.sleep(60)\n"
    )
    # A shell that runs the program as a child (not exec'd): the stop must reach the child too.
    program = Program(name="stubborn", command=f"{stubborn}; echo done")
    out = io.StringIO()
    supervisor = Supervisor(programs=[program], env=dict(os.environ), policy=FAST, out=out)
    running = asyncio.create_task(supervisor.run())
    await _until(lambda: pids.exists() and pids.read_text() != "")
    child = int(pids.read_text())
    supervisor.stop()
    assert await running == 0
    await _until(lambda: not _alive(child))
    assert "still running after the grace period: killing it" in out.getvalue()
    assert program.starts == 1


def test_procfile_and_env_files_are_read_like_honcho(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    procfile = tmp_path / "Procfile"
    procfile.write_text("rasa: run-rasa --port 5005\nplatform: python -m suban\n")
    (tmp_path / ".env").write_text("A=from-env\nB=from-env\nC=from-env\n")
    (tmp_path / "secrets.env").write_text("B=from-secrets\nC=from-secrets\n")
    monkeypatch.setenv("C", "from-environment")
    programs = read_procfile(procfile)
    assert [(p.name, p.command) for p in programs] == [
        ("rasa", "run-rasa --port 5005"),
        ("platform", "python -m suban"),
    ]
    env = read_env_files([tmp_path / ".env", tmp_path / "secrets.env", tmp_path / "missing"])
    assert (env["A"], env["B"], env["C"]) == ("from-env", "from-secrets", "from-environment")
