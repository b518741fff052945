"""Vertical Japanese text (tategaki) on a reportlab canvas, which has no vertical mode for
embedded TrueType fonts: one character per em, top to bottom, each centred on the column.

Characters with a vertical form in IPAexGothic (its GSUB ``vert`` feature: ー 〜 ― brackets 、。
small kana ...) are drawn with that glyph, read with fontTools into a small in-memory font whose
cmap maps each character to its vertical glyph (rotating 〜 would mirror it). What has no vertical
form and is a dash or bracket is rotated by −90°; Latin letters become full-width and stand
upright. ``vertical_address`` turns digits into kanji numerals (4-2-8 → 四―二―八).
"""

from __future__ import annotations

import io
import re
import threading
import unicodedata
from functools import cache

from fontTools import subset
from fontTools.ttLib import TTFont as FTFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from shopcrm.fonts import japanese_font_path
from shopcrm.services.printing.fonts import font_for, register
from shopcrm.services.printing.layout import text_width

ROTATE = set("ー―‐‑–—−－-～〜~…‥＝=→←（）()「」『』【】〔〕［］[]｛｝{}〈〉《》")
PUNCTUATION = set("、。，．,.")
SMALL_KANA = set("ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
SPACES = set(" \u3000")
KANJI_DIGITS = "〇一二三四五六七八九"
_DASH_AFTER_NUMBER = re.compile(r"(?<=[0-9〇一二三四五六七八九])[-‐‑‒–—―−－ー](?=[0-9])")
ASCENT = 0.88  # IPAexGothic: ascender 0.88 em, descender 0.12 em
VERT_FONT = "ShopCRMVert"
_vert_lock = threading.Lock()


@cache
def vertical_forms() -> frozenset[str]:
    """Register the vertical-forms font with reportlab (once); the characters it covers."""
    with _vert_lock:
        font = FTFont(str(japanese_font_path()))
        gsub = font["GSUB"].table
        lookups = {
            i
            for rec in gsub.FeatureList.FeatureRecord
            if rec.FeatureTag in ("vert", "vrt2")
            for i in rec.Feature.LookupListIndex
        }
        mapping: dict[str, str] = {}
        for i in sorted(lookups):
            lookup = gsub.LookupList.Lookup[i]
            for sub in lookup.SubTable:
                sub = sub.ExtSubTable if lookup.LookupType == 7 else sub
                mapping.update(getattr(sub, "mapping", {}) or {})
        cmap = {cp: mapping[g] for cp, g in font.getBestCmap().items() if g in mapping}
        options = subset.Options()
        options.layout_features = []
        options.notdef_outline = True
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
        subsetter = subset.Subsetter(options)
        subsetter.populate(glyphs=sorted(set(cmap.values())))
        subsetter.subset(font)
        for table in font["cmap"].tables:
            table.cmap = {cp: g for cp, g in cmap.items() if table.format != 4 or cp <= 0xFFFF}
        for record in font["name"].names:
            if record.nameID in (1, 3, 4, 6):
                record.string = VERT_FONT
        buffer = io.BytesIO()
        font.save(buffer)
        buffer.seek(0)
        pdfmetrics.registerFont(TTFont(VERT_FONT, buffer))
        return frozenset(chr(cp) for cp in cmap)


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
    vert = vertical_forms()
    pitch = pitch or size
    y = y_top
    c.setFont(font, size)
    for ch in text:
        if ch in SPACES:
            y -= pitch * 0.5
            continue
        centre_y = y - pitch / 2
        baseline = centre_y - size * (ASCENT - 0.5)
        if ch in vert:  # the font's own vertical form, set upright in the em box
            c.setFont(VERT_FONT, size)
            c.drawString(x - size / 2, baseline, ch)
            c.setFont(font, size)
        elif ch in ROTATE:
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
            own = font_for(ch)
            if own != font:
                c.setFont(own, size)
            c.drawString(x - text_width(ch, size) / 2, baseline, ch)
            if own != font:
                c.setFont(font, size)
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
    """A column that never runs past ``height``: shrink to fit, one em per character, so the
    characters never touch (Japan Post); ``min_size`` is kept for callers and only lets the
    size fall further when the text would otherwise overflow. ``align`` "bottom" ends the text
    at ``y_top - height``. Returns (size, y of the bottom)."""
    min_size = size * 0.7 if min_size is None else min_size
    used = fit_column(text, height, size, min_size)
    units = column_height(text, 1.0)
    if units * used > height + 0.01:
        used = height / max(units, 1)  # smaller rather than overlapping
    pitch = used
    if align == "bottom":
        y_top = y_top - height + units * pitch
    return used, draw_column(c, text, x, y_top, used, pitch=pitch)
