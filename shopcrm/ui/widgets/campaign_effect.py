"""``CampaignEffectView``: the dashboard's "Campaign effect" tab.

Per campaign, what its coupons changed against the guests held back at random (a chart of the
extra visits per guest with their 95 % ranges, and a table with came-back shares, extra gross
profit, cost, net after costs and the redemption figures, labelled as such); below, the selected
campaign's verdict in plain words. The figures come from ``services.effect`` (computed in the
dashboard's worker); this module only shows them. ``install_effect_tab(page, effects)`` is the
dashboard's one hook.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from shopcrm.i18n import N_, _
from shopcrm.services import effect, glossary
from shopcrm.services.dashboard import TABS
from shopcrm.ui.widgets.chart_widget import ChartWidget
from shopcrm.ui.widgets.text_table import TextTableModel, table_view

TAB_TITLE = N_("Campaign effect")
INTRO = N_(
    "Guests who got a campaign's coupon against guests held back at random (no coupon), over the "
    "days after the coupon's first valid day. Only this difference is the campaign's effect: "
    "redemptions also count guests who would have come anyway."
)


class CampaignEffectView(QWidget):
    def __init__(self, effects, parent=None):
        super().__init__(parent)

        self.setObjectName("campaignEffectView")
        self.effects = list(effects)
        layout = QVBoxLayout(self)
        intro = QLabel(_(INTRO))
        intro.setWordWrap(True)
        intro.setObjectName("effectIntro")
        intro.setToolTip(glossary.tip("uplift"))
        layout.addWidget(intro)
        split = QSplitter(Qt.Orientation.Vertical)
        self.chart = None
        if self.effects:
            self.chart = ChartWidget(effect.figure(self.effects))
            split.addWidget(self.chart)
        self.view = table_view()
        self.view.setObjectName("effectTable")
        self.headers, self.rows = effect.table(self.effects)
        self.view.setModel(TextTableModel(self.headers, self.rows, self.view))
        split.addWidget(self.view)
        layout.addWidget(split, 1)
        self.detail = QLabel()
        self.detail.setObjectName("effectDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail)
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _p: self.select(cur.row()))
        if self.effects:
            self.view.selectRow(0)
            self.select(0)
        else:
            self.detail.setText(
                _("No coupons were sent in this period, so there is no campaign to measure.")
            )

    def select(self, row: int) -> None:
        if not 0 <= row < len(self.effects):
            return
        e = self.effects[row]

        lines = [f"<b>{effect.title_of(e)}</b>: {e.verdict_text()}"]
        if e.money_text():
            lines.append(e.money_text())
        lines += e.notes
        self.detail.setText("<br>".join(lines))


def install_effect_tab(page, effects) -> CampaignEffectView:
    """Put (or replace) the Campaign effect tab at the end of the dashboard's tabs."""
    view = CampaignEffectView(effects)
    tabs = page.tabs
    for i in range(tabs.count()):
        if tabs.widget(i).objectName() == "campaignEffectView":
            current = tabs.currentIndex()
            old = tabs.widget(i)
            tabs.removeTab(i)
            tabs.insertTab(i, view, _(TAB_TITLE))
            tabs.setCurrentIndex(current)
            old.deleteLater()
            break
    else:
        i = tabs.addTab(view, _(TAB_TITLE))
    tabs.setTabToolTip(i, glossary.tip("uplift"))
    for j, (key, _title, _chart) in enumerate(TABS):  # (tabs rebuilt by the page lose theirs)
        if j < tabs.count() and key in glossary.TAB_TERMS:
            tabs.setTabToolTip(j, glossary.tip(glossary.TAB_TERMS[key]))
    page.effect_view = view
    return view
