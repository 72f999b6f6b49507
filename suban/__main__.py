"""`python -m suban`: serve the platform; `secrets`: make the missing secrets;
`admin create <username>`: a console admin; `supervise`: run the Procfile, restarting crashes;
`nlu …`: the admins' NLU loop."""

import argparse
import logging
import sys
from pathlib import Path
from types import FrameType

import uvicorn

from backend.settings import SECRETS_FILE, get_settings
from console.live import stop_streams
from suban.admin_command import create_admin, read_password
from suban.first_start import ensure_secrets
from suban.log_masking import install_on_root, logging_config
from suban.nlu_command import add_parser as add_nlu_parser
from suban.nlu_command import run as run_nlu
from suban.supervise import Policy, supervise

SHUTDOWN_GRACE_SECONDS = 5


def serve() -> None:
    """Run the platform app."""
    settings = get_settings()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    install_on_root(settings)
    # httpx logs every request URL at INFO; Telegram's URLs carry the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    config = uvicorn.Config(
        "suban.app:create_app",
        factory=True,
        host=settings.platform_host,
        port=settings.platform_port,
        proxy_headers=True,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
        log_config=logging_config(settings),  # access log lines carry URLs: secrets masked
    )
    PlatformServer(config).run()


class PlatformServer(uvicorn.Server):
    """uvicorn's server, which also ends the console's live streams when told to stop (an open
    server-sent event stream would otherwise hold the stop until its grace time runs out)."""

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        stop_streams()
        super().handle_exit(sig, frame)


def make_secrets(*, secrets_file: Path, env_file: Path) -> None:
    """Generate what the environment and `.env` leave unset; say only the names."""
    generated = ensure_secrets(secrets_file=secrets_file, env_file=env_file)
    if generated:
        print(f"==> generated {', '.join(generated)} into {secrets_file} (mode 0600)")


def main(argv: list[str] | None = None) -> None:
    """Serve the platform (no command) or run one of the commands."""
    parser = argparse.ArgumentParser(prog="python -m suban", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    secrets = commands.add_parser(
        "secrets", help="generate the missing secrets (make run does it before starting)"
    )
    secrets.add_argument("--file", type=Path, default=SECRETS_FILE, help="where they are kept")
    secrets.add_argument("--env-file", type=Path, default=Path(".env"), help="the .env to honour")
    admin = commands.add_parser("admin", help="console users")
    admin_commands = admin.add_subparsers(dest="admin_command", required=True)
    create = admin_commands.add_parser("create", help="create an admin who can log in")
    create.add_argument("username")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin's first line"
    )
    run = commands.add_parser("supervise", help="run a Procfile's processes, restarting crashes")
    run.add_argument("-f", "--procfile", type=Path, default=Path("Procfile"))
    run.add_argument(
        "-e", "--env", default=".env", help="comma-separated .env files (later ones win)"
    )
    run.add_argument("--grace", type=float, default=10.0, help="seconds from SIGTERM to SIGKILL")
    add_nlu_parser(commands)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "secrets":
        make_secrets(secrets_file=args.file, env_file=args.env_file)
    elif args.command == "admin":
        password = read_password(from_stdin=args.password_stdin, stdin=sys.stdin)
        sys.exit(create_admin(settings=get_settings(), username=args.username, password=password))
    elif args.command == "supervise":
        env_files = [Path(name) for name in args.env.split(",") if name]
        policy = Policy(grace_seconds=args.grace)
        sys.exit(supervise(procfile=args.procfile, env_files=env_files, policy=policy))
    elif args.command == "nlu":
        sys.exit(run_nlu(args, get_settings()))
    else:
        serve()


if __name__ == "__main__":
    main()
