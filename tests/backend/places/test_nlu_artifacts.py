"""The committed NLU artefacts (Rasa lookups, jieba dictionary) match the gazetteer."""

from pathlib import Path

import pytest
import yaml

from backend.places.nlu_artifacts import (
    JIEBA_USERDICT,
    LOOKUP_DIR,
    LOOKUP_NAMES,
    render_nlu_artifacts,
)

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = render_nlu_artifacts()


@pytest.mark.parametrize("relative", sorted(ARTIFACTS))
def test_committed_artifact_is_current(relative: str) -> None:
    path = ROOT / relative
    assert path.exists(), f"{relative} missing: run .venv/bin/python scripts/build_nlu_lookups.py"
    assert path.read_text(encoding="utf-8") == ARTIFACTS[relative], (
        f"{relative} is stale: run .venv/bin/python scripts/build_nlu_lookups.py"
    )


def lookup(name: str) -> list[str]:
    document = yaml.safe_load(ARTIFACTS[f"{LOOKUP_DIR}/{name}.yml"])
    assert document["version"] == "3.1"
    [table] = document["nlu"]
    assert table["lookup"] == name
    return [line.removeprefix("- ") for line in table["examples"].splitlines()]


def test_lookups_hold_names_and_safe_short_forms() -> None:
    assert {"南山区", "南山", "Nanshan", "Bao'an", "大鹏新区"} <= set(lookup("district"))
    assert {"粤海街道", "粤海", "布吉"} <= set(lookup("street"))
    assert "科技园社区" in lookup("community")
    assert {"科技园", "深圳北站", "东门老街"} <= set(lookup("landmark"))
    assert {"深南大道", "建安一路"} <= set(lookup("road"))


def test_lookups_leave_out_ordinary_words() -> None:
    everything = {example for name in LOOKUP_NAMES for example in lookup(name)}
    assert not {"光明", "龙华", "东门", "沙井", "招商", "北站", "新村"} & everything


def test_each_written_form_is_in_one_lookup_only() -> None:
    seen: dict[str, str] = {}
    for name in LOOKUP_NAMES:
        for example in lookup(name):
            assert example not in seen, (example, seen.get(example), name)
            seen[example] = name


def test_jieba_dictionary_lines() -> None:
    lines = ARTIFACTS[JIEBA_USERDICT].splitlines()
    words = [line.split(" ")[0] for line in lines]
    assert all(len(line.split(" ")) == 3 and line.endswith(" ns") for line in lines)
    assert {"粤海街道", "粤海", "光明", "东门", "科技园", "深圳北站"} <= set(words)
    assert len(words) == len(set(words))
