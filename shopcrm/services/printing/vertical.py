"""Vertical Japanese text (tategaki) on a reportlab canvas, which has no vertical mode for
embedded TrueType fonts: one character per em, top to bottom, each centred on the column.

Long-vowel marks, dashes, brackets and wave dashes are rotated by −90° about their cell centre;
、。 move to the upper right of their cell, small kana slightly; Latin letters become full-width
and stand upright. ``vertical_address`` turns digits into kanji numerals (4-2-8 → 四―二―八).
"""

from __future__ import annotations

import re
import unicodedata

from shopcrm.services.printing.fonts import register
from shopcrm.services.printing.layout import text_width

ROTATE = set("ー―‐‑–—−－-～〜~…‥＝=→←（）()「」『』【】〔〕［］[]｛｝{}〈〉《》")
PUNCTUATION = set("、。，．,.")
SMALL_KANA = set("ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
SPACES = set(" \u3000")
KANJI_DIGITS = "〇一二三四五六七八九"
_DASH_AFTER_NUMBER = re.compile(r"(?<=[0-9〇一二三四五六七八九])[-‐‑‒–—―−－ー](?=[0-9])")
ASCENT = 0.88  # IPAexGothic: ascender 0.88 em, descender 0.12 em


def vertical_address(text: str) -> str:
    """An address as written vertically: digits as kanji numerals one by one, the dashes between
    numbers as ―, Latin letters full-width (４－２－８ → 四―二―八, 203号室 → 二〇三号室)."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = _DASH_AFTER_NUMBER.sub("―", text)
    out = []
    for ch in text:
        if ch.isdigit() and ch.isascii():
            out.append(KANJI_DIGITS[int(ch)])
        elif ch.isascii() and ch.isalpha():
            out.append(chr(ord(ch) + 0xFEE0))  # full-width, upright in a vertical line
        elif ch == " ":
            out.append("\u3000")
        else:
            out.append(ch)
    return "".join(out)


def column_height(text: str, size: float) -> float:
    """Height in points of ``text`` set vertically at ``size`` (a space is half an em)."""
    return sum(size * (0.5 if ch in SPACES else 1.0) for ch in text)


def fit_column(text: str, height: float, size: float, min_size: float) -> float:
    """The largest size <= ``size`` (>= ``min_size``) at which ``text`` fits ``height``."""
    h = column_height(text, 1.0)
    if h == 0:
        return size
    return max(min_size, min(size, height / h))


def draw_column(
    c, text: str, x: float, y_top: float, size: float, *, pitch: float | None = None
) -> float:
    """Draw ``text`` vertically, centred on ``x``, from ``y_top`` down, one char per ``pitch``
    (default: one em). Returns the y of the column's bottom."""
    font = register()
    pitch = pitch or size
    y = y_top
    c.setFont(font, size)
    for ch in text:
        if ch in SPACES:
            y -= pitch * 0.5
            continue
        centre_y = y - pitch / 2
        baseline = centre_y - size * (ASCENT - 0.5)
        if ch in ROTATE:
            c.saveState()
            c.translate(x, centre_y)
            c.rotate(-90)
            c.setFont(font, size)
            c.drawString(-text_width(ch, size) / 2, -size * (ASCENT - 0.5), ch)
            c.restoreState()
        elif ch in PUNCTUATION:
            c.drawString(x - size / 2 + size * 0.55, baseline + size * 0.55, ch)
        elif ch in SMALL_KANA:
            c.drawString(x - text_width(ch, size) / 2 + size * 0.1, baseline + size * 0.1, ch)
        else:
            c.drawString(x - text_width(ch, size) / 2, baseline, ch)
        y -= pitch
    return y


def draw_fitted_column(
    c,
    text: str,
    x: float,
    y_top: float,
    height: float,
    size: float,
    *,
    min_size: float | None = None,
    align: str = "top",
) -> tuple[float, float]:
    """A column that never runs past ``height``: shrink to ``min_size``, then tighten the pitch.
    ``align`` "bottom" ends the text at ``y_top - height``. Returns (size, y of the bottom)."""
    min_size = size * 0.7 if min_size is None else min_size
    used = fit_column(text, height, size, min_size)
    units = column_height(text, 1.0)
    pitch = used if units * used <= height + 0.01 else height / max(units, 1)
    if align == "bottom":
        y_top = y_top - height + units * pitch
    return used, draw_column(c, text, x, y_top, used, pitch=pitch)
