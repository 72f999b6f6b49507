"""`python -m nlu.serve <rasa run options>`: `rasa run` with `--auth-token` from RASA_TOKEN,
loading the model the fast way (nlu/fast_load.py).

Passed on the command line the token would show in every process listing (`ps`, /proc/*/cmdline
is readable by all users); read from the environment here, it stays in this process.
"""

import os
import sys

from rasa.__main__ import main

from nlu import fast_load


def run() -> None:
    """Start `rasa run` with the given options and the token from the environment."""
    token = os.environ.get("RASA_TOKEN", "").strip()
    if not token:
        sys.exit("RASA_TOKEN is not set: `make run` generates it into var/secrets.env")
    # `--auth-token=…` in one word: a generated token may start with "-", which argparse would
    # otherwise take for an option ("expected one argument").
    sys.argv = ["rasa", "run", *sys.argv[1:], f"--auth-token={token}"]
    fast_load.install()
    main()


if __name__ == "__main__":
    run()
