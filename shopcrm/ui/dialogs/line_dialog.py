"""``LineLinkDialog``: link a guest's LINE with a one-time code shown as a QR code.

The guest scans the QR code with their phone: LINE opens the shop's chat with "Link code:
XXXX-XXX" typed in, and they send it. The dialog pulls the relay's events in the background every
few seconds (and on "Check now") and says when the guest is linked. Without a relay (or basic ID)
it shows why LINE is off instead of a code that could never be matched.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QImage, QPixmap
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from shopcrm.domain.changes import Changes
from shopcrm.i18n import _
from shopcrm.output_paths import OutputRefused, check_output_path
from shopcrm.services.channels import line
from shopcrm.services.channels.line_slip import write_slip
from shopcrm.services.printing import qr
from shopcrm.store import line_links, settings
from shopcrm.store.line_links import LineError
from shopcrm.ui.dialogs.base import DialogBase
from shopcrm.ui.operations import CollectionOp
from shopcrm.ui.theme import emphasize, error_style

PULL_EVERY_MS = 10_000
MODULE_PX = 6


def qr_pixmap(text: str, module_px: int = MODULE_PX) -> QPixmap:
    """The QR code of ``text`` (with its quiet zone) as a black-on-white pixmap."""
    matrix = qr.matrix(text)
    border = qr.QUIET_ZONE
    n = len(matrix) + 2 * border
    image = QImage(n, n, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    black = QColor("black").rgb()
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.setPixel(x + border, y + border, black)
    return QPixmap.fromImage(image.scaled(n * module_px, n * module_px))


class LineLinkDialog(DialogBase):
    def __init__(self, ctx, customer, parent=None):
        super().__init__(ctx, parent)
        self.customer = customer
        self.offer: line.LinkOffer | None = None
        self._task = None
        self.setObjectName("lineLinkDialog")
        self.setWindowTitle(_("Link LINE — {name}").format(name=customer.name))
        layout = QVBoxLayout(self)

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.qr_label = QLabel()
        self.qr_label.setObjectName("lineQr")
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.qr_label)
        self.code_label = QLabel()
        self.code_label.setObjectName("lineCode")
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        emphasize(self.code_label, 1.6)
        layout.addWidget(self.code_label)
        self.expiry_label = QLabel()
        self.expiry_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.expiry_label)
        self.status_label = QLabel()
        self.status_label.setObjectName("lineStatus")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        row = QHBoxLayout()
        self.check_button = QPushButton(_("Check now"))
        self.check_button.setObjectName("lineCheckButton")
        self.check_button.clicked.connect(self.check_now)
        self.new_code_button = QPushButton(_("New code"))
        self.new_code_button.setObjectName("lineNewCodeButton")
        self.new_code_button.clicked.connect(self.new_code)
        self.slip_button = QPushButton(_("Print slip…"))
        self.slip_button.setObjectName("lineSlipButton")
        self.slip_button.setToolTip(
            _("Save the QR code and the code as a PDF to print for the guest.")
        )
        self.slip_button.clicked.connect(lambda: self.print_slip())
        row.addWidget(self.check_button)
        row.addWidget(self.new_code_button)
        row.addWidget(self.slip_button)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.timer = QTimer(self)
        self.timer.setInterval(PULL_EVERY_MS)
        self.timer.timeout.connect(self.check_now)
        self.new_code()

    # --- the code ------------------------------------------------------------------------------
    def new_code(self) -> None:
        reason = line.off_reason(self.ctx.db)
        if reason:
            self._show_off(reason)
            return
        try:
            self.offer = line.issue_link(self.ctx.db, self.customer)
        except LineError as exc:
            self._show_off(exc.message)
            return
        self.intro.setText(
            _(
                "Ask the guest to scan this code with their phone and send the message LINE "
                "opens with. Sending it is their agreement to get the shop's LINE messages."
            )
        )
        self.qr_label.setPixmap(qr_pixmap(self.offer.url))
        self.qr_label.setToolTip(self.offer.url)
        self.code_label.setText(self.offer.code.shown)
        self.expiry_label.setText(
            _("Valid until {time}").format(time=f"{self.offer.code.expires_at:%Y-%m-%d %H:%M}")
        )
        self._show_link_state()
        self.timer.start()

    def _show_off(self, reason: str) -> None:
        self.offer = None
        self.intro.setText(reason)
        self.intro.setStyleSheet(error_style())
        self.qr_label.clear()
        self.code_label.clear()
        self.expiry_label.clear()
        self.status_label.clear()
        self.check_button.setEnabled(False)
        self.new_code_button.setEnabled(False)
        self.slip_button.setEnabled(False)
        self.timer.stop()

    def _show_link_state(self) -> None:
        link = line_links.link_for(self.ctx.db, self.customer.id)
        if link is None:
            self.status_label.setText(_("Not linked yet. Waiting for the guest's message…"))
        elif not link.followed:
            self.status_label.setText(
                _("Linked, but the guest unfollowed or blocked the shop: no LINE messages.")
            )
        else:
            self.status_label.setText(
                _("Linked on {time}.").format(time=f"{link.linked_at:%Y-%m-%d %H:%M}")
            )

    def print_slip(self, path: str | Path | None = None) -> Path | None:
        """Save the slip (QR code, code, how to use it) as a PDF and open it to print."""
        if self.offer is None:
            return None
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(
                self,
                _("Save the LINE link slip"),
                str(Path.home() / f"line-link-{self.offer.code.code}.pdf"),
                "PDF (*.pdf)",
            )
            if not path:
                return None
        try:
            target = check_output_path(path, self.ctx.db_path)
            written = write_slip(
                target, self.offer, self.customer, settings.get(self.ctx.db, "shop_name")
            )
        except (OSError, OutputRefused) as exc:
            self.status_label.setText(_("Could not save the slip: {error}").format(error=exc))
            return None
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(written)))
        return written

    # --- pulling the relay ----------------------------------------------------------------------
    def check_now(self) -> None:
        if self._task is not None or self.offer is None:
            return

        def work(db, _task):  # the op opens the worker's own connection
            return line.pull(db)

        self.check_button.setEnabled(False)
        op = CollectionOp(
            parent=self, op=work, success=self._pulled, changes=Changes(customers=True)
        )
        self._task = op.failure(self._pull_failed).run_in_background()

    def _pulled(self, result: line.PullResult) -> None:
        self._task = None
        self.check_button.setEnabled(True)
        self._show_link_state()
        if self.customer.id in result.linked:
            self.timer.stop()
            self.status_label.setText(_("Linked. The guest will get the shop's LINE messages."))

    def _pull_failed(self, exc: BaseException) -> None:
        self._task = None
        self.check_button.setEnabled(True)
        text = (
            str(exc)
            if isinstance(exc, LineError)
            else _("Could not check: {error}").format(error=exc)
        )
        self.status_label.setText(text)

    def done(self, result: int) -> None:
        self.timer.stop()
        if self._task is not None:
            self._task.finished.wait(15)
        super().done(result)
