"""A regular's figures in the detail pane are the stored ones, not a sum of the visits listed
(the pane lists only the latest 200)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from shopcrm.domain.models import Customer, Visit
from shopcrm.store import bulk, customers
from shopcrm.ui.pages.customers_page import CustomersPage
from shopcrm.ui.widgets.customer_detail import VISITS_SHOWN


def test_a_guest_with_300_visits_shows_the_stored_totals(app_ctx, qtbot):
    db = app_ctx.db
    regular = customers.create(db, Customer(name="大常連 花子", kana="ダイジョウレン ハナコ")).id
    start = dt.datetime(2020, 1, 1, 19)
    bulk.insert_visits(
        db,
        [
            Visit(customer_id=regular, visited_at=start + dt.timedelta(days=n), amount=3000 + n)
            for n in range(300)
        ],
    )
    stored = customers.summary(db, regular)
    assert stored.visit_count == 300 and stored.total_spent == sum(3000 + n for n in range(300))

    page = CustomersPage(app_ctx)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    row = next(r for r in range(page.model.rowCount()) if page.model.summary(r).id == regular)
    rect = page.table.visualRect(page.model.index(row, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    detail = page.detail
    qtbot.waitUntil(lambda: detail.name_label.text() == "大常連 花子")

    total = stored.total_spent
    assert detail.fields["figures"].text() == (
        f"300 visits · total ¥{total:,}, ¥{total // 300:,} per visit"
    )
    listed = detail.visits_tree.topLevelItemCount()
    assert listed == VISITS_SHOWN + 1  # the latest 200 and a line saying how many are older
    assert detail.visits_tree.topLevelItem(listed - 1).text(3) == "… and 100 older visits"
    tab = detail.tabs.tabText(detail.tabs.indexOf(detail.visits_tree))
    assert tab == "Visit history (300)"
