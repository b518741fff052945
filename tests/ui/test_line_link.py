"""The real "Link LINE…" button in the guest's detail pane: the dialog shows a QR code that decodes
to the shop's chat URL with the one-time code; the guest's message at the relay links them."""

from __future__ import annotations

import json
import os
import tempfile
import urllib.parse
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from shopcrm import i18n
from shopcrm.services.channels.line_relay import make_server, serve_in_thread
from shopcrm.store import customers, line_links, settings
from shopcrm.ui.widgets.customer_detail import CustomerDetail
from tests.services.line_standin import CHANNEL_SECRET, sign, use_file_keyring, user_id
from tests.services.test_line import SHARED, _event, _post

DOCS = Path(os.environ.get("SHOPCRM_SCREENS") or tempfile.gettempdir())  # docs/: set it


@pytest.fixture
def relay(tmp_path):
    server = make_server(
        "127.0.0.1",
        0,
        db_path=tmp_path / "relay.db",
        channel_secret=CHANNEL_SECRET,
        shared_secret=SHARED,
    )
    serve_in_thread(server)
    yield server
    server.shutdown()
    server.server_close()
    server.store.close()


def _decode(pixmap) -> str:
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.bytesPerLine() * height)
    pixels = data.reshape(height, image.bytesPerLine())[:, :width].copy()
    found = zxingcpp.read_barcodes(pixels)
    assert found, "no QR code found in the dialog"
    return found[0].text


def _detail(app_ctx, qtbot, name):
    detail = CustomerDetail(app_ctx)
    qtbot.addWidget(detail)
    detail.resize(900, 700)
    detail.show()
    guest = next(c for c in customers.search(app_ctx.db, name) if c.name == name)
    detail.set_customer(guest.id)
    return detail, guest


def test_link_line_button_shows_the_qr_and_links_the_guest(app_ctx, qtbot, relay, tmp_path):
    use_file_keyring(tmp_path)
    settings.set_many(
        app_ctx.db,
        {"line_relay_url": relay.url, "line_relay_secret": SHARED, "line_basic_id": "@123abcde"},
    )
    detail, guest = _detail(app_ctx, qtbot, "佐藤 花子")
    assert detail.line_button.isEnabled()
    qtbot.mouseClick(detail.line_button, Qt.MouseButton.LeftButton)
    dialog = detail.line_dialog
    qtbot.waitUntil(dialog.isVisible)
    url = _decode(dialog.qr_label.pixmap())
    assert url.startswith("https://line.me/R/oaMessage/%40123abcde/?")
    text = urllib.parse.unquote(url.split("?", 1)[1])
    code = dialog.code_label.text()
    assert text == f"Link code: {code}"
    dialog.resize(1366 // 3, 768 - 100)
    DOCS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(DOCS / "ui-line-link-en.png"))

    # the guest sends the message; "Check now" pulls the relay and shows them linked
    body = json.dumps({"events": [_event("message", user_id(42), text, n=1)]}).encode()
    assert _post(relay.url, body, sign(body)) == 200
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: line_links.link_for(app_ctx.db, guest.id) is not None, timeout=5000)
    qtbot.waitUntil(lambda: "Linked" in dialog.status_label.text(), timeout=5000)
    assert line_links.link_for(app_ctx.db, guest.id).user_id == user_id(42)
    assert detail.line_state.text() == "LINE: not linked"
    dialog.reject()
    qtbot.waitUntil(lambda: detail.line_state.text().startswith("LINE: linked 20"))


def test_without_a_relay_the_dialog_says_why_in_japanese(app_ctx, qtbot, tmp_path):
    use_file_keyring(tmp_path)
    i18n.set_language("ja")
    detail, _guest = _detail(app_ctx, qtbot, "佐藤 花子")
    qtbot.mouseClick(detail.line_button, Qt.MouseButton.LeftButton)
    dialog = detail.line_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.qr_label.pixmap().isNull()
    assert "リレー" in dialog.intro.text()
    assert not dialog.check_button.isEnabled()
    dialog.grab().save(str(DOCS / "ui-line-link-off-ja.png"))
    dialog.reject()


def test_the_qr_in_japanese(app_ctx, qtbot, relay, tmp_path):
    use_file_keyring(tmp_path)
    i18n.set_language("ja")
    settings.set_many(
        app_ctx.db,
        {"line_relay_url": relay.url, "line_relay_secret": SHARED, "line_basic_id": "@123abcde"},
    )
    detail, _guest = _detail(app_ctx, qtbot, "佐藤 花子")
    assert detail.line_button.text() == "LINE連携…"
    qtbot.mouseClick(detail.line_button, Qt.MouseButton.LeftButton)
    dialog = detail.line_dialog
    qtbot.waitUntil(dialog.isVisible)
    text = urllib.parse.unquote(_decode(dialog.qr_label.pixmap()).split("?", 1)[1])
    assert text == f"連携コード：{dialog.code_label.text()}"
    dialog.grab().save(str(DOCS / "ui-line-link-ja.png"))
    dialog.reject()


def test_print_slip_writes_a_pdf_whose_qr_opens_the_chat(
    app_ctx, qtbot, relay, tmp_path, monkeypatch
):
    import pypdf
    import pypdfium2
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QFileDialog

    use_file_keyring(tmp_path)
    settings.set_many(
        app_ctx.db,
        {
            "shop_name": "居酒屋まるや",
            "line_relay_url": relay.url,
            "line_relay_secret": SHARED,
            "line_basic_id": "@123abcde",
        },
    )
    out = tmp_path / "slip.pdf"
    opened = []
    # the OS's file dialog and PDF viewer stand outside the test: answer the one, note the other
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "PDF (*.pdf)"))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    detail, _guest = _detail(app_ctx, qtbot, "佐藤 花子")
    qtbot.mouseClick(detail.line_button, Qt.MouseButton.LeftButton)
    dialog = detail.line_dialog
    qtbot.waitUntil(dialog.isVisible)
    qtbot.mouseClick(dialog.slip_button, Qt.MouseButton.LeftButton)
    assert opened == [str(out)]
    text = pypdf.PdfReader(out).pages[0].extract_text()
    assert "居酒屋まるや" in text and dialog.code_label.text() in text and "佐藤 花子" in text
    page = pypdfium2.PdfDocument(str(out))[0]
    bitmap = page.render(scale=4).to_pil().convert("L")
    found = zxingcpp.read_barcodes(np.array(bitmap))
    assert found and found[0].text == dialog.offer.url
    dialog.reject()


def test_an_erased_guest_cannot_be_linked(app_ctx, qtbot):
    from shopcrm.services import privacy

    guest = next(c for c in customers.search(app_ctx.db, "佐藤 花子") if c.name == "佐藤 花子")
    privacy.erase(app_ctx.db, guest.id)
    detail = CustomerDetail(app_ctx)
    qtbot.addWidget(detail)
    detail.set_customer(guest.id)
    assert detail.edit_button.isEnabled() and not detail.line_button.isEnabled()


def test_screens_at_1366x768(app_ctx, qtbot):
    """The customers page with the "Link LINE…" button, in both languages (for the docs)."""
    from shopcrm.ui.pages.customers_page import CustomersPage

    for lang in ("en", "ja"):
        i18n.set_language(lang)
        page = CustomersPage(app_ctx)
        qtbot.addWidget(page)
        page.resize(1366, 768)
        page.show()
        qtbot.waitUntil(lambda page=page: page.model.rowCount() > 0)
        guest = next(c for c in customers.search(app_ctx.db, "佐藤 花子") if c.name == "佐藤 花子")
        page.detail.set_customer(guest.id)
        button = page.detail.line_button
        assert button.isVisible() and button.isEnabled()
        assert page.detail.line_state.text() in ("LINE: not linked", "LINE：未連携")
        assert button.text() == ("Link LINE…" if lang == "en" else "LINE連携…")
        qtbot.wait(50)  # the layout follows the new texts
        state = page.detail.line_state
        assert state.width() >= state.sizeHint().width()  # the whole state, not "L"
        assert button.visibleRegion().boundingRect().width() == button.width()  # not cut off
        page.grab().save(str(DOCS / f"ui-line-customers-{lang}.png"))
        page.close()
