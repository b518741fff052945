"""``HoldoutBox``: a campaign's comparison group, in the campaign dialog.

A share of each issue run (default 10 %) is held back at random and gets no coupon, so the
dashboard can show what the campaign really changed (``services/effect.py``). Birthday guests are
held back only when the owner ticks the box. Values are read and written through
``services.effect`` (checked there) and ``store.holdouts``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout

from shopcrm.i18n import _
from shopcrm.services import control_groups
from shopcrm.store import holdouts
from shopcrm.store.holdouts import Holdout


class HoldoutBox(QGroupBox):
    def __init__(self, parent=None):
        super().__init__(_("Comparison group (to measure the real effect)"), parent)
        self.setObjectName("holdoutBox")
        column = QVBoxLayout(self)
        row = QHBoxLayout()
        self.percent = QSpinBox(self)
        self.percent.setObjectName("holdoutPercent")
        self.percent.setRange(0, 50)
        self.percent.setSuffix(" %")
        self.percent.setAccessibleName(_("Share of guests held back"))
        self.min_group = QSpinBox(self)
        self.min_group.setObjectName("holdoutMinGroup")
        self.min_group.setRange(5, 10_000)
        self.min_group.setAccessibleName(_("Smallest group to judge"))
        self.birthday = QCheckBox(_("Hold back birthday guests too"), self)
        self.birthday.setObjectName("holdoutBirthday")
        row.addWidget(QLabel(_("Hold back"), self))
        row.addWidget(self.percent)
        row.addSpacing(12)
        row.addWidget(QLabel(_("Judge from"), self))
        row.addWidget(self.min_group)
        row.addWidget(QLabel(_("guests per group"), self))
        row.addSpacing(12)
        row.addWidget(self.birthday)
        row.addStretch(1)
        column.addLayout(row)
        note = QLabel(
            _(
                "Held-back guests get no coupon this time. Comparing their visits with those who"
                " got one shows what the campaign really brought; 0 % turns it off."
            ),
            self,
        )
        note.setWordWrap(True)
        note.setObjectName("holdoutNote")
        column.addWidget(note)

    def load(self, db, campaign_id: int | None) -> None:
        h = holdouts.get(db, campaign_id) if campaign_id else holdouts.Holdout(0)
        self.percent.setValue(h.percent)
        self.min_group.setValue(h.min_group)
        self.birthday.setChecked(h.include_birthday)

    def save(self, db, campaign_id: int) -> None:
        control_groups.set_holdout(
            db,
            Holdout(
                campaign_id,
                percent=int(self.percent.value()),
                min_group=int(self.min_group.value()),
                include_birthday=self.birthday.isChecked(),
            ),
        )
