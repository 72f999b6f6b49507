"""Replies over 4096 characters are cut on line breaks."""

import pytest

from bot.telegram.splitting import split_text, telegram_length


def test_a_short_text_stays_whole() -> None:
    assert split_text("已派单至南山区粤海街道办事处") == ["已派单至南山区粤海街道办事处"]


def test_pieces_break_between_lines_and_keep_every_line() -> None:
    lines = [f"{n:02d}" + "字" * 7 for n in range(10)]  # 10 lines of 9 characters
    pieces = split_text("\n".join(lines), limit=30)
    assert pieces == ["\n".join(lines[i : i + 3]) for i in range(0, 9, 3)] + [lines[9]]
    assert all(telegram_length(piece) <= 30 for piece in pieces)


def test_a_line_longer_than_the_limit_is_cut_inside() -> None:
    assert split_text("短\n" + "长" * 25, limit=10) == ["短", "长" * 10, "长" * 10, "长" * 5]


def test_length_counts_utf16_units_like_telegram() -> None:
    assert telegram_length("办结") == 2
    assert telegram_length("👍") == 2
    assert all(telegram_length(p) <= 5 for p in split_text("👍👍👍👍", limit=5))


def test_blank_pieces_are_not_sent() -> None:
    assert split_text("a" * 5 + "\n\n\n" + "b" * 5, limit=5) == ["a" * 5, "b" * 5]


def test_the_default_limit_is_telegrams() -> None:
    text = "\n".join(["路" * 100] * 50)  # 5,049 characters
    pieces = split_text(text)
    assert [telegram_length(p) for p in pieces] == [40 * 100 + 39, 10 * 100 + 9]


def test_a_limit_below_two_is_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        split_text("abc", limit=1)
