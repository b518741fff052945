"""``FiguresHelpDialog``: Help > "Understanding your figures".

Explains repeat rate, second-visit rate, LTV, predicted value and campaign uplift (and lists every
figure's one line) with the shop's own numbers as the examples. The text is
``services.glossary.help_page``; the numbers are computed by a worker on its own connection, so
the window stays responsive on a big shop (the page first shows the explanations alone).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QTextBrowser, QVBoxLayout
from shiboken6 import isValid

from shopcrm.i18n import _
from shopcrm.services import glossary
from shopcrm.store.db import connect
from shopcrm.ui.dialogs.base import DialogBase
from shopcrm.ui.tasks import run_in_background


def _examples(db_path, _task):
    db = connect(db_path)
    try:
        return glossary.example_figures(db)
    finally:
        db.close()


class FiguresHelpDialog(DialogBase):
    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)

        self.setObjectName("figuresHelpDialog")
        self.setWindowTitle(_("Understanding your figures"))
        self.ready = False
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("figuresHelp")
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(
            glossary.help_page(None) + "<p><i>" + _("Calculating your shop's numbers…") + "</i></p>"
        )
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(860, 680)
        path = ctx.db_path
        self._task = run_in_background(
            lambda task: _examples(path, task), on_done=self._show, on_error=self._failed
        )

    def _show(self, example) -> None:
        if not isValid(self):
            return
        self.browser.setHtml(glossary.help_page(example))
        self.ready = True

    def _failed(self, exc, _tb) -> None:
        if not isValid(self):
            return
        self.browser.setHtml(
            glossary.help_page(None)
            + "<p>"
            + _("Your shop's numbers could not be computed: {error}").format(error=exc)
            + "</p>"
        )
        self.ready = True
