"""``PdfPreview``: the real PDF shown inside the app (QtPdf's QPdfDocument + QPdfView), with page
count, fit-to-width / whole-page zoom, and page rendering for printing to a ``QPrinter``."""

from __future__ import annotations

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEventLoop,
    QIODevice,
    QMarginsF,
    QRectF,
    QSize,
    QSizeF,
    Qt,
    QTimer,
)
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from shopcrm.i18n import _


class PdfPreview(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.view.setPageSpacing(12)
        self._buffer: QBuffer | None = None
        self._data = b""

        self.info = QLabel(self)
        self.info.setObjectName("pdfInfo")
        self.zoom = QComboBox(self)
        self.zoom.addItem(_("Whole page"), QPdfView.ZoomMode.FitInView)
        self.zoom.addItem(_("Fit width"), QPdfView.ZoomMode.FitToWidth)
        self.zoom.addItem("100%", QPdfView.ZoomMode.Custom)
        self.zoom.currentIndexChanged.connect(self._zoom_changed)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.info, 1)
        bar.addWidget(self.zoom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.document.statusChanged.connect(self._update_info)
        self._update_info()

    # --- content -----------------------------------------------------------------------------
    def set_pdf(self, data: bytes) -> None:
        """Show the PDF in ``data`` (bytes, kept in memory)."""
        self.clear()
        self._data = bytes(data)
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(self._data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self._update_info()

    def clear(self) -> None:
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None
        self._data = b""
        self._update_info()

    @property
    def data(self) -> bytes:
        return self._data

    def page_count(self) -> int:
        return self.document.pageCount()

    def is_ready(self) -> bool:
        return self.document.status() == QPdfDocument.Status.Ready

    def render_page(self, index: int, dpi: int) -> QImage:
        """Page ``index`` as an image at ``dpi`` (for printing)."""
        size = self.document.pagePointSize(index)
        pixels = QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72))
        return self.document.render(index, pixels)

    # --- view ----------------------------------------------------------------------------------
    def _zoom_changed(self) -> None:
        mode = self.zoom.currentData()
        self.view.setZoomMode(mode)
        if mode == QPdfView.ZoomMode.Custom:
            self.view.setZoomFactor(1.0)

    def _update_info(self, *_args) -> None:
        if self.is_ready():
            size = self.document.pagePointSize(0)
            mm_w, mm_h = size.width() / 72 * 25.4, size.height() / 72 * 25.4
            text = _("{pages} page(s), {w:.0f} × {h:.0f} mm")
            self.info.setText(text.format(pages=self.page_count(), w=mm_w, h=mm_h))
        else:
            self.info.setText(_("No preview yet"))
        self.info.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def print_document(document: QPdfDocument, parent: QWidget, printer=None, dpi: int = 300) -> bool:
    """Print a loaded PDF: each page rendered at ``dpi`` onto the printer's page, at the paper's
    edge (no extra margins). Without ``printer`` the print dialog asks for one. False when the
    document is not ready, the dialog or the progress was cancelled, or the printer failed."""
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
        return False
    ask = printer is None
    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    size = document.pagePointSize(0)
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QSizeF(size.width(), size.height()), QPageSize.Unit.Point),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    printer.setFullPage(True)
    if ask:
        dialog = QPrintDialog(printer, parent)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
    pages = document.pageCount()
    steps = QProgressDialog(_("Printing…"), _("Cancel"), 0, pages, parent)
    steps.setWindowModality(Qt.WindowModality.WindowModal)
    steps.setMinimumDuration(500)
    painter = QPainter()
    if not painter.begin(printer):
        QMessageBox.warning(parent, _("Print"), _("The printer could not be started."))
        return False
    try:
        for i in range(pages):
            if steps.wasCanceled():
                return False
            if i:
                printer.newPage()
            point = document.pagePointSize(i)
            pixels = QSize(round(point.width() * dpi / 72), round(point.height() * dpi / 72))
            target = QRectF(printer.pageRect(QPrinter.Unit.DevicePixel))
            target.moveTo(0, 0)
            painter.drawImage(target, document.render(i, pixels))
            steps.setValue(i + 1)
    finally:
        painter.end()
        steps.close()  # (closing a QProgressDialog counts as cancel: checked above)
    return True


def print_pdf_bytes(data: bytes, parent: QWidget, printer=None, dpi: int = 300) -> bool:
    """``print_document`` for a PDF held in memory (not shown in a preview)."""
    document = QPdfDocument(parent)
    buffer = QBuffer(parent)
    buffer.setData(QByteArray(bytes(data)))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    try:
        document.load(buffer)
        if document.status() == QPdfDocument.Status.Loading:  # (QtPdf may load asynchronously)
            loop = QEventLoop()
            document.statusChanged.connect(
                lambda status: loop.quit() if status != QPdfDocument.Status.Loading else None
            )
            QTimer.singleShot(10_000, loop.quit)
            if document.status() == QPdfDocument.Status.Loading:
                loop.exec()
        return print_document(document, parent, printer, dpi)
    finally:
        document.close()
        document.deleteLater()
        buffer.close()
        buffer.deleteLater()
