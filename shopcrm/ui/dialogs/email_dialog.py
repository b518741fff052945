"""``EmailDialog``: send a campaign run by e-mail, from the Print page.

Before anything is sent it shows how many guests each channel reaches (e-mail now, post for
comparison, LINE not linked), how many were already mailed in this run, and who is left out and
why. Send runs in the background (a ``CollectionOp``: its own database connection)
with a progress bar and Cancel; the result says how many were sent, which addresses failed
permanently (marked on the guest), which wait for a later run, and how many were left out.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from shopcrm.domain.changes import Changes
from shopcrm.i18n import _, ngettext
from shopcrm.services.campaigns import display_name, period_text
from shopcrm.services.channels import email_run, reach, smtp
from shopcrm.services.channels.errors import EmailError
from shopcrm.ui.dialogs.base import DialogBase
from shopcrm.ui.operations import Cancelled, CollectionOp, Task


class EmailDialog(DialogBase):
    def __init__(self, ctx, campaign_id: int, period_key: str | None = None, parent=None):
        super().__init__(ctx, parent)
        self.setObjectName("emailDialog")
        self.setWindowTitle(_("Send by e-mail"))
        self.task: Task | None = None
        self.outcome: email_run.SendResult | None = None
        self.plan = email_run.plan(ctx.db, campaign_id, period_key=period_key)
        p = self.plan

        outer = QVBoxLayout(self)
        title = display_name(p.campaign)
        if period_key:
            title += f" — {period_text(period_key)}"
        heading = QLabel(f"<b>{title}</b>", self)
        outer.addWidget(heading)

        reach_box = QGroupBox(_("Who this run reaches"), self)
        form = QFormLayout(reach_box)
        self.email_count = QLabel(self)
        self.email_count.setObjectName("emailReach")
        n = len(p.recipients)
        self.email_count.setText(ngettext("{n} guest", "{n} guests", n).format(n=n))
        form.addRow(_("E-mail"), self.email_count)
        post = QLabel(ngettext("{n} guest", "{n} guests", p.post_reach).format(n=p.post_reach))
        post.setObjectName("postReach")
        post.setToolTip(_("Printed from the Print page; shown here to compare."))
        form.addRow(_("Post"), post)
        form.addRow("LINE", QLabel(_("LINE: not linked"), self))
        if p.already_sent or p.failed_before:
            text = _("Already sent in this run: {n}.").format(n=p.already_sent)
            if p.failed_before:
                text += " " + _("Failed before: {n}.").format(n=p.failed_before)
            done = QLabel(text, self)
            done.setObjectName("emailAlreadySent")
            form.addRow("", done)
        outer.addWidget(reach_box)

        left = QGroupBox(_("Left out of e-mail"), self)
        lcol = QVBoxLayout(left)
        self.left_tree = QTreeWidget(left)
        self.left_tree.setObjectName("emailLeftOut")
        self.left_tree.setHeaderLabels([_("Guest"), _("Why")])
        self.left_tree.setRootIsDecorated(False)
        for c, why in p.left_out:
            self.left_tree.addTopLevelItem(QTreeWidgetItem([c.name, reach.reason_text(why)]))
        self.left_tree.resizeColumnToContents(0)
        lcol.addWidget(self.left_tree)
        outer.addWidget(left, 1)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("emailProgress")
        self.progress.setRange(0, max(n, 1))
        self.progress.setValue(0)
        self.progress.setVisible(False)
        outer.addWidget(self.progress)
        self.status = QLabel(self)
        self.status.setObjectName("emailStatus")
        self.status.setWordWrap(True)
        outer.addWidget(self.status)

        row = QHBoxLayout()
        self.send_button = QPushButton(
            ngettext("Send {n} e-mail", "Send {n} e-mails", n).format(n=n), self
        )
        self.send_button.setObjectName("emailSend")
        self.send_button.setEnabled(n > 0)
        self.send_button.clicked.connect(self.send)
        self.cancel_button = QPushButton(_("Cancel sending"), self)
        self.cancel_button.setObjectName("emailCancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        self.close_button = close.button(QDialogButtonBox.StandardButton.Close)
        row.addWidget(self.send_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        row.addWidget(close)
        outer.addLayout(row)
        if n == 0:
            self.status.setText(_("Nobody to e-mail in this run."))

    def send(self) -> None:
        try:
            cfg = smtp.config_from(self.ctx.db)
        except EmailError as exc:
            self.status.setText(str(exc))
            return
        plan = self.plan

        def work(db, task):  # the op opens the worker's own connection
            return email_run.send(
                db, plan, cfg, progress=task.progress, cancel=lambda: task.cancelled
            )

        self.send_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.close_button.setEnabled(False)
        self.progress.setVisible(True)
        self.status.setText(_("Sending…"))
        # mailings and consents (bounces) written, and coupons now sent: the records, the Coupons
        # and Print pages' counts and the figures refresh from it (as coupons_changed did before)
        sent = Changes(mailings=True, customers=True, coupons=True)
        op = CollectionOp(parent=self, op=work, success=self._done, changes=sent)
        self.task = op.failure(self._failed).on_progress(self._progress).run_in_background()

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(_("Stopping after the message being sent…"))

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        if text:
            self.status.setText(_("Sending to {address}…").format(address=text))

    def _finish(self) -> None:
        self.task = None
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)

    def _done(self, result: email_run.SendResult) -> None:
        self._finish()
        self.outcome = result
        lines = [
            ngettext("Sent {n} e-mail.", "Sent {n} e-mails.", result.sent).format(n=result.sent)
        ]
        if result.cancelled:
            lines.append(_("Cancelled: the rest can be sent later; nobody is mailed twice."))
        if result.failed:
            lines.append(_("Failed permanently (address marked on the guest): {n}").format(
                n=len(result.failed)))  # fmt: skip
            lines += [f"  {c.name} <{c.email}>: {why}" for c, why in result.failed]
        if result.deferred:
            lines.append(_("Not sent yet (send again later): {n}").format(n=len(result.deferred)))
            lines += [f"  {c.name} <{c.email}>: {why}" for c, why in result.deferred]
        lines.append(_("Left out: {n}").format(n=result.left_out))
        self.status.setText("\n".join(lines))
        self.send_button.setEnabled(bool(result.cancelled or result.deferred))
        if self.send_button.isEnabled():
            self.plan = email_run.plan(
                self.ctx.db, self.plan.campaign, period_key=self.plan.period_key
            )
            self.send_button.setText(_("Send the rest"))

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.send_button.setEnabled(True)
        if isinstance(exc, Cancelled):
            self.status.setText(_("Cancelled."))
        else:
            self.status.setText(str(exc))
