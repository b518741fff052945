"""``ChartWidget``: a Figure from ``services.charts`` on screen, with values on hover.

Importing this module imports matplotlib's Qt canvas, so only the dashboard imports it, and only
when it is first shown (start-up stays fast). The figure itself is built elsewhere (Qt-free); each
builder records which bars, lines and heatmap cells say what (``charts.hover_items``); this widget
shows that text as a tooltip while the pointer rests over them.
"""

from __future__ import annotations

from matplotlib.backend_bases import MouseEvent
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QPoint
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QSizePolicy, QToolTip, QVBoxLayout, QWidget

from shopcrm.services import charts


class ChartWidget(QWidget):
    """Shows one Figure; ``hover_text_at(x, y)`` is what the pointer at pixel (x, y) shows."""

    def __init__(self, figure: Figure, parent=None):
        super().__init__(parent)
        self.figure = figure
        self.canvas = FigureCanvasQTAgg(figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumSize(360, 240)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        self.last_hover = ""
        self.canvas.mpl_connect("motion_notify_event", self._on_motion)

    def hover_text_at(self, x: float, y: float) -> str:
        """Text for the point at display coordinates (x, y) (matplotlib's, origin bottom left)."""
        # the stubs say int, but LocationEvent takes float pixels (int() for .x/.y, the exact
        # point for inaxes), as the Qt backend passes them on a scaled screen
        event = MouseEvent("motion_notify_event", self.canvas, x, y)  # type: ignore[arg-type]
        return self._text_for(event)

    def _text_for(self, event) -> str:
        for artist, texts in charts.hover_items(self.figure):
            try:
                hit, info = artist.contains(event)
            except (ValueError, TypeError):
                continue
            if not hit:
                continue
            if isinstance(texts, str):
                return texts
            if (
                hasattr(artist, "get_array")
                and event.inaxes is not None
                and texts
                and isinstance(texts[0], list)
            ):
                # heatmap cell under the pointer
                inv = artist.axes.transData.inverted()
                col, row = inv.transform((event.x, event.y))
                r, c = round(row), round(col)
                if 0 <= r < len(texts) and 0 <= c < len(texts[r]):
                    return texts[r][c]
                continue
            ind = info.get("ind") if isinstance(info, dict) else None
            if ind is not None and len(ind):
                i = int(ind[0])
                if 0 <= i < len(texts):
                    return texts[i]
        return ""

    def _on_motion(self, event) -> None:
        text = self._text_for(event) if event.x is not None else ""
        if text == self.last_hover:
            return
        self.last_hover = text
        if text:
            QToolTip.showText(QCursor.pos() + QPoint(12, 12), text, self.canvas)
        else:
            QToolTip.hideText()

    def save_png(self, path) -> None:
        self.figure.savefig(path, dpi=120, facecolor="white")
