"""`python -m suban supervise`: run the Procfile's processes and restart the ones that crash.

honcho (which `make run` used before) stops every process when one exits, so a Rasa crash
took the whole product down. Here each process is restarted after a back-off that doubles on
each quick crash (a process that ran `STABLE_SECONDS` counts as recovered); one that keeps
crashing right after its start is given up on and reported, while the others go on. Ctrl-C or
SIGTERM stops all: SIGTERM to each process group, SIGKILL after the grace period.

The Procfile and `.env` files are read with honcho's parsers (same format as before).
"""

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from honcho.environ import parse as parse_env
from honcho.environ import parse_procfile

STABLE_SECONDS = 30.0
COLOURS = (36, 33, 32, 35, 34, 31)  # cyan, yellow, green, magenta, blue, red


@dataclass(frozen=True)
class Policy:
    """How crashes are answered."""

    backoff_first: float = 1.0  # seconds before the first restart
    backoff_max: float = 30.0
    give_up_after: int = 5  # quick crashes in a row before a process is given up on
    stable_seconds: float = STABLE_SECONDS
    grace_seconds: float = 10.0  # between SIGTERM and SIGKILL on stop


@dataclass
class Program:
    """One Procfile entry and what became of it."""

    name: str
    command: str
    starts: int = 0
    quick_crashes: int = 0
    gave_up: bool = False
    process: asyncio.subprocess.Process | None = field(default=None, repr=False)


def read_procfile(path: Path) -> list[Program]:
    """The Procfile's processes, in file order."""
    entries = parse_procfile(path.read_text(encoding="utf-8")).processes
    return [Program(name=name, command=command) for name, command in entries.items()]


def read_env_files(paths: Sequence[Path]) -> dict[str, str]:
    """Variables of the `.env` files that exist (later files win); the environment wins over
    them all, as with honcho."""
    values: dict[str, str] = {}
    for path in paths:
        if path.exists():
            values.update(parse_env(path.read_text(encoding="utf-8")))
    return {**values, **os.environ}


class Supervisor:
    """Runs programs until told to stop; restarts the ones that exit."""

    def __init__(
        self,
        *,
        programs: Sequence[Program],
        env: Mapping[str, str],
        policy: Policy = Policy(),
        out: TextIO = sys.stdout,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.programs = list(programs)
        self._env = dict(env)
        self._policy = policy
        self._out = out
        self._clock = clock
        self._stopping = asyncio.Event()
        width = max((len(p.name) for p in self.programs), default=6)
        self._width = max(width, len("system"))
        self._colours = {p.name: COLOURS[i % len(COLOURS)] for i, p in enumerate(self.programs)}

    def stop(self) -> None:
        """Ask every program to stop (safe to call from a signal handler)."""
        self._stopping.set()

    async def run(self) -> int:
        """Run until stopped, or until every program is given up on; 1 if any was."""
        tasks = [asyncio.create_task(self._keep_running(p)) for p in self.programs]
        await asyncio.gather(*tasks)
        return 1 if any(p.gave_up for p in self.programs) else 0

    async def _keep_running(self, program: Program) -> None:
        while not self._stopping.is_set():
            started = self._clock()
            code = await self._run_once(program)
            if self._stopping.is_set():
                return
            ran = self._clock() - started
            program.quick_crashes = (
                0 if ran >= self._policy.stable_seconds else (program.quick_crashes + 1)
            )
            if program.quick_crashes >= self._policy.give_up_after:
                program.gave_up = True
                self._say(
                    "system",
                    f"{program.name} crashed {program.quick_crashes} times within "
                    f"{self._policy.stable_seconds:g}s of starting (last exit code {code}); "
                    "not restarting it, see its log above",
                )
                if all(p.gave_up for p in self.programs):
                    self.stop()
                return
            delay = min(
                self._policy.backoff_first * 2 ** max(program.quick_crashes - 1, 0),
                self._policy.backoff_max,
            )
            self._say("system", f"{program.name} exited with code {code}; restart in {delay:g}s")
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=delay)
            except TimeoutError:
                continue

    async def _run_once(self, program: Program) -> int | None:
        process = await asyncio.create_subprocess_shell(
            program.command,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            stdin=asyncio.subprocess.DEVNULL,
            env=self._env,
            start_new_session=True,  # its own process group: a stop reaches the shell's children
        )
        program.process = process
        program.starts += 1
        self._say("system", f"{program.name} started (pid {process.pid})")
        pump = asyncio.create_task(self._pump(program.name, process))
        waiter = asyncio.create_task(process.wait())
        stopper = asyncio.create_task(self._stopping.wait())
        await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if not waiter.done():
            await self._terminate(program.name, process, waiter)
        await pump
        return process.returncode

    async def _terminate(
        self, name: str, process: asyncio.subprocess.Process, waiter: asyncio.Task[int]
    ) -> None:
        _signal_group(process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.shield(waiter), timeout=self._policy.grace_seconds)
        except TimeoutError:
            self._say("system", f"{name} still running after the grace period: killing it")
            _signal_group(process.pid, signal.SIGKILL)
            await waiter
        self._say("system", f"{name} stopped")

    async def _pump(self, name: str, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        async for line in process.stdout:
            self._say(name, line.decode("utf-8", "replace").rstrip("\n"))

    def _say(self, name: str, text: str) -> None:
        colour = self._colours.get(name, 0)
        stamp = time.strftime("%H:%M:%S")
        prefix = f"{stamp} {name:<{self._width}} |"
        if self._out.isatty():
            prefix = f"\033[{colour}m{prefix}\033[0m"
        self._out.write(f"{prefix} {text}\n")
        self._out.flush()


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def supervise(*, procfile: Path, env_files: Sequence[Path], policy: Policy = Policy()) -> int:
    """Run the Procfile's processes until Ctrl-C or SIGTERM; the exit code."""
    supervisor = Supervisor(
        programs=read_procfile(procfile), env=read_env_files(env_files), policy=policy
    )

    async def main() -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, supervisor.stop)
        return await supervisor.run()

    return asyncio.run(main())
