"""Safety at a glance, for everyone: allergy and 大好き chips differ by shape, mark and word, not
colour alone; no symbol in the UI's text is missing from the bundled font (an empty box on a PC
without it), so the PIN offer uses an icon instead of 🔒."""

from __future__ import annotations

import ast
import unicodedata
from pathlib import Path

from shopcrm.domain.models import Preference

PKG = Path(__file__).resolve().parents[2] / "shopcrm"


def _font_cmap() -> set[int]:
    from fontTools.ttLib import TTFont

    from shopcrm.fonts import japanese_font_path

    return set(TTFont(str(japanese_font_path())).getBestCmap())


def _strings(path: Path):
    """String constants of a module, without its docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docs.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            yield node.lineno, node.value


def test_every_symbol_in_the_ui_is_in_the_bundled_font():
    cmap = _font_cmap()
    files = [*sorted((PKG / "ui").rglob("*.py")), PKG / "app.py"]
    missing = [
        f"{path.relative_to(PKG.parent)}:{line}: {ch!r} {unicodedata.name(ch, '?')}"
        for path in files
        for line, text in _strings(path)
        for ch in sorted(set(text))
        if unicodedata.category(ch) == "So" and ord(ch) not in cmap
    ]
    assert not missing, "use an icon (resources/icons) instead of:\n" + "\n".join(missing)


def test_the_scan_would_catch_the_lock_emoji():
    assert ord("🔒") not in _font_cmap() and unicodedata.category("🔒") == "So"


def test_allergy_and_love_chips_differ_by_shape_mark_and_word(qapp):
    from shopcrm.ui.widgets.chips import PreferenceChips

    chips = PreferenceChips()
    chips.set_preferences(
        [
            Preference(1, "food", "allergy", "えび", id=1),
            Preference(1, "drink", "love", "獺祭", id=2),
        ]
    )
    allergy, love = chips.chips()
    assert allergy.text() == "▲ Allergy · Food · えび"
    assert love.text() == "♥ Love · Drink · 獺祭"
    assert "border-radius: 0px" in allergy.styleSheet()  # a square ...
    assert "border-radius: 10px" in love.styleSheet()  # ... beside a pill


def test_the_pin_offer_has_an_icon_not_an_emoji(main_window):
    banner = main_window.pin_offer
    assert not banner.lock_icon.pixmap().isNull()
    assert "🔒" not in banner.text.text()
