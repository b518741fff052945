"""Kinsoku and display width have one home (domain/text); the terminal's and the printer's line
breakers both follow it, including the characters only one of them knew before."""

from __future__ import annotations

from shopcrm.cli.i18n_click import wrap as wrap_columns
from shopcrm.domain.text import NO_LINE_END, NO_LINE_START, display_width, has_wide, is_wide
from shopcrm.services.printing.layout import wrap as wrap_points


def test_display_width():
    assert display_width("abc") == 3
    assert display_width("来店") == 4
    assert display_width("ＡＢ1") == 5  # full-width Latin takes two columns
    assert display_width("ｶﾅ") == 2  # half-width kana take one
    assert display_width("¥1,200") == 6
    assert is_wide("。") and not is_wide("ｰ")
    assert has_wide("Room 203号") and not has_wide("Room 203")


def test_the_rules():
    for ch in "、。」』）ーっャ々”’%":
        assert ch in NO_LINE_START, ch
    for ch in "「『（“‘(":
        assert ch in NO_LINE_END, ch
    assert not (NO_LINE_START & NO_LINE_END)


def test_the_terminal_keeps_a_small_kana_off_the_line_start():
    # ten wide characters fill 20 columns; っ would start the next line, so こ moves down with it
    lines = wrap_columns("あいうえおかきくけこっさ", 20)
    assert lines == ["あいうえおかきくけ", "こっさ"]
    assert all(not line.startswith(tuple(NO_LINE_START)) for line in lines)


def test_the_printer_keeps_a_closing_quote_off_the_line_start():
    size = 10.0
    lines = wrap_points("あいうえおかきくけこ”さ", size * 10, size)  # ten ems to a line
    assert len(lines) == 2
    assert lines[1].startswith("こ”"), lines
