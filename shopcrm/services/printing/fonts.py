"""The embedded Japanese font for every PDF: IPAexGothic registered once per process.

reportlab's built-in CID fonts (HeiseiMin, HeiseiKakuGo) are never used: they are not embedded, so a
machine without Japanese fonts would print empty boxes. ``TTFont`` embeds a subset of the glyphs.
"""

from __future__ import annotations

import threading

FONT = "IPAexGothic"
_lock = threading.Lock()
_registered = False


def register() -> str:
    """Register IPAexGothic with reportlab (first call only) and return its font name."""
    global _registered
    if _registered:
        return FONT
    with _lock:
        if not _registered:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            from shopcrm.fonts import japanese_font_path

            pdfmetrics.registerFont(TTFont(FONT, str(japanese_font_path())))
            _registered = True
    return FONT


def string_width(text: str, size: float) -> float:
    """Width of ``text`` in points at ``size`` in the embedded font."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, register(), size)
