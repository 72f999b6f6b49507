"""Secrets generated on first start: only what is missing, kept private, never printed."""

import stat
from pathlib import Path

import pytest
from dotenv import dotenv_values

from backend.settings import Settings
from suban.__main__ import main
from suban.first_start import ALWAYS, ensure_secrets


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "var" / "secrets.env", tmp_path / ".env"


def test_first_start_generates_every_secret_into_a_private_file(
    files: tuple[Path, Path],
) -> None:
    secrets_file, env_file = files
    generated = ensure_secrets(secrets_file=secrets_file, env_file=env_file, environ={})
    assert generated == list(ALWAYS)
    values = dotenv_values(secrets_file)
    assert set(values) == set(ALWAYS)
    assert all(len(value or "") >= 40 for value in values.values())
    assert len(set(values.values())) == len(ALWAYS)
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600


def test_a_second_start_keeps_them_and_tightens_the_mode(files: tuple[Path, Path]) -> None:
    secrets_file, env_file = files
    ensure_secrets(secrets_file=secrets_file, env_file=env_file, environ={})
    first = secrets_file.read_text()
    secrets_file.chmod(0o644)
    assert ensure_secrets(secrets_file=secrets_file, env_file=env_file, environ={}) == []
    assert secrets_file.read_text() == first
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600


def test_values_set_in_the_environment_or_env_win(files: tuple[Path, Path]) -> None:
    secrets_file, env_file = files
    ensure_secrets(secrets_file=secrets_file, env_file=env_file, environ={})
    env_file.write_text("RASA_TOKEN=from-dotenv\nSECRET_KEY=\n")
    generated = ensure_secrets(
        secrets_file=secrets_file, env_file=env_file, environ={"SERVICE_API_TOKEN": "from-env"}
    )
    assert generated == []
    # Dropped from the file, so that honcho (env files override the environment) and the
    # platform's settings both see the configured value; an empty one in .env counts as unset.
    assert set(dotenv_values(secrets_file)) == {"ACTION_SERVER_TOKEN", "SECRET_KEY"}


def test_webhook_mode_also_gets_a_webhook_secret(files: tuple[Path, Path]) -> None:
    secrets_file, env_file = files
    env_file.write_text("TELEGRAM_WEBHOOK_URL=https://suban.example.org/telegram/webhook\n")
    generated = ensure_secrets(secrets_file=secrets_file, env_file=env_file, environ={})
    assert "TELEGRAM_WEBHOOK_SECRET" in generated


def test_the_command_prints_names_only_and_nothing_when_all_exist(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets_file, env_file = files
    for name in ALWAYS:
        monkeypatch.delenv(name, raising=False)
    main(["secrets", "--file", str(secrets_file), "--env-file", str(env_file)])
    out = capsys.readouterr()
    assert "SECRET_KEY" in out.out
    for value in dotenv_values(secrets_file).values():
        assert value and value not in out.out + out.err
    main(["secrets", "--file", str(secrets_file), "--env-file", str(env_file)])
    assert capsys.readouterr() == ("", "")


def test_the_platform_reads_the_generated_file_after_env(
    files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets_file, env_file = files
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("RASA_TOKEN", raising=False)
    env_file.write_text("RASA_TOKEN=\n")
    ensure_secrets(secrets_file=secrets_file, env_file=env_file, environ={})
    settings = Settings(_env_file=(env_file, secrets_file))  # type: ignore[call-arg]
    stored = dotenv_values(secrets_file)
    assert settings.secret_key.get_secret_value() == stored["SECRET_KEY"]
    assert settings.rasa_token == stored["RASA_TOKEN"]


def test_the_platform_refuses_to_start_without_a_secret_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ValueError, match="secret_key"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="placeholder"):
        Settings(secret_key="change-me-in-production", _env_file=None)  # type: ignore[arg-type]


def test_the_old_placeholder_counts_as_unset(files: tuple[Path, Path]) -> None:
    secrets_file, env_file = files
    env_file.write_text("SECRET_KEY=change-me-in-production\n")
    assert "SECRET_KEY" in ensure_secrets(secrets_file=secrets_file, env_file=env_file, environ={})
