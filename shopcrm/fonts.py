"""The fonts the app brings: IPAexGothic (from the ``matplotlib-fontja`` wheel) and, for the name
characters it lacks, ShopCRM Gaiji (``resources/fonts/shopcrm-gaiji.ttf``).

One file serves Qt (``QFontDatabase.addApplicationFont``), matplotlib (``fontManager.addfont``) and
reportlab (``TTFont``, embedded as a subset), so Japanese shows the same on a machine with no
Japanese fonts installed. IPA Font License: redistributed unmodified with its licence text.

IPAexGothic covers JIS X 0213:2004 but not every character in people's names: 𠮷 (in 𠮷田), the
JIS X 0212 kanji and the compatibility ideographs print as a box. ShopCRM Gaiji is a ~1.6 MB
subset of the Hanazono Mincho fonts (TrueType outlines, which reportlab needs; Hanazono Font
License, which allows a modified copy to be redistributed: ``shopcrm-gaiji-LICENSE.txt``) with just
those glyphs; every layout falls back to it per character (``font_runs``). ``unprintable`` names
the characters neither font has, so data entry can warn before a card prints a box.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from importlib.resources import files
from pathlib import Path

from fontTools.ttLib import TTFont

from shopcrm.domain.rules import FIELD_LABELS
from shopcrm.i18n import _

FONT_FAMILY = "IPAexGothic"
FALLBACK_FAMILY = "ShopCRM Gaiji"
FONTS_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"
_IGNORED = {0x200B, 0x200C, 0x200D, 0xFE0E, 0xFE0F, 0x3000, 0x20, 0x0A, 0x0D, 0x09}


@cache
def japanese_font_path() -> Path:
    # The wheel's folder, found without importing it: importing matplotlib_fontja imports
    # matplotlib, which was 0.8 s of the app's start (the charts import it when they need it).

    spec = importlib.util.find_spec("matplotlib_fontja")
    folders = list(spec.submodule_search_locations or ()) if spec else []
    if folders:
        path = Path(folders[0]) / "fonts" / "ipaexg.ttf"
    else:  # an unusual install (a zip): let importlib.resources find it
        path = Path(str(files("matplotlib_fontja") / "fonts" / "ipaexg.ttf"))
    if not path.is_file():
        raise FileNotFoundError(f"bundled Japanese font missing: {path}")
    return path


def font_licence_path() -> Path:
    return japanese_font_path().with_name("IPA_Font_License_Agreement_v1.0.txt")


@cache
def fallback_font_path() -> Path:
    """ShopCRM Gaiji, the per-character fallback for name kanji IPAexGothic lacks."""
    path = FONTS_DIR / "shopcrm-gaiji.ttf"
    if not path.is_file():
        raise FileNotFoundError(f"bundled fallback font missing: {path}")
    return path


def fallback_licence_path() -> Path:
    return fallback_font_path().with_name("shopcrm-gaiji-LICENSE.txt")


@cache
def _cmap(path: Path) -> frozenset[int]:
    font = TTFont(str(path), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def main_cmap() -> frozenset[int]:
    return _cmap(japanese_font_path())


def fallback_cmap() -> frozenset[int]:
    try:
        return _cmap(fallback_font_path())
    except FileNotFoundError:
        return frozenset()


def has_glyph(ch: str) -> bool:
    """Whether a bundled font can draw ``ch`` (spaces and joiners count as drawable)."""
    cp = ord(ch)
    return cp in _IGNORED or cp in main_cmap() or cp in fallback_cmap()


def unprintable(text: str) -> list[str]:
    """The characters of ``text`` no bundled font can print (each once, in order): a printed
    piece would show a box for them."""
    seen: list[str] = []
    for ch in text:
        if ch not in seen and not has_glyph(ch) and not _is_variation_selector(ch):
            seen.append(ch)
    return seen


def _is_variation_selector(ch: str) -> bool:
    cp = ord(ch)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


def font_runs(text: str) -> list[tuple[bool, str]]:
    """``text`` cut into runs of (uses the fallback font, characters): IPAexGothic wherever it has
    the glyph, ShopCRM Gaiji for the rest (and the main font again for what neither has)."""
    main, extra = main_cmap(), fallback_cmap()
    runs: list[tuple[bool, str]] = []
    for ch in text:
        if _is_variation_selector(ch):
            continue  # IVS selectors: neither font has variation sequences; print the base
        cp = ord(ch)
        fallback = cp not in main and cp in extra
        if runs and runs[-1][0] == fallback:
            runs[-1] = (fallback, runs[-1][1] + ch)
        else:
            runs.append((fallback, ch))
    return runs


def unprintable_warning(customer) -> str | None:
    """A warning for data entry when the guest's name or address has characters no bundled font
    can print (they would come out as a box on every printed piece), else None."""
    parts = []
    for field in ("name", "prefecture", "city", "street", "building"):
        chars = unprintable(getattr(customer, field, "") or "")
        if chars:
            parts.append(f"{_(FIELD_LABELS[field])}: {' '.join(chars)}")
    if not parts:
        return None
    return _(
        "These characters cannot be printed (no bundled font has them; they would print as a "
        "box): {chars}. Use a common form of the character if there is one."
    ).format(chars="; ".join(parts))
