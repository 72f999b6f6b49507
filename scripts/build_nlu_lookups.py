"""Write the NLU artefacts generated from the gazetteer (backend/places/data).

Writes nlu/data/lookups/{district,street,community,landmark,road}.yml (Rasa 3 lookup
tables) and nlu/jieba/userdict.txt (jieba user dictionary). Run after editing the place
data: ``.venv/bin/python scripts/build_nlu_lookups.py``. The test
tests/backend/places/test_nlu_artifacts.py fails while the committed files are stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a plain script from any directory
    sys.path.insert(0, str(ROOT))

from backend.places.nlu_artifacts import render_nlu_artifacts  # noqa: E402


def main() -> int:
    for relative, content in render_nlu_artifacts().items():
        path = ROOT / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        print(f"wrote {relative} ({content.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
