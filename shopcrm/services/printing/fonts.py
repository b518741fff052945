"""The embedded fonts for every PDF: IPAexGothic, and ShopCRM Gaiji for the name characters it
lacks (𠮷 ...), registered once per process.

reportlab's built-in CID fonts (HeiseiMin, HeiseiKakuGo) are never used: they are not embedded, so a
machine without Japanese fonts would print empty boxes. ``TTFont`` embeds a subset of the glyphs.
reportlab has no font fallback of its own: ``text_out`` / ``draw_string`` switch to the fallback
font for the characters IPAexGothic lacks (``shopcrm.fonts.font_runs``).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont

from shopcrm.fonts import fallback_font_path, font_runs, japanese_font_path, main_cmap

FONT = "IPAexGothic"
FALLBACK = "ShopCRMGaiji"
_lock = threading.Lock()
_registered = False
_has_fallback = False


def register() -> str:
    """Register IPAexGothic (and the fallback) with reportlab (first call only); the main name."""
    global _registered, _has_fallback
    if _registered:
        return FONT
    with _lock:
        if not _registered:
            _fix_to_unicode_for_astral_characters()
            pdfmetrics.registerFont(TTFont(FONT, str(japanese_font_path())))
            try:
                pdfmetrics.registerFont(TTFont(FALLBACK, str(fallback_font_path())))
                _has_fallback = True
            except FileNotFoundError:
                _has_fallback = False
            _registered = True
    return FONT


def _utf16_hex(cp: int) -> str:
    return chr(cp).encode("utf-16-be").hex().upper()


def _fix_to_unicode_for_astral_characters() -> None:
    """reportlab writes a character beyond U+FFFF (𠮷, U+20BB7) into the ToUnicode map as
    ``<20BB7>``, an odd-length hex string: copying or searching the PDF's text finds ₻ instead of
    𠮷. Write UTF-16 (a surrogate pair, ``<D842DFB7>``) as the PDF reference asks."""
    original = ttfonts.makeToUnicodeCMap
    if getattr(original, "_shopcrm", False):
        return

    def make(fontname, subset):
        cmap = original(fontname, subset)
        if all(v <= 0xFFFF for v in subset):
            return cmap
        for i, v in enumerate(subset):
            if v > 0xFFFF:
                cmap = cmap.replace(f"<{i:02X}> <{v:04X}>", f"<{i:02X}> <{_utf16_hex(v)}>")
        return cmap

    make._shopcrm = True  # type: ignore[attr-defined]
    ttfonts.makeToUnicodeCMap = make


def runs(text: str) -> list[tuple[str, str]]:
    """``text`` as (reportlab font name, characters) runs: the fallback where IPAexGothic lacks a
    glyph the fallback has."""
    register()
    if text.isascii():
        return [(FONT, text)] if text else []
    return list(_runs(text))


@lru_cache(maxsize=4096)
def _runs(text: str) -> tuple[tuple[str, str], ...]:
    if main_cmap().issuperset(map(ord, text)):
        return ((FONT, text),)
    return tuple((FALLBACK if fb and _has_fallback else FONT, part) for fb, part in font_runs(text))


def font_for(ch: str) -> str:
    """The font name that draws the single character ``ch``."""
    got = runs(ch)
    return got[0][0] if got else register()


def string_width(text: str, size: float) -> float:
    """Width of ``text`` in points at ``size`` in the embedded fonts."""
    return sum(stringWidth(part, font, size) for font, part in runs(text))


def text_out(t, text: str, size: float) -> None:
    """Write ``text`` into a reportlab text object ``t`` at ``size``, font per run."""
    for font, part in runs(text):
        t.setFont(font, size)
        t.textOut(part)


def draw_string(c, x: float, y: float, text: str, size: float, *, anchor: str = "left") -> None:
    """``c.drawString`` with the per-character fallback; ``anchor`` "centre" or "right" puts
    ``x`` at the text's centre or right end."""
    if anchor != "left":
        w = string_width(text, size)
        x -= w / 2 if anchor == "centre" else w
    t = c.beginText(x, y)
    text_out(t, text, size)
    c.drawText(t)


def needs_fallback(text: str) -> bool:
    """Whether ``text`` has a character only the fallback font draws."""
    return any(font != FONT for font, _part in runs(text))


def markup(text: str) -> str:
    """``text`` escaped for a reportlab ``Paragraph``, the fallback's runs in ``<font>`` tags."""
    return "".join(
        escape(part) if font == FONT else f'<font name="{font}">{escape(part)}</font>'
        for font, part in runs(text)
    )
