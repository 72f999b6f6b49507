"""The console's texts: every language has every key, and the placeholders match."""

import re

from console.i18n import LANGUAGES, texts

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_language_has_the_same_keys_and_placeholders() -> None:
    chinese = texts("zh")
    for language in LANGUAGES:
        other = texts(language)
        assert set(other) == set(chinese), language
        for key, text in chinese.items():
            assert set(PLACEHOLDER.findall(other[key])) == set(PLACEHOLDER.findall(text)), key


def test_every_key_the_templates_use_exists() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "console"
    used = set()
    for path in [*root.rglob("*.html"), *(root / "routes").rglob("*.py")]:
        text = path.read_text("utf-8")
        used |= set(re.findall(r"""\bt\('([a-z0-9_]+)'\s*[,)]""", text))
        used |= set(re.findall(r"""translate\([^,]+, "([a-z0-9_]+)"[,)]""", text))
    assert used, "no texts found in the templates"
    assert used <= set(texts("zh")), used - set(texts("zh"))
