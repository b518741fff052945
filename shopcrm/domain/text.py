"""Pure rules for laying out Japanese text, one home for each: which characters may not start or
end a line (kinsoku shori, after JIS X 4051) and how wide a character is (East Asian width).

Every line breaker imports these: the printed pieces (``services/printing/layout.wrap``), the
phrase packer (``services/printing/phrases``), the command line's help (``cli/i18n_click``) and
its tables (``cli/tables``), the dashboard's tables (``services/charts``).
"""

from __future__ import annotations

import unicodedata

# May not start a line: closing brackets and quotes, punctuation, the long-vowel mark, iteration
# marks, small kana, and their ASCII cousins. Such a character stays on the line before.
NO_LINE_START = frozenset(
    "、。，．,.・:;：；!?！？)）]］}｝」』】〕〉》”’%％"
    "ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〜～…"
)
# May not end a line: opening brackets and quotes; they move down with what they open.
NO_LINE_END = frozenset("(（[［{｛「『【〔〈《“‘")


def is_wide(ch: str) -> bool:
    """A character that takes two columns in a terminal or a grid (kanji, kana, full-width
    forms: East Asian width W or F). Half-width katakana and ambiguous symbols take one."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def has_wide(text: str) -> bool:
    """``text`` has at least one wide (Japanese) character."""
    return any(is_wide(ch) for ch in text)


def display_width(text: str) -> int:
    """Columns ``text`` takes (a wide character two, every other one)."""
    return sum(2 if is_wide(ch) else 1 for ch in text)
