"""Start the real Rasa server and action server for end-to-end tests."""

import os
import secrets
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn

from backend.settings import Settings
from suban.app import create_app

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
    pids: dict[str, int] = field(default_factory=dict)  # rasa, rasa2…, actions: for memory


def _wait_until(check: "callable[[], bool]", *, what: str, procs: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{what}: a process exited early with code {proc.returncode}")
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
    rasa_processes: int = 1,
    endpoints: str = "nlu/endpoints.yml",
    extra_env: dict[str, str] | None = None,
) -> Iterator[RasaStack]:
    """Run Rasa (`rasa run --enable-api --auth-token`) and the action server as the Procfile
    does, on free ports and with fresh tokens, until the block ends. Several Rasa processes
    need an `endpoints` file with a shared tracker and lock store (nlu/endpoints.scaled.yml)."""
    if not MODEL.exists():
        raise FileNotFoundError(f"{MODEL} is missing: run `make train` (make test does) first")
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
            "--model", str(MODEL), "--endpoints", endpoints,
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
    procs: list[subprocess.Popen] = []
    pids: dict[str, int] = {}
    try:
        for name, command in commands.items():
            log = (log_dir / f"{name}.log").open("wb")
            procs.append(
                subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
            )
            pids[name] = procs[-1].pid
        rasa_urls = tuple(f"http://127.0.0.1:{port}" for port in rasa_ports)
        rasa_url = rasa_urls[0]
        for url in rasa_urls:
            _wait_until(
                lambda url=url: bool(
                    httpx.get(f"{url}/status", params={"token": rasa_token}, timeout=2)
                    .json()
                    .get("model_file")
                ),
                what=f"Rasa server at {url} (logs in {log_dir})",
                procs=procs,
            )
        _wait_until(
            lambda: httpx.get(f"{action_server_url}/health", timeout=2).status_code == 200,
            what=f"action server (log: {log_dir / 'actions.log'})",
            procs=procs,
        )
        yield RasaStack(
            rasa_url=rasa_url,
            action_server_url=action_server_url,
            rasa_token=rasa_token,
            action_server_token=action_server_token,
            service_api_token=service_api_token,
            rasa_urls=rasa_urls,
            pids=pids,
        )
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextmanager
def serving_platform(settings: Settings) -> Iterator[str]:
    """Serve the platform app built from `settings` with uvicorn in a thread on
    `settings.platform_port`, until the block ends; yields its URL."""
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=settings.platform_port, log_level="warning"
        )
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
