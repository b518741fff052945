"""The customer dialog's "How to reach" box (連絡手段): how the guest can be reached, with
consent per channel.

Post is the dialog's own DM checkbox (``customers.dm_consent``, its one home); this box shows its
state beside e-mail and LINE. E-mail has its own consent (checkbox, how it was given, the date),
an unsubscribe button and the permanent-failure mark; LINE is linked by its own module and reads
"LINE: not linked" until it is. Consents are read and written through ``store/consents.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)
from sqlite_utils import Database

from shopcrm.i18n import _
from shopcrm.services.channels import reach
from shopcrm.store import consents
from shopcrm.store.consents import Consent


class ChannelsBox(QGroupBox):
    def __init__(self, db: Database, customer_id: int | None, parent: QWidget | None = None):
        super().__init__(_("How to reach"), parent)
        self.setObjectName("customerChannels")
        self.db = db
        self.customer_id = customer_id
        known = consents.for_customer(db, customer_id) if customer_id else {}
        self.email_before: Consent = known.get("email") or Consent(customer_id or 0, "email")
        form = QFormLayout(self)
        self.post_state = QLabel(self)
        self.post_state.setObjectName("channelPostState")
        form.addRow(_("Post"), self.post_state)

        self.email_consent = QCheckBox(_("Agrees to receive e-mail"), self)
        self.email_consent.setObjectName("customer_email_consent")
        self.email_consent.setChecked(self.email_before.consented)
        self.email_how = QComboBox(self)
        self.email_how.setObjectName("customer_email_consent_how")
        self.email_how.setEditable(True)
        self.email_how.setAccessibleName(_("How e-mail consent was given"))
        self.email_how.addItems(["", _("Paper form"), _("In person"), _("Website")])
        self.email_how.setCurrentText(self.email_before.how)
        self.email_state = QLabel(self)
        self.email_state.setObjectName("channelEmailState")
        self.email_state.setWordWrap(True)
        self.unsubscribe_button = QPushButton(_("Unsubscribe from e-mail"), self)
        self.unsubscribe_button.setObjectName("emailUnsubscribeButton")
        self.unsubscribe_button.clicked.connect(self.unsubscribe)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.email_consent)
        row.addWidget(self.email_how, 1)
        form.addRow(_("E-mail"), row)
        state_row = QHBoxLayout()
        state_row.setContentsMargins(0, 0, 0, 0)
        state_row.addWidget(self.email_state, 1)
        state_row.addWidget(self.unsubscribe_button)
        form.addRow("", state_row)
        self.line_state = QLabel(_("LINE: not linked"), self)
        self.line_state.setObjectName("channelLineState")
        form.addRow("LINE", self.line_state)
        self.email_consent.toggled.connect(self._update)
        self._update()

    def follow_post(
        self, consent: QCheckBox, how: QComboBox, consent_at: Callable[[], dt.datetime | None]
    ) -> None:
        """Show the post channel as the dialog's DM checkbox and "how" box have it."""

        def show(*_args) -> None:
            self.show_post(consent.isChecked(), consent_at(), how.currentText().strip())

        consent.toggled.connect(show)
        how.currentTextChanged.connect(show)
        show()

    def show_post(self, consented: bool, at: dt.datetime | None, how: str) -> None:
        """The post channel as the dialog's DM checkbox has it now."""
        if not consented:
            self.post_state.setText(reach.reason_text(reach.NO_CONSENT, "post"))
            return
        parts = [_("consent given")]
        if at:
            parts.append(at.date().isoformat())
        if how:
            parts.append(how)
        self.post_state.setText(" · ".join(parts))

    def _update(self, *_args) -> None:
        c = self.email_before
        self.email_how.setEnabled(self.email_consent.isChecked())
        self.unsubscribe_button.setEnabled(
            self.customer_id is not None and self.email_before.consented
        )
        lines = []
        if c.consented and c.consented_at:
            lines.append(_("Consent recorded on {date}").format(date=c.consented_at.date()))
        if c.unsubscribed_at and not c.consented:
            lines.append(_("Unsubscribed on {date}").format(date=c.unsubscribed_at.date()))
        if c.bounced_at:
            lines.append(
                _("Mail failed permanently on {date}: {reason}").format(
                    date=c.bounced_at.date(), reason=c.bounce_reason
                )
            )
        self.email_state.setText("\n".join(lines))

    def unsubscribe(self) -> None:
        """Record the guest's unsubscribe now: no later e-mail reaches them."""
        if self.customer_id is None:
            return
        consents.unsubscribe(self.db, self.customer_id, "email")
        self.email_before = consents.get(self.db, self.customer_id, "email")
        self.email_consent.setChecked(False)
        self._update()

    def save(self, customer_id: int, email_changed: bool) -> None:
        """Inside the dialog's save transaction: a new consent, a withdrawal, a fixed address."""
        before = self.email_before
        how = self.email_how.currentText().strip()
        if self.email_consent.isChecked() and not before.consented:
            consents.give(self.db, customer_id, "email", how)
        elif not self.email_consent.isChecked() and before.consented:
            consents.unsubscribe(self.db, customer_id, "email")
        if email_changed and before.bounced_at is not None:
            consents.clear_bounce(self.db, customer_id)
