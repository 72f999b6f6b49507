"""Start the real Rasa server and action server for end-to-end tests."""

import asyncio
import os
import secrets
import shlex
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from backend.settings import Settings
from suban.app import create_app
from suban.supervise import Policy, Program, Supervisor

REPO = Path(__file__).resolve().parents[2]
RASA_PYTHON = REPO / ".venv-rasa" / "bin" / "python"
MODEL = REPO / "var" / "models" / "suban.tar.gz"
# Rasa loads in ~25 s on an idle machine, 5 minutes when 2 cores are shared by 4 trainings.
START_TIMEOUT_SECONDS = 600


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class RasaStack:
    """URLs of a running Rasa server and action server, and the tokens they want."""

    rasa_url: str
    action_server_url: str
    rasa_token: str
    action_server_token: str
    service_api_token: str  # what the action server sends to the platform
    rasa_urls: tuple[str, ...] = ()  # every Rasa server (several share one tracker/lock store)
    programs: dict[str, Program] = field(default_factory=dict)  # "rasa", "rasa2"…, "actions"

    def pid(self, name: str) -> int:
        """The process id of the running `rasa` (`rasa2`…) or `actions` (the supervisor
        restarts it when it dies; its shell execs it, so this is the server itself)."""
        process = self.programs[name].process
        assert process is not None
        return process.pid

    def pids(self) -> dict[str, int]:
        """Every program's current process id (for memory readings)."""
        return {name: self.pid(name) for name in self.programs}


# As `make run` but quicker to come back (a test waits for it) and to give up.
STACK_POLICY = Policy(backoff_first=2.0, backoff_max=10.0, give_up_after=3, grace_seconds=20)


class SupervisorThread:
    """Suban's supervisor on its own event loop in a thread, as `make run` runs the Procfile."""

    def __init__(self, supervisor: Supervisor) -> None:
        self.supervisor = supervisor
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self._loop.run_until_complete(self.supervisor.run())

    def stop(self) -> None:
        """Stop every process and wait for them."""
        self._loop.call_soon_threadsafe(self.supervisor.stop)
        self._thread.join(timeout=STACK_POLICY.grace_seconds + 10)


def wait_until(check: "callable[[], bool]", *, what: str, programs: list[Program]) -> None:
    """Wait for `check` to hold; fail when a program was given up on or after the timeout."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for program in programs:
            if program.gave_up:
                raise RuntimeError(f"{what}: {program.name} keeps exiting")
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise TimeoutError(f"{what} did not come up within {START_TIMEOUT_SECONDS} s")


@contextmanager
def running_rasa_stack(
    *,
    log_dir: Path,
    backend_url: str,
    model: Path = MODEL,
    active_model: Path | None = None,
    rasa_processes: int = 1,
    endpoints: str = "nlu/endpoints.yml",
    extra_env: dict[str, str] | None = None,
) -> Iterator[RasaStack]:
    """Run Rasa (`rasa run --enable-api --auth-token`) and the action server as the Procfile
    does, on free ports and with fresh tokens, until the block ends. Several Rasa processes
    need an `endpoints` file with a shared tracker and lock store (nlu/endpoints.scaled.yml).
    With `active_model` (the link an activation writes) Rasa starts as the Procfile starts it:
    with the activated model when the link names one, else with `model`."""
    if not model.exists():
        raise FileNotFoundError(f"{model} is missing: run `make train` (make test does) first")
    log_dir.mkdir(parents=True, exist_ok=True)
    rasa_ports, actions_port = [free_port() for _ in range(rasa_processes)], free_port()
    action_server_url = f"http://127.0.0.1:{actions_port}"
    rasa_token, action_server_token, service_api_token = (secrets.token_urlsafe(32) for _ in "abc")
    env = {
        **os.environ,
        "ACTION_SERVER_URL": action_server_url,
        "SUBAN_BACKEND_URL": backend_url,
        # every run its own conversations (nlu/endpoints.yml's SQL tracker store)
        "RASA_TRACKER_DB": str(log_dir / "rasa-trackers.db"),
        "SANIC_HOST": "127.0.0.1",
        "RASA_TOKEN": rasa_token,
        "ACTION_SERVER_TOKEN": action_server_token,
        "SERVICE_API_TOKEN": service_api_token,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        **(extra_env or {}),
    }
    commands = {
        "actions": [str(RASA_PYTHON), "-m", "actions.server", "-p", str(actions_port)],
    }
    for index, port in enumerate(rasa_ports):
        commands["rasa" if index == 0 else f"rasa{index + 1}"] = [
            str(RASA_PYTHON), "-m", "nlu.serve", "--enable-api", "-i", "127.0.0.1",
            "-p", str(port),
            *(["--active-model", str(active_model)] if active_model is not None else []),
            "--model", str(model), "--endpoints", endpoints,
            "--credentials", "nlu/credentials.yml",
        ]  # fmt: skip
    if rasa_processes > 1:  # the shared tracker store's tables, before the processes race on them
        subprocess.run(
            [str(RASA_PYTHON), "-m", "nlu.prepare_stores", endpoints],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            timeout=START_TIMEOUT_SECONDS,
        )
    # Each under the supervisor `make run` uses, so a fault test can kill -9 one and see it back.
    programs = {
        name: Program(name=name, command=f"cd {shlex.quote(str(REPO))} && exec {shlex.join(cmd)}")
        for name, cmd in commands.items()
    }
    log = (log_dir / "stack.log").open("w", encoding="utf-8")
    supervised = SupervisorThread(
        Supervisor(programs=list(programs.values()), env=env, policy=STACK_POLICY, out=log)
    )
    procs = list(programs.values())
    try:
        rasa_urls = tuple(f"http://127.0.0.1:{port}" for port in rasa_ports)
        rasa_url = rasa_urls[0]
        for url in rasa_urls:
            wait_until(
                lambda url=url: bool(
                    httpx.get(f"{url}/status", params={"token": rasa_token}, timeout=2)
                    .json()
                    .get("model_file")
                ),
                what=f"Rasa server at {url} (log: {log_dir / 'stack.log'})",
                programs=procs,
            )
        wait_until(
            lambda: httpx.get(f"{action_server_url}/health", timeout=2).status_code == 200,
            what=f"action server (log: {log_dir / 'stack.log'})",
            programs=procs,
        )
        yield RasaStack(
            rasa_url=rasa_url,
            action_server_url=action_server_url,
            rasa_token=rasa_token,
            action_server_token=action_server_token,
            service_api_token=service_api_token,
            rasa_urls=rasa_urls,
            programs=programs,
        )
    finally:
        supervised.stop()
        log.close()


def stack_settings(
    *, stack: RasaStack, port: int, database_url: str, admin_token: str, **extra: Any
) -> Settings:
    """Settings of a platform on `port` wired to this Rasa stack (more settings in `extra`)."""
    return Settings(
        database_url=database_url,
        rasa_url=stack.rasa_url,
        rasa_token=stack.rasa_token,
        service_api_token=stack.service_api_token,
        action_server_url=stack.action_server_url,
        platform_port=port,
        public_base_url=f"http://127.0.0.1:{port}",
        admin_api_token=admin_token,
        secret_key="e2e-secret-key-for-web-chat-cookies",
        _env_file=None,
        **extra,
    )


@contextmanager
def serving_platform(settings: Settings, *, app: FastAPI | None = None) -> Iterator[str]:
    """Serve the platform app (`app`, or one built from `settings`) with uvicorn in a thread on
    `settings.platform_port`, until the block ends; yields its URL."""
    app = app if app is not None else create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=settings.platform_port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the platform did not start")
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{settings.platform_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
