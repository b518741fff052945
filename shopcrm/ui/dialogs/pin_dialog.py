"""Owner PIN: the prompt (``ask_owner_pin``), setting or changing it (``SetPinDialog``), and the
idle lock that returns to staff mode after the shop's ``owner_lock_minutes`` without input.

``install_idle_lock(ctx, app)`` starts the idle lock; ``app.build_main_window`` calls it at start,
beside the automatic backups (``data_dialogs.install_auto_backups``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
)

from shopcrm.domain.changes import Changes
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import _
from shopcrm.services import auth
from shopcrm.store import settings
from shopcrm.ui.dialogs.base import DialogBase

MAX_TRIES = 5  # wrong PINs before the prompt closes itself


def _pin_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setInputMethodHints(
        Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
    )
    field.setMaxLength(32)
    field.setMinimumWidth(180)
    return field


class PinDialog(DialogBase):
    """Asks for the owner PIN; accepts only when it is right (the PIN is checked here)."""

    error: QLabel  # made in __init__ after the field whose edits clear it

    def __init__(self, ctx, parent=None, *, reason: str = ""):
        super().__init__(ctx, parent)
        self.setObjectName("pinDialog")
        self.setWindowTitle(_("Owner PIN"))
        self.tries = 0
        layout = QVBoxLayout(self)
        intro = QLabel(reason or _("This is for the owner. Enter the owner PIN to continue."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.field = _pin_field()
        self.field.setObjectName("pinField")
        self.field.setAccessibleName(_("Owner PIN"))
        self.field.textEdited.connect(lambda _t: self.error.setText(""))
        form = QFormLayout()
        form.addRow(_("Owner PIN"), self.field)
        layout.addLayout(form)
        self.error = QLabel("")
        self.error.setObjectName("pinError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        layout.addWidget(self.make_button_box(_("Unlock")))
        self.field.setFocus()

    def on_accept(self) -> None:
        locked = locked_message(self.ctx.db)
        if locked:
            self.error.setText(locked)
            self.field.clear()
            return
        if auth.verify_pin(self.ctx.db, self.field.text()):
            self.accept()
            return
        self.tries += 1
        self.field.clear()
        if self.tries >= MAX_TRIES:
            self.reject()
            return
        self.error.setText(
            locked_message(self.ctx.db)
            or _("Wrong PIN. {n} tries left.").format(n=MAX_TRIES - self.tries)
        )
        self.field.setFocus()


def locked_message(db) -> str:
    """Why no PIN can be tried now ('' when one can); see ``auth.locked_reason``."""
    return auth.locked_reason(db)


def ask_owner_pin(ctx, parent=None) -> bool:
    """True when no PIN is set or the owner typed it; the caller then unlocks owner mode."""
    if not ctx.owner_pin_set():
        return True
    dialog = PinDialog(ctx, parent)
    try:
        return dialog.exec() == PinDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


class SetPinDialog(DialogBase):
    """Set, change or remove the owner PIN (changing or removing needs the current one)."""

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)

        self.setObjectName("setPinDialog")
        self.setWindowTitle(_("Owner PIN"))
        self.has_pin = auth.pin_is_set(ctx.db)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "With an owner PIN, staff can search guests, record visits and print coupons;"
                " revenue figures, import, export, merging, erasing, settings and restore ask"
                " for the PIN. Owner mode locks itself after a few idle minutes."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.current = _pin_field()
        self.current.setObjectName("currentPin")
        if self.has_pin:
            form.addRow(_("Current PIN"), self.current)
        self.new = _pin_field()
        self.new.setObjectName("newPin")
        self.again = _pin_field()
        self.again.setObjectName("againPin")
        form.addRow(_("New PIN (4 or more digits)"), self.new)
        form.addRow(_("New PIN again"), self.again)
        layout.addLayout(form)
        self.error = QLabel("")
        self.error.setObjectName("setPinError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        box = self.make_button_box(_("Save"))
        if self.has_pin:
            remove = box.addButton(_("Remove PIN"), QDialogButtonBox.ButtonRole.DestructiveRole)
            remove.setObjectName("removePin")
            remove.clicked.connect(self.remove_pin)
        layout.addWidget(box)

    def _current_ok(self) -> bool:
        locked = locked_message(self.ctx.db) if self.has_pin else ""
        if locked:
            self.error.setText(locked)
            return False
        if self.has_pin and not auth.verify_pin(self.ctx.db, self.current.text()):
            self.error.setText(_("The current PIN is wrong."))
            self.current.clear()
            self.current.setFocus()
            return False
        return True

    def on_accept(self) -> None:
        if not self._current_ok():
            return
        if self.new.text() != self.again.text():
            self.error.setText(_("The two new PINs differ."))
            self.again.clear()
            self.again.setFocus()
            return
        try:
            self.recovery_code = auth.set_pin(self.ctx.db, self.new.text())
        except ValidationError as exc:
            self.error.setText(exc.message)
            self.new.setFocus()
            return
        self._show_recovery_code()
        self.ctx.changed.emit(Changes(settings=True))
        self.ctx.mode_changed.emit(self.ctx.mode)
        self.accept()

    def _show_recovery_code(self) -> None:
        # Shown after this dialog closes (not nested in it), parented to the window behind it.
        box = QMessageBox(self.parentWidget())
        box.setObjectName("recoveryCodeBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.ApplicationModal)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(_("Owner PIN"))
        box.setText(_("Recovery code: {code}").format(code=self.recovery_code))
        box.setInformativeText(
            _(
                "Write it down and keep it away from the counter: with it the owner can set a"
                " new PIN (shopcrm pin recover) if the PIN is forgotten."
            )
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.recovery_box = box
        box.show()

    def remove_pin(self) -> None:
        if not self._current_ok():
            return
        auth.clear_pin(self.ctx.db)
        self.ctx.changed.emit(Changes(settings=True))
        self.ctx.mode_changed.emit(self.ctx.mode)
        self.accept()


def set_owner_pin(ctx, parent=None) -> bool:
    """Open ``SetPinDialog``; True when the PIN was set, changed or removed."""
    dialog = SetPinDialog(ctx, parent)
    try:
        return dialog.exec() == SetPinDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


class IdleLock(QObject):
    """Relocks owner mode after ``owner_lock_minutes`` without a key press or mouse use."""

    ACTIVITY = frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
            QEvent.Type.TouchBegin,
        }
    )

    def __init__(self, ctx, app):
        super().__init__(app)
        self.ctx = ctx
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        ctx.settings_changed.connect(self.reload)
        ctx.mode_changed.connect(lambda _mode: self.restart())
        self.reload()
        app.installEventFilter(self)

    def interval_ms(self) -> int:
        return max(1, int(settings.get(self.ctx.db, "owner_lock_minutes"))) * 60_000

    def reload(self) -> None:
        self.timer.setInterval(self.interval_ms())
        self.restart()

    def restart(self) -> None:
        self.timer.start()

    def eventFilter(self, obj, event) -> bool:
        if event.type() in self.ACTIVITY and self.timer.isActive():
            self.timer.start()  # restart the countdown
        return False

    def lock(self) -> None:
        if self.ctx.owner_pin_set() and self.ctx.mode == "owner":
            self.ctx.set_owner_unlocked(False)
        self.timer.start()


def install_idle_lock(ctx, app) -> IdleLock:
    """Called once by the app shell at start (``app.build_main_window``): the idle lock."""
    ctx._idle_lock = IdleLock(ctx, app)
    return ctx._idle_lock
