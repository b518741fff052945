"""``MergeDialog``: the customers who look like one person (same phone, email, or name and
reading), side by side, with Merge and Undo; plus ``erase_customer`` and ``export_customer``
for a customer's context menu (owner only, they ask for the PIN).

A merge moves the newer record's visits, coupons, preferences and mailings to the older one and
fills its empty fields; Undo puts everything back (``services.privacy``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
)

from shopcrm.domain.changes import Changes
from shopcrm.i18n import _
from shopcrm.services import privacy
from shopcrm.store import customers
from shopcrm.ui.dialogs.base import DialogBase
from shopcrm.ui.dialogs.parts import (
    close_box,
    error_text,
    pick_table,
    selected_row,
    show_error,
    status_label,
)

# a merge (or its undo) moves visits and coupons between guests
MERGED = Changes(customers=True, visits=True, coupons=True)


def _who(c) -> str:
    parts = [f"#{c.id} {c.name}"]
    if c.kana:
        parts.append(c.kana)
    if c.phone:
        parts.append(c.phone)
    if c.code:
        parts.append(c.code)
    return " · ".join(parts)


class MergeDialog(DialogBase):
    owner_only = True  # closes when owner mode locks

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle(_("Merge duplicate customers"))
        self.resize(820, 440)
        self.last_merge_id: int | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "These customers look like the same person. Merging keeps the older record and"
                " moves the other one's visits, coupons, preferences and mailings to it; empty"
                " fields are filled in. A merge can be undone."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = pick_table(
            "duplicatePairs", [_("Keep"), _("Merge into it"), _("Same")], stretch=(0, 1)
        )
        layout.addWidget(self.table, 1)
        self.status = status_label("mergeStatus")
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.merge_button = QPushButton(_("Merge selected"))
        self.merge_button.setObjectName("mergeSelected")
        self.undo_button = QPushButton(_("Undo last merge"))
        self.undo_button.setObjectName("undoMerge")
        row.addWidget(self.merge_button)
        row.addWidget(self.undo_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(close_box(self))
        self.merge_button.clicked.connect(self.merge_selected)
        self.undo_button.clicked.connect(self.undo)
        self.table.itemSelectionChanged.connect(self._update)
        self.refresh()

    def refresh(self) -> None:
        self.pairs = privacy.likely_duplicates(self.ctx.db)
        self.table.setRowCount(len(self.pairs))
        for i, p in enumerate(self.pairs):
            same = f"{_(privacy.BY_LABELS.get(p.by, p.by))}: {p.value}"
            for j, text in enumerate((_who(p.keep), _who(p.other), same)):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnToContents(2)
        if not self.pairs:
            self.status.setText(_("No likely duplicates."))
        self._update()

    def _update(self) -> None:
        self.merge_button.setEnabled(bool(self.table.selectedItems()))
        self.undo_button.setEnabled(self.last_merge_id is not None)

    def merge_row(self, row: int) -> None:
        pair = self.pairs[row]
        # Both read from the store by id (likely_duplicates): saved.
        assert pair.keep.id is not None and pair.other.id is not None
        try:
            result = privacy.merge(self.ctx.db, pair.keep.id, pair.other.id)
        except Exception as exc:  # a storage problem or a changed record: say it, change nothing
            self.status.setText(error_text(exc))
            return
        self.last_merge_id = result.merge_id
        self.status.setText(
            _("Merged #{other} into #{keep} {name}: {visits} visits moved.").format(
                other=pair.other.id,
                keep=pair.keep.id,
                name=result.kept.name,
                visits=result.moved["visits"],
            )
        )
        self.ctx.changed.emit(MERGED)
        self.refresh()

    def merge_selected(self) -> None:
        row = selected_row(self.table)
        if row is not None:
            self.merge_row(row)

    def undo(self) -> None:
        if self.last_merge_id is None:
            return
        try:
            _kept, restored = privacy.unmerge(self.ctx.db, self.last_merge_id)
        except Exception as exc:
            self.status.setText(error_text(exc))
            return
        self.last_merge_id = None
        self.status.setText(
            _("Undone: #{id} {name} is back.").format(id=restored.id, name=restored.name)
        )
        self.ctx.changed.emit(MERGED)
        self.refresh()


def merge_duplicates(ctx, parent=None) -> None:
    """Owner only: the list of likely duplicates to merge."""
    if not ctx.require_owner(parent):
        return
    dialog = MergeDialog(ctx, parent)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()


def erase_customer(ctx, customer_id: int, parent=None, *, confirm: bool = True) -> bool:
    """Owner only: erase a customer's personal data on request (visits stay, anonymous)."""
    if not ctx.require_owner(parent):
        return False
    c = customers.get(ctx.db, customer_id)
    if confirm:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Erase customer"),
            _(
                "Erase all personal data of {name} (name, contact, address, birthday, notes,"
                " preferences, mailings)? Their visits stay, without a name, so the revenue"
                " figures stay true. This cannot be undone."
            ).format(name=c.name),
            QMessageBox.StandardButton.Cancel,
            parent,
        )
        erase = box.addButton(_("Erase"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not erase:
            return False
    try:
        privacy.erase(ctx.db, customer_id)
    except Exception as exc:
        show_error(parent, error_text(exc))
        return False
    # the guest, their coupon codes (anonymised) and mailings
    ctx.changed.emit(Changes(customers=True, coupons=True, mailings=True))
    return True


def export_customer(ctx, customer_id: int, parent=None, path: str | Path | None = None):
    """Owner only: everything held about one customer (disclosure request), JSON or Excel."""
    if not ctx.require_owner(parent):
        return None
    if path is None:
        path, _filter = QFileDialog.getSaveFileName(
            parent,
            _("Save the customer's complete record"),
            str(Path.home() / f"customer-{customer_id}.xlsx"),
            "Excel (*.xlsx);;JSON (*.json)",
        )
        if not path:
            return None
    try:
        return privacy.export_disclosure(ctx.db, customer_id, path)
    except Exception as exc:
        show_error(parent, error_text(exc))
        return None
