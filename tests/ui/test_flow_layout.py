"""The app's one ``FlowLayout`` (preference chips, the customer list's filter bar, the item
picker): rows wrap at the width, hidden children take no room, margins are kept."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from shopcrm.ui.widgets.flow_layout import FlowLayout


def _row(qtbot, count: int, width: int = 100, height: int = 20):
    host = QWidget()
    qtbot.addWidget(host)
    flow = FlowLayout(host, spacing=10)
    labels = []
    for n in range(count):
        label = QLabel(f"chip {n}")
        label.setFixedSize(width, height)
        flow.addWidget(label)
        labels.append(label)
    return host, flow, labels


def test_items_wrap_to_the_next_row_when_the_row_is_full(qtbot):
    host, flow, labels = _row(qtbot, 5)
    host.resize(320, 200)  # three of 100 with two gaps of 10 fit exactly (100+10+100+10+100)
    host.show()
    qtbot.waitExposed(host)
    flow.setGeometry(host.rect())
    places = [(lab.x(), lab.y()) for lab in labels]
    assert places == [(0, 0), (110, 0), (220, 0), (0, 30), (110, 30)]
    assert flow.heightForWidth(320) == 50
    assert flow.heightForWidth(319) == 80  # one pixel short: two a row, three rows
    assert flow.heightForWidth(50) == 20 * 5 + 10 * 4  # narrower than a chip: one a row


def test_hidden_children_take_no_room(qtbot):
    host, flow, labels = _row(qtbot, 4)
    host.resize(320, 200)
    host.show()
    qtbot.waitExposed(host)
    labels[0].hide()
    flow.setGeometry(host.rect())
    assert [(lab.x(), lab.y()) for lab in labels[1:]] == [(0, 0), (110, 0), (220, 0)]
    assert flow.heightForWidth(320) == 20


def test_margins_are_kept_and_clear_removes_the_children(qtbot):
    _host, flow, labels = _row(qtbot, 2)
    flow.setContentsMargins(5, 7, 5, 3)
    assert flow.heightForWidth(220) == 7 + 20 + 3  # 5 + 100 + 10 + 100 + 5: one row
    assert flow.heightForWidth(219) == 7 + 20 + 10 + 20 + 3
    assert flow.minimumSize().width() == 110
    flow.clear()
    assert flow.count() == 0
    assert labels[0].parent() is None
