"""``FiguresHelpDialog``: Help > "Understanding your figures".

Explains repeat rate, second-visit rate, LTV, predicted value and campaign uplift (and lists every
figure's one line) with the shop's own numbers as the examples. The text is
``services.glossary.help_page``; the numbers are computed by a worker on its own connection, so
the window stays responsive on a big shop (the page first shows the explanations alone).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QTextBrowser, QVBoxLayout

from shopcrm.i18n import _
from shopcrm.services import glossary
from shopcrm.ui.dialogs.base import DialogBase
from shopcrm.ui.operations import QueryOp


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
        self._task = (
            QueryOp(
                parent=self,
                op=lambda db, _task: glossary.example_figures(db),
                success=self._show,
            )
            .failure(self._failed)
            .run_in_background()
        )

    def _show(self, example) -> None:
        self.browser.setHtml(glossary.help_page(example))
        self.ready = True

    def _failed(self, exc: BaseException) -> None:
        self.browser.setHtml(
            glossary.help_page(None)
            + "<p>"
            + _("Your shop's numbers could not be computed: {error}").format(error=exc)
            + "</p>"
        )
        self.ready = True
