"""The processes of a training (`rasa train`, the held-out evaluations): run with a deadline,
their output streamed, and stopped with everything they started when the deadline passes or the
platform stops.

Each runs in a process group of its own, so that stopping it reaches its children (Rasa's
workers) too, and nothing else. That group is not the platform's, which the supervisor of
`make run` signals on a stop; so the platform stops them itself on its way out (`stop_all`,
suban/app.py).
"""

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

# after SIGTERM, how long the processes get to exit before SIGKILL
KILL_GRACE_SECONDS = 10.0
STOP_GRACE_SECONDS = 2.0  # the platform is stopping: the supervisor gives it 10 s in all
TIME_LIMIT = "time limit"
PLATFORM_STOPPED = "platform stopped"

_running: set["_Stopper"] = set()
_running_lock = threading.Lock()


class Stopped(Exception):
    """The command was killed before it ended: `reason` is TIME_LIMIT or PLATFORM_STOPPED."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def run_streaming(
    argv: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    deadline: float,
    on_line: Callable[[str], None],
) -> int:
    """Run `argv`, calling `on_line` with each line it prints (stdout and stderr); its exit
    code. At `deadline` (time.monotonic) it is killed with its children and Stopped raised."""
    with subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,  # a group of its own: see the module's docstring
    ) as process:
        assert process.stdout is not None
        stopper = _Stopper(process)
        timer = threading.Timer(max(deadline - time.monotonic(), 0.0), stopper.stop, [TIME_LIMIT])
        timer.daemon = True
        with _registered(stopper):
            timer.start()
            try:
                for line in process.stdout:
                    on_line(line)
                returncode = process.wait()
            finally:
                timer.cancel()
                stopper.done.set()
        if stopper.reason is not None:
            raise Stopped(stopper.reason)
        return returncode


def stop_all() -> int:
    """Stop every training process still running (the platform is stopping); how many."""
    with _running_lock:
        stoppers = list(_running)
    for stopper in stoppers:
        stopper.stop(PLATFORM_STOPPED, grace_seconds=STOP_GRACE_SECONDS)
    return len(stoppers)


@contextlib.contextmanager
def _registered(stopper: "_Stopper") -> Iterator[None]:
    with _running_lock:
        _running.add(stopper)
    try:
        yield
    finally:
        with _running_lock:
            _running.discard(stopper)


class _Stopper:
    """Kills a process's group: SIGTERM, then SIGKILL after a grace; once."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.reason: str | None = None
        self.done = threading.Event()  # the command ended by itself: nothing to stop
        self._lock = threading.Lock()

    def stop(self, reason: str, grace_seconds: float = KILL_GRACE_SECONDS) -> None:
        with self._lock:
            if self.done.is_set() or self.reason is not None:
                return
            self.reason = reason
        self._signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=grace_seconds)
        self._signal(signal.SIGKILL)  # the leader may be gone while its children hold on

    def _signal(self, number: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)
