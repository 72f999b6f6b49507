"""Parse the held-out split with one model, for the admins' NLU loop (backend/nluloop).

Rasa runtime only: ``.venv-rasa/bin/python scripts/nlu_predict.py --model M --data D --out F``
writes one JSON line per held-out example (text, gold intent and entities, the model's parse),
which the platform scores (backend/nluloop/evaluation.py). The model loads the fast way
(nlu/fast_load.py), as the Rasa server loads it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nlu_data import ROOT
from nlu_parses import write_parses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if str(ROOT) not in sys.path:
        sys.path.insert(1, str(ROOT))
    from nlu import fast_load

    fast_load.install()
    count = write_parses(model=args.model, data=args.data, path=args.out)
    print(f"parsed {count} held-out examples with {args.model.name}")


if __name__ == "__main__":
    main()
