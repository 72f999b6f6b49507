"""A stand-in for the Rasa runtime's python, for the runner's tests (the real training is in
tests/e2e/test_nlu_loop.py): `-m rasa train …` writes a model file and logs like Rasa;
`…/nlu_predict.py …` writes held-out parses, wrong for the intents `wrong.json` names.

FAKE_RASA_HANG=train|predict makes that step hang after its first line, as a child process
(`sleep`) does too, holding the output pipe; their process ids go to FAKE_RASA_PIDS."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path


def hang_if_asked(step: str) -> None:
    if os.environ.get("FAKE_RASA_HANG") != step:
        return
    pids = Path(os.environ["FAKE_RASA_PIDS"])
    pids.write_text(f"{os.getpid()}")
    child = subprocess.Popen(["sleep", "infinity"])  # shares our stdout, like Rasa's workers
    pids.write_text(f"{os.getpid()} {child.pid}")
    while True:
        time.sleep(60)


def option(name: str) -> str:
    return sys.argv[sys.argv.index(name) + 1]


def train() -> int:
    print("Starting to train component 'LinearIntentClassifier'.", flush=True)
    if os.environ.get("FAKE_RASA_HANG") == "train":
        Path(option("--out"), option("--fixed-model-name") + ".tar.gz").write_bytes(b"half")
    hang_if_asked("train")
    for percent in (10, 50, 100):
        print(f"Epochs: {percent}%|####| {percent}/100", flush=True)
    print("Finished training component 'LinearIntentClassifier'.", flush=True)
    if os.environ.get("FAKE_RASA_FAIL"):
        print("rasa.shared.exceptions.InvalidConfigException: broken", flush=True)
        return 1
    Path(option("--out"), option("--fixed-model-name") + ".tar.gz").write_bytes(b"model")
    return 0


def predict() -> int:
    print("parsing the held-out split", flush=True)
    hang_if_asked("predict")
    model = Path(option("--model"))
    wrong = json.loads((Path(__file__).parent / "wrong.json").read_text()).get(model.name, [])
    lines = []
    for text, intent in json.loads((Path(__file__).parent / "heldout.json").read_text()):
        guess = "other" if intent in wrong else intent
        parse = {"text": text, "intent": {"name": guess, "confidence": 0.9}, "entities": []}
        lines.append(json.dumps({"text": text, "intent": intent, "entities": [], "parse": parse}))
    Path(option("--out")).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(train() if sys.argv[1:3] == ["-m", "rasa"] else predict())
