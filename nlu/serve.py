"""`python -m nlu.serve [--active-model LINK] <rasa run options>`: `rasa run` with `--auth-token`
from RASA_TOKEN, loading the model the fast way (nlu/fast_load.py) and checking the action
server's answers with a validator built once (nlu/action_validation.py) and finding stored
events' classes from a table (nlu/event_types.py): under load those two were half of Rasa's CPU.
Its requests to the action server encode their JSON with ujson (nlu/endpoint_json.py).

Passed on the command line the token would show in every process listing (`ps`, /proc/*/cmdline
is readable by all users); read from the environment here, it stays in this process.

`--active-model var/models/active.tar.gz` names the link the platform writes when an admin
activates a model (backend/nluloop/models.py): when it names a file, Rasa starts with that file
instead of `--model` (the production model `make train` builds), so a restart keeps the admins'
choice. The file is passed resolved: Rasa reports its own name (`/status` model_file), which is
how the platform tells which registered model answers.
"""

import os
import sys
from pathlib import Path

from rasa.__main__ import main

from nlu import action_validation, endpoint_json, event_types, fast_load

ACTIVE_OPTION = "--active-model"


def choose_model(argv: list[str]) -> tuple[list[str], str]:
    """`rasa run` options without `--active-model`, its `--model` the activated file when the
    link names one; and a line saying which model and why."""
    options, link = _take_option(argv, ACTIVE_OPTION)
    options, fallback = _take_option(options, "--model")
    if link is not None and Path(link).is_file():  # follows the link; a dangling one is False
        chosen = str(Path(link).resolve())
        why = f"serving the model the admins activated: {chosen} (via {link})"
    elif link is not None and Path(link).is_symlink():
        chosen = fallback
        why = f"{link} names a missing file ({os.readlink(link)}): serving {fallback} instead"
    else:
        chosen = fallback
        why = f"serving {fallback or 'the newest model under models/'} (no model activated)"
    return ([*options, "--model", chosen] if chosen is not None else options), why


def _take_option(argv: list[str], name: str) -> tuple[list[str], str | None]:
    """`argv` without `name VALUE` / `name=VALUE` (the last one given wins), and its value."""
    rest: list[str] = []
    value = None
    items = iter(argv)
    for item in items:
        if item == name:
            value = next(items, None)
        elif item.startswith(name + "="):
            value = item.split("=", 1)[1]
        else:
            rest.append(item)
    return rest, value


def run() -> None:
    """Start `rasa run` with the given options and the token from the environment."""
    token = os.environ.get("RASA_TOKEN", "").strip()
    if not token:
        sys.exit("RASA_TOKEN is not set: `make run` generates it into var/secrets.env")
    options, why = choose_model(sys.argv[1:])
    print(f"nlu.serve: {why}", flush=True)
    # `--auth-token=…` in one word: a generated token may start with "-", which argparse would
    # otherwise take for an option ("expected one argument").
    sys.argv = ["rasa", "run", *options, f"--auth-token={token}"]
    fast_load.install()
    action_validation.install()
    event_types.install()
    endpoint_json.install()
    main()


if __name__ == "__main__":
    run()
