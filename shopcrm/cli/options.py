"""Options several commands share, declared once so they read and behave the same everywhere."""

from __future__ import annotations

from pathlib import Path

import click

from shopcrm.cli.common import CliContext
from shopcrm.output_paths import OutputRefused, check_output_path


def _not_the_database(backup: bool):
    def check(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
        obj = ctx.find_object(CliContext)
        if value is None or obj is None:
            return value
        try:
            check_output_path(value, obj.db_path, backup=backup)
        except OutputRefused as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from exc
        return value

    return check


def output_file(help: str, *, dest: str = "output", required: bool = True, backup: bool = False):
    """``-o/--output FILE``: the file a command writes (a folder is refused), as a ``Path`` in
    ``dest``. ``help`` is an ``N_()`` msgid, translated when the help is shown. The database,
    its -wal/-shm files and (unless ``backup``) the backups folder are refused."""
    return click.option(
        "-o",
        "--output",
        dest,
        required=required,
        type=click.Path(dir_okay=False, path_type=Path),
        callback=_not_the_database(backup),
        help=help,
    )
