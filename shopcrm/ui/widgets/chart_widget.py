"""``ChartWidget``: a Figure from ``services.charts`` on screen, with values on hover.

The figure is drawn off the UI thread: when the widget is shown or resized, a worker draws it
with matplotlib's Agg canvas at the widget's size (``charts.render_rgba``, the same pixels
matplotlib's Qt canvas would draw) and the widget paints them as an image, so no figure drawing
stalls the window. Until the first image is there it says "Drawing the chart…"; after a resize it
shows the previous image scaled until the new one is drawn. ``drawn`` is emitted each time an
image of the current size is on screen.

Each builder records which bars, lines and heatmap cells say what (``charts.hover_items``); this
widget shows that text as a tooltip while the pointer rests over them, looked up on the figure as
last drawn (same size, same transforms). Importing this module loads neither matplotlib nor
``services.charts`` (so the dashboard imports it at its top): they are loaded when the first
``ChartWidget`` is made, which is after a figure exists, so they are loaded already.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget
from shiboken6 import isValid

from shopcrm.i18n import _
from shopcrm.ui.operations import QueryOp, Task

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _charts():
    """``services.charts`` (lazy: it imports matplotlib, 1.0 s; loaded with the first figure)."""
    from shopcrm.services import charts  # lazy: matplotlib, 1.0 s at start-up

    return charts


class ChartWidget(QWidget):
    """Shows one Figure; ``hover_text_at(x, y)`` is what the pointer at pixel (x, y) shows."""

    drawn = Signal()

    def __init__(self, figure: Figure, parent=None):
        super().__init__(parent)
        self.figure = figure
        self.canvas = _charts()._agg_canvas(figure)  # the figure's Agg canvas (hover look-ups)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(360, 240)
        self.setMouseTracking(True)
        self.last_hover = ""
        self.image: QImage | None = None
        self._image_size: tuple[int, int] | None = None  # widget size the image was drawn for
        self._task: Task | None = None  # the worker drawing the figure
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(30)  # a drag of the splitter draws once it rests
        self._timer.timeout.connect(self._render)
        self.renders = 0  # images drawn so far (tests)

    # --- drawing off the UI thread ------------------------------------------------------------
    def _ratio(self) -> float:
        return float(self.devicePixelRatioF())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._schedule(at_once=self.image is None)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._schedule(at_once=self.image is None)

    def _schedule(self, at_once: bool = False) -> None:
        if at_once:
            self._timer.start(0)
        else:
            self._timer.start()

    @property
    def busy(self) -> bool:
        """A worker is drawing the figure (hover look-ups wait: its size is changing)."""
        return self._task is not None

    def _render(self) -> None:
        if not self.isVisible() or self._task is not None:
            return
        size = (self.width(), self.height())
        if size == self._image_size:
            return
        ratio = self._ratio()
        fig, w, h = self.figure, round(size[0] * ratio), round(size[1] * ratio)

        def done(result) -> None:
            pixels, width, height = result
            image = QImage(pixels, width, height, QImage.Format.Format_RGBA8888).copy()
            image.setDevicePixelRatio(ratio)
            self.image, self._image_size = image, size
            self.renders += 1
            self.update()
            if (self.width(), self.height()) != size:
                self._schedule()  # resized meanwhile: draw again at the new size
            else:
                self.drawn.emit()

        def failed(_exc: BaseException) -> None:
            pass  # the next show or resize tries again

        render = _charts().render_rgba
        op: QueryOp[tuple] = QueryOp.without_db(
            parent=self, op=lambda _task: render(fig, w, h, ratio), success=done
        )
        self._task = op.failure(failed).on_end(self._drawing_ended).run_in_background()

    def _drawing_ended(self) -> None:
        """The worker ended (also when its answer was dropped: the widget was closed)."""
        if isValid(self):
            self._task = None

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        try:
            if self.image is None:
                painter.fillRect(self.rect(), Qt.GlobalColor.white)
                painter.setPen(Qt.GlobalColor.darkGray)
                painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _("Drawing the chart…"))
            elif self._image_size == (self.width(), self.height()):
                painter.drawImage(QPoint(0, 0), self.image)
            else:  # resized, the new image is being drawn: the old one stretched meanwhile
                painter.drawImage(QRect(0, 0, self.width(), self.height()), self.image)
        finally:
            painter.end()

    # --- hover ---------------------------------------------------------------------------------
    def hover_text_at(self, x: float, y: float) -> str:
        """Text for the point at display coordinates (x, y) (matplotlib's, origin bottom left)."""
        # the stubs say int, but LocationEvent takes float pixels (int() for .x/.y, the exact
        # point for inaxes), as the Qt backend passes them on a scaled screen
        from matplotlib.backend_bases import MouseEvent  # lazy: matplotlib, loaded by now

        event = MouseEvent("motion_notify_event", self.canvas, x, y)  # type: ignore[arg-type]
        return self._text_for(event)

    def _text_for(self, event) -> str:
        for artist, texts in _charts().hover_items(self.figure):
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

    def text_at_widget_point(self, pos: QPoint) -> str:
        """What the pointer at widget pixel ``pos`` shows ("" while the image is being drawn)."""
        if self.busy or self.image is None or self._image_size != (self.width(), self.height()):
            return ""
        ratio = self._ratio()
        x = pos.x() * ratio
        y = self.figure.bbox.height - pos.y() * ratio  # matplotlib counts from the bottom
        return self.hover_text_at(x, y)

    def mouseMoveEvent(self, event) -> None:
        super().mouseMoveEvent(event)
        text = self.text_at_widget_point(event.position().toPoint())
        if text == self.last_hover:
            return
        self.last_hover = text
        if text:
            QToolTip.showText(QCursor.pos() + QPoint(12, 12), text, self)
        else:
            QToolTip.hideText()

    def leaveEvent(self, event) -> None:
        super().leaveEvent(event)
        self.last_hover = ""
        QToolTip.hideText()

    def save_png(self, path) -> None:
        _charts().save_png(self.figure, path, dpi=120)
