"""Where a command may write its output: never over the shop's database or its files, never
into the backups folder (``check_output_path``). Apart from ``paths`` because the refusal is a
sentence in the user's language, and ``i18n`` itself needs ``paths`` (through ``resources``).
"""

from __future__ import annotations

import os
from pathlib import Path

from shopcrm.i18n import _


class OutputRefused(ValueError):
    """An output path that would overwrite the shop's own files; ``str()`` is a sentence in the
    user's language."""


def check_output_path(out: str | os.PathLike, db_path: str | os.PathLike, *, backup: bool = False):
    """Refuse to write a PDF, CSV or JSON over the database, its ``-wal``/``-shm``/lock files, or
    into the backups folder (``backup=True``: a backup may go there). Symlinks and other spellings
    of the same file are seen through."""
    target = Path(out).expanduser().resolve()
    db = Path(db_path).expanduser().resolve()
    own = {db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal", ".lock"))}
    own.add(db.with_name(db.name + ".migrate.lock"))
    if target in own:
        raise OutputRefused(
            _(
                "{path} is the shop's database (or one of its files): choose another file name."
            ).format(path=out)
        )
    backups = db.parent / "backups"
    if not backup and (target == backups or backups in target.parents):
        raise OutputRefused(
            _("{path} is in the backups folder: choose a file outside it.").format(path=out)
        )
    return target
