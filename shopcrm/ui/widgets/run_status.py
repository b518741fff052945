"""The status block under a page's long-running action (issuing coupons, building a print run): a
progress bar with Cancel, shown only while busy; a wrapped result line; and the list of guests who
were left out, shown only when there are any."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shopcrm.i18n import _


class RunStatus(QWidget):
    """``progress``, ``cancel_button``, ``result`` and ``skipped`` are public so a page can keep
    its own names for them (its tests and object names stay as they were)."""

    def __init__(
        self,
        on_cancel: Callable[[], None],
        *,
        cancel_name: str = "",
        result_name: str,
        skipped_name: str,
        skipped_height: int,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.progress = QProgressBar(self)
        self.cancel_button = QPushButton(_("Cancel"), self)
        if cancel_name:
            self.cancel_button.setObjectName(cancel_name)
        self.cancel_button.clicked.connect(on_cancel)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.result = QLabel(self)
        self.result.setObjectName(result_name)
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self.skipped = QListWidget(self)
        self.skipped.setObjectName(skipped_name)
        self.skipped.setMaximumHeight(skipped_height)
        layout.addWidget(self.skipped)
        self.set_busy(False)
        self.skipped.setVisible(False)

    def set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)

    def show_skipped(self, lines: Iterable[str]) -> None:
        self.skipped.clear()
        self.skipped.addItems(list(lines))
        self.skipped.setVisible(self.skipped.count() > 0)
