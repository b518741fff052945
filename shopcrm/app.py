"""Where every layer meets: QApplication, fonts, translators, the database, the main window.

(Minimal until the counter-app work lands.)
"""

from __future__ import annotations

from pathlib import Path


def run(db_path: Path, *, demo: bool = False) -> int:
    import sys

    from PySide6.QtWidgets import QApplication, QMainWindow

    from shopcrm.store import open_db

    app = QApplication.instance() or QApplication(sys.argv)
    open_db(db_path)
    window = QMainWindow()
    window.setWindowTitle("shopcrm")
    window.show()
    return app.exec()
