"""The ``shopcrm`` command: no subcommand opens the desktop app, a subcommand runs the command line.

Each area keeps its commands in its own module below; ``cli/root.py`` builds the root group, the
``--db``/``--demo``/``--pin`` options and turns ``ValidationError`` into a message naming the field.
This module imports every command module (so the order here is the help's order) and ``main``.
"""

from __future__ import annotations

from shopcrm.cli import (  # noqa: F401  (each module adds its commands to ``cli``)
    analytics,
    coupons,
    customers,
    data,
    demo,
    effect,
    email,
    line,
    print_cmd,
    visits,
)
from shopcrm.cli.i18n_click import install_click_translations
from shopcrm.cli.root import cli
from shopcrm.paths import private_files

__all__ = ["cli", "main"]

install_click_translations()  # after the commands are built: nothing is translated at import


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``shopcrm``, ``python -m shopcrm`` and ``python main.py``."""
    private_files()  # every PDF, list, export and backup it writes is 0600
    cli.main(args=argv, prog_name="shopcrm")
