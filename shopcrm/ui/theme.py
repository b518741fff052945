"""Colours and style snippets shared by the shell's widgets, readable in light and dark themes.

Text colours come from the palette (``palette(text)`` etc.) so the system's light or dark theme
decides them. Where a widget has its own background (the allergy banner, preference chips) it sets
its foreground too, as a pair chosen to contrast on either theme. ``apply_dark_palette`` is for
screenshots and tests of the dark look on platforms without a dark system theme.
"""

from __future__ import annotations

import html

from PySide6.QtGui import QColor, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from shopcrm import resources
from shopcrm.i18n import RESOURCES

# (background, foreground) per preference level: each pair has a contrast ratio above 4.5:1.
LEVEL_COLOURS: dict[str, tuple[str, str]] = {
    "allergy": ("#b71c1c", "#ffffff"),
    "love": ("#6a1b9a", "#ffffff"),  # purple: not another red beside the allergy chips
    "like": ("#2e7d32", "#ffffff"),
    "dislike": ("#546e7a", "#ffffff"),
}

ALLERGY_BANNER_STYLE = (
    "QLabel#allergyBanner { background: #b71c1c; color: #ffffff; font-weight: bold;"
    " border-radius: 4px; padding: 6px 10px; }"
)

DEMO_BADGE_STYLE = (
    "QLabel { background: #e65100; color: #ffffff; font-weight: bold;"
    " border-radius: 3px; padding: 1px 6px; }"
)


ICON_STROKE = "#4f79a8"  # the bundled icons' one stroke colour (resources/icons/*.svg)

# The one-time owner PIN offer: a calm information strip (dark blue on pale blue, 9:1).
PIN_OFFER_STYLE = (
    "QWidget#pinOfferBanner { background: #e3f2fd; border-bottom: 1px solid #90caf9; }"
    " QLabel#pinOfferText { color: #0d2c5e; }"
)

# A guest carried over from another page into the visit dialog: amber, impossible to overlook
# (dark brown on pale amber, 9:1).
CARRY_OVER_STYLE = (
    "QWidget#visitCarryOver { background: #fff3e0; border: 2px solid #ef6c00; border-radius: 4px; }"
    " QLabel#visitCarryOverText { color: #4e2600; font-weight: bold; }"
)


def emphasize(widget, scale: float = 1.0, *, bold: bool = True) -> None:
    """Bold (and optionally larger) text through the font, not a style sheet, so the widget keeps
    following the palette when the system switches between light and dark."""
    font = widget.font()
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(bold)
    widget.setFont(font)


def icon(name: str) -> QIcon:
    """The bundled icon ``icons/<name>.svg`` (an empty icon if there is none)."""
    path = resources.path("icons", f"{name}.svg")
    if not path.is_file():
        return QIcon()
    result = QIcon(str(path))
    # Qt tints a selected item's icon with the highlight colour, and the mid-tone strokes then
    # vanish on the selected row (the page list): selected icons are drawn in white instead.
    svg = path.read_text(encoding="utf-8")
    white = svg.replace(f'stroke="{ICON_STROKE}"', 'stroke="#ffffff"')
    if white != svg:
        for size in (24, 48):
            pixmap = QPixmap()
            sized = white.replace('width="24" height="24"', f'width="{size}" height="{size}"', 1)
            if pixmap.loadFromData(sized.encode("utf-8"), "SVG"):
                result.addPixmap(pixmap, QIcon.Mode.Selected)
    return result


def error_style() -> str:
    """Red text that stays readable on the current theme's window colour."""
    return "color: #ef9a9a;" if is_dark() else "color: #c62828;"


# Each level has its own shape and mark as well as its colour, so nobody needs to tell colours
# apart (a colour-blind member of staff sees a square with ▲ for an allergy, a pill with ♥ for
# a love). The marks are in the bundled Japanese font, so they never show as empty boxes.
LEVEL_MARKS: dict[str, str] = {"allergy": "▲", "love": "♥", "like": "○", "dislike": "×"}
_LEVEL_SHAPES: dict[str, str] = {
    "allergy": "border-radius: 0px; border: 2px solid #ffffff;",
    "love": "border-radius: 10px;",
    "like": "border-radius: 10px;",
    "dislike": "border-radius: 3px; border: 1px dashed #ffffff;",
}


def allergy_html(text: str) -> str:
    """Rich text for an allergy banner: the bundled warning icon, then ``text`` (escaped)."""
    path = (RESOURCES / "icons" / "allergy.svg").as_posix()
    return (
        f'<img src="{path}" width="18" height="18" style="vertical-align: middle">'
        f"&nbsp;{html.escape(text)}"
    )


def chip_style(level: str) -> str:
    bg, fg = LEVEL_COLOURS.get(level, ("#455a64", "#ffffff"))
    shape = _LEVEL_SHAPES.get(level, "border-radius: 10px;")
    return (
        f"QFrame#chip {{ background: {bg}; {shape} }}"
        f" QFrame#chip QLabel {{ color: {fg}; background: transparent; }}"
        f" QFrame#chip QToolButton {{ color: {fg}; background: transparent; border: none;"
        " font-weight: bold; padding: 0 2px; }"
    )


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def apply_dark_palette(app: QApplication) -> None:
    """A dark Fusion palette (what a dark system theme gives), for screenshots and tests."""
    app.setStyle("Fusion")
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e8e8e8",
        QPalette.ColorRole.Base: "#1f1f1f",
        QPalette.ColorRole.AlternateBase: "#2a2a2a",
        QPalette.ColorRole.Text: "#e8e8e8",
        QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e8e8e8",
        QPalette.ColorRole.Highlight: "#3d7bd9",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#353535",
        QPalette.ColorRole.ToolTipText: "#e8e8e8",
        QPalette.ColorRole.PlaceholderText: "#9a9a9a",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.Mid: "#555555",
        QPalette.ColorRole.Midlight: "#444444",
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    app.setPalette(p)
