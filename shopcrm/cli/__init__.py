"""The ``shopcrm`` command: no subcommand opens the desktop app, a subcommand runs the command line.

Each area keeps its commands in its own module below; this module builds the root group, the
``--db``/``--demo``/``--pin`` options and turns ``ValidationError`` into a message naming the field.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click

from shopcrm import __version__
from shopcrm.cli.common import EXIT_INVALID, CliContext, CliError
from shopcrm.domain.rules import ValidationError

EXIT_STORAGE = 4  # the disk or file refused the write


class ShopGroup(click.Group):
    """Root group: a ``ValidationError`` anywhere below becomes a message naming the field."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ValidationError as exc:
            raise CliError(str(exc), EXIT_INVALID) from exc
        except (sqlite3.Error, OSError) as exc:
            # A full disk, a read-only or damaged file: a sentence, not a traceback. The
            # transaction was rolled back, so nothing is half-written.
            from shopcrm.store.backup import storage_error_message

            message = storage_error_message(exc)
            if message is None:
                raise
            raise CliError(message, EXIT_STORAGE) from exc


@click.group(
    cls=ShopGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="SHOPCRM_DB",
    help="Database file (default: shopcrm.db in the user's data folder; env SHOPCRM_DB).",
)
@click.option("--demo", is_flag=True, help="Open the app on the demo izakaya's own database.")
@click.option("--pin", default=None, help="Owner PIN for owner-only commands (env SHOPCRM_PIN).")
@click.option("--lang", type=click.Choice(["ja", "en"]), default=None, help="Language (ja or en).")
@click.version_option(__version__, prog_name="shopcrm")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, demo: bool, pin: str | None, lang: str | None):
    """shopcrm: guests, visits, coupons and direct mail for a small shop."""
    from shopcrm import i18n, paths

    if lang:
        i18n.set_language(lang)
    if demo:
        db_path = paths.demo_db_path()
    ctx.obj = CliContext(db_path or paths.default_db_path(), pin=pin)
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        from shopcrm.app import run

        sys.exit(run(ctx.obj.db_path, demo=demo))


def _register() -> None:
    # Each module adds its commands to ``cli``; imported here so the order is the help's order.
    from shopcrm.cli import (  # noqa: F401
        analytics,
        coupons,
        customers,
        data,
        demo,
        print_cmd,
        visits,
    )


_register()


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``shopcrm``, ``python -m shopcrm`` and ``python main.py``."""
    cli.main(args=argv, prog_name="shopcrm")
