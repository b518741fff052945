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
from shopcrm.cli.common import EXIT_INVALID, EXIT_STORAGE, CliContext, CliError
from shopcrm.cli.i18n_click import TranslatedGroup, install_click_translations, language_from_args
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import N_


class ShopGroup(TranslatedGroup):
    """Root group: a ``ValidationError`` anywhere below becomes a message naming the field; help
    and click's messages are in the language of ``--lang`` (else ``SHOPCRM_LANG``, the locale)."""

    group_class = TranslatedGroup  # subgroups translate their help, without the root's handling

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # ``--lang`` before anything is parsed, so even a parse error (an unknown option, a missing
        # value) and ``--help`` written before ``--lang`` are in the chosen language.
        lang = language_from_args(args, self.commands)
        if lang:
            from shopcrm import i18n

            i18n.set_language(lang)
        return super().parse_args(ctx, args)

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


def _set_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--lang`` is eager: the language is set before ``--help`` or ``--version`` is shown."""
    if value:
        from shopcrm import i18n

        i18n.set_language(value)
    return value


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from shopcrm.i18n import _

    click.echo(_("{prog}, version {version}").format(prog="shopcrm", version=__version__))
    ctx.exit()


@click.group(
    cls=ShopGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_("shopcrm: guests, visits, coupons and direct mail for a small shop."),
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="SHOPCRM_DB",
    help=N_("Database file (default: shopcrm.db in the user's data folder; env SHOPCRM_DB)."),
)
@click.option("--demo", is_flag=True, help=N_("Open the app on the demo izakaya's own database."))
@click.option(
    "--pin", default=None, help=N_("Owner PIN for owner-only commands (env SHOPCRM_PIN).")
)
@click.option(
    "--lang",
    type=click.Choice(["ja", "en"]),
    default=None,
    is_eager=True,
    callback=_set_language,
    help=N_("Language (ja or en; default: SHOPCRM_LANG, then the system's language)."),
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help=N_("Show the version and exit."),
)
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, demo: bool, pin: str | None, lang: str | None):
    from shopcrm import paths

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
        effect,
        line,
        print_cmd,
        visits,
    )


_register()
install_click_translations()  # after the commands are built: nothing is translated at import


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``shopcrm``, ``python -m shopcrm`` and ``python main.py``."""
    from shopcrm.paths import private_files

    private_files()  # every PDF, list, export and backup it writes is 0600
    cli.main(args=argv, prog_name="shopcrm")
