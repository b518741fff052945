"""Options several commands share, declared once so they read and behave the same everywhere."""

from __future__ import annotations

from pathlib import Path

import click


def output_file(help: str, *, dest: str = "output", required: bool = True):
    """``-o/--output FILE``: the file a command writes (a folder is refused), as a ``Path`` in
    ``dest``. ``help`` is an ``N_()`` msgid, translated when the help is shown."""
    return click.option(
        "-o",
        "--output",
        dest,
        required=required,
        type=click.Path(dir_okay=False, path_type=Path),
        help=help,
    )
