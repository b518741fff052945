"""What every command shares: the context (database path, JSON output, PIN) and error reporting.

Commands raise ``ValidationError`` (field + message) or ``CliError``; ``main()`` turns both into a
message on stderr in the user's language and a non-zero exit, after the transaction rolled back.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

import click

from shopcrm.i18n import _, ngettext
from shopcrm.services import auth
from shopcrm.store import open_db
from shopcrm.store.db import read_only_note

# One exit code per kind of failure (the README's "The command line" lists them):
EXIT_PROBLEMS = (
    1  # the command ran and found something: not found, check found damage, import refused
)
EXIT_INVALID = 2  # bad input (an option, a field, a file's content): nothing written
EXIT_REFUSED = 3  # refused (needs the owner PIN, database in use, demo into a real shop ...)
EXIT_STORAGE = 4  # the disk or the file refused (full, read-only, damaged, busy): nothing written


class CliError(click.ClickException):
    """A message for the user (already translated) and an exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_INVALID):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(_("Error: {message}").format(message=self.format_message()), err=True)


class CliContext:
    """``ctx.obj`` of every command: opens the database on first use."""

    def __init__(self, db_path: Path, pin: str | None = None):
        self.db_path = db_path
        self.pin = pin if pin is not None else os.environ.get("SHOPCRM_PIN")
        self._db = None

    @property
    def db(self):
        if self._db is None:
            self._db = open_db(self.db_path)
            if getattr(self._db, "read_only", False):
                click.echo(read_only_note(), err=True)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


pass_cli = click.make_pass_decorator(CliContext)


def _default(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(value: Any) -> str:
    """JSON for ``--json`` output: dataclasses as objects, dates as ISO text, Japanese kept."""
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    return json.dumps(value, ensure_ascii=False, default=_default, indent=2)


def echo_json(value: Any) -> None:
    click.echo(to_json(value))


def require_owner(obj: CliContext) -> None:
    """Owner-only commands (revenue, export, import, merge, erase, restore, settings) call this
    first. Raises ``CliError`` (exit 3) when an owner PIN is set and ``--pin``/``SHOPCRM_PIN`` does
    not match. Until an owner PIN is set nothing is asked. Without ``--pin``/``SHOPCRM_PIN`` an
    interactive terminal is prompted (three tries); a script gets exit 3 and a message."""
    if getattr(obj, "_owner_ok", False):
        return

    if not auth.pin_is_set(obj.db):
        return
    _refuse_while_locked(obj)
    if obj.pin is not None:
        if not auth.verify_pin(obj.db, obj.pin):
            _refuse_while_locked(obj)
            raise CliError(_("Wrong owner PIN."), EXIT_REFUSED)
    elif sys.stdin is not None and sys.stdin.isatty():
        for _try in range(3):
            pin = click.prompt(_("Owner PIN"), hide_input=True, default="", show_default=False)
            if auth.verify_pin(obj.db, pin):
                break
            _refuse_while_locked(obj)
            click.echo(_("Wrong owner PIN."), err=True)
        else:
            raise CliError(_("Wrong owner PIN."), EXIT_REFUSED)
    else:
        raise CliError(
            _("This needs the owner PIN: give --pin PIN or set SHOPCRM_PIN."), EXIT_REFUSED
        )
    obj._owner_ok = True


def all_errors(errors) -> CliError:
    """One message for every bad field of a command (so the user fixes them in one go):
    "3 problems:" then "  Phone: ..." per field; a single one reads as before."""
    if len(errors) == 1:
        return CliError(str(errors[0]), EXIT_INVALID)
    head = ngettext("{n} problem:", "{n} problems:", len(errors)).format(n=len(errors))
    return CliError("\n".join([head, *(f"  {e}" for e in errors)]), EXIT_INVALID)


def _refuse_while_locked(obj: CliContext) -> None:
    reason = auth.locked_reason(obj.db)
    if reason:
        raise CliError(reason, EXIT_REFUSED)


def is_owner(obj: CliContext) -> bool:
    """True when revenue figures may be shown without asking: no PIN is set, or the right one
    was given (``--pin``/``SHOPCRM_PIN``). Never prompts."""
    if getattr(obj, "_owner_ok", False) or not auth.pin_is_set(obj.db):
        return True
    if obj.pin is None or auth.wait_seconds(obj.db):
        return False
    obj._owner_ok = auth.verify_pin(obj.db, obj.pin)
    return obj._owner_ok
