"""Help and click's own messages in the user's language: ``TranslatedCommand``/``TranslatedGroup``.

Help texts are English msgids (``help=N_("...")``) translated when the help is FORMATTED, never at
import: ``--lang`` chooses the language after every module was imported. click's own words
("Usage:", "Options", "Missing option", "Invalid value for ...") come from ``gettext.gettext``
bound as ``_`` in each click module; ``install_click_translations()`` points those names at
``shopcrm.i18n``, whose Japanese for them is in ``resources/i18n/ja/cli.po``. Japanese text is
wrapped by display width (a kanji takes two terminal columns), English exactly as click does.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import re
from collections.abc import Iterable

import click
from click.utils import _make_default_short_help

from shopcrm import i18n
from shopcrm.domain.text import NO_LINE_END, NO_LINE_START, display_width, has_wide

HELP_OPTION_HELP = "Show this message and exit."  # click's msgid, translated in cli.po

# -- line breaking --------------------------------------------------------------------------------

# Display width and kinsoku come from shopcrm.domain.text: a NO_LINE_START character hangs at the
# end of the previous line instead of starting one; a NO_LINE_END one moves down.
# Latin words and digits stay whole; each Japanese character may end a line.
_TOKEN = re.compile(
    r"\s+|[^\s\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffee]+|."
)


def truncate(text: str, width: int, placeholder: str = "…") -> str:
    """``text`` cut to at most ``width`` columns, ending in ``placeholder`` when cut."""
    if display_width(text) <= width:
        return text
    out, used = [], display_width(placeholder)
    for ch in text:
        w = display_width(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out).rstrip() + placeholder


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """One paragraph wrapped to ``width`` columns, Japanese broken between characters."""
    lines: list[str] = []
    line, used, space = indent, display_width(indent), False
    for token in _TOKEN.findall(text):
        if token.isspace():
            space = used > display_width(indent)
            continue
        piece = (" " if space else "") + token
        space = False
        fits = used + display_width(piece) <= width
        if not fits and line.strip():
            body, carry, hang = line[len(indent) :], "", False
            if token[0] in NO_LINE_START and piece[0] != " ":
                # 。 or ） may not start a line: the character before it moves down with it
                while body and body[-1] in NO_LINE_START:
                    carry, body = body[-1] + carry, body[:-1]
                if len(body) >= 2 and has_wide(body[-1]):
                    carry, body = body[-1] + carry, body[:-1]
                else:
                    hang = True  # nothing sensible to carry: it hangs past the edge
            if not hang:
                # （ or 「 may not end a line: it moves down too
                while len(body) > 1 and body[-1] in NO_LINE_END:
                    carry, body = body[-1] + carry, body[:-1]
                lines.append((indent + body).rstrip())
                line = indent + carry
                used, piece = display_width(line), token
        line += piece
        used += display_width(piece)
    if line.strip():
        lines.append(line.rstrip())
    return lines


def wrap_paragraphs(text: str, width: int, indent: str = "") -> str:
    """Paragraphs (blank-line separated) re-wrapped; a paragraph starting with ``\\b`` kept."""
    out = []
    for para in re.split(r"\n\s*\n", text.strip()):
        if para.startswith("\b"):
            out.append("\n".join(indent + ln for ln in para[1:].strip("\n").splitlines()))
        else:
            out.append("\n".join(wrap(" ".join(para.split()), width, indent)))
    return "\n\n".join(out)


class ShopHelpFormatter(click.HelpFormatter):
    """click's formatter, but Japanese text is measured in terminal columns."""

    def write_text(self, text: str) -> None:
        if not has_wide(text):
            return super().write_text(text)
        self.write(wrap_paragraphs(text, self.width, " " * self.current_indent))
        self.write("\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        if not any(has_wide(first) or has_wide(second) for first, second in rows):
            return super().write_dl(rows, col_max, col_spacing)
        first_col = min(max(display_width(first) for first, _s in rows), col_max) + col_spacing
        indent = " " * self.current_indent
        for first, second in rows:
            self.write(indent + first)
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            room = max(self.width - first_col - 2 - self.current_indent, 10)
            lines = wrap_paragraphs(second, room).splitlines() or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write((" " * (first_col + self.current_indent) + line).rstrip() + "\n")


class ShopContext(click.Context):
    formatter_class = ShopHelpFormatter


# -- commands and groups whose help is translated when shown ---------------------------------------


def _tr(text: str | None) -> str:
    return i18n._(text) if text else ""


def short_help(text: str, limit: int) -> str:
    """The first sentence of ``text`` (already translated), at most ``limit`` columns."""
    if not has_wide(text):
        return _make_default_short_help(text, limit)
    first = " ".join(text.partition("\n\n")[0].split())
    end = first.find("。")
    if end != -1:
        first = first[: end + 1]
    if display_width(first) > limit:
        # 「…を発行します（…）。」 -> 「…を発行します。」 rather than a cut mid-word
        head = re.split(r"[（(]", first, maxsplit=1)[0].rstrip(" :：、")
        if head and head != first and display_width(head) + 2 <= limit:
            first = head + ("。" if first.endswith("。") else "")
    return truncate(first, limit)


class TranslatedCommand(click.Command):
    """A command whose help is shown in the user's language: help, short help, options, epilog
    and the help option itself pass through ``shopcrm.i18n._`` when the help is formatted."""

    context_class: type[click.Context] = ShopContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_HELP  # cached by click in whatever language was current
        return option

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            text = inspect.cleandoc(_tr(self.short_help))
        elif self.help:
            text = short_help(inspect.cleandoc(_tr(self.help)).partition("\f")[0], limit)
        else:
            text = ""
        if self.deprecated:
            text = f"{text} ({i18n._('deprecated').upper()})"
        return text.strip()

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = inspect.cleandoc(_tr(self.help)).partition("\f")[0] if self.help else ""
        if self.deprecated:
            label = f"({i18n._('deprecated').upper()})"
            text = f"{text} {label}" if text else label
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def _translated_params(self, ctx: click.Context) -> list[click.Parameter]:
        params = []
        for param in self.get_params(ctx):
            if getattr(param, "help", None):
                param = copy.copy(param)
                param.help = _tr(param.help)
            params.append(param)
        return params

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        args = [p for p in self._translated_params(ctx) if isinstance(p, click.Argument)]
        if any(getattr(arg, "help", None) is not None for arg in args):
            with formatter.section(i18n._("Positional arguments")):
                formatter.write_dl([arg.get_help_record(ctx) for arg in args])

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for param in self._translated_params(ctx):
            if isinstance(param, click.Argument):
                continue
            record = param.get_help_record(ctx)
            if record is not None:
                rows.append(record)
        if rows:
            with formatter.section(i18n._("Options")):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.epilog:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(inspect.cleandoc(_tr(self.epilog)))


class TranslatedGroup(TranslatedCommand, click.Group):
    """A group whose help is shown in the user's language; its subcommands and subgroups are
    created translated too (``command_class``/``group_class``)."""

    command_class = TranslatedCommand
    group_class: type[click.Group | type] | None = type  # subgroups: this group's own class


# -- click's own messages ------------------------------------------------------------------------

_CLICK_MODULES = (
    "core",
    "decorators",
    "exceptions",
    "formatting",
    "parser",
    "termui",
    "types",
    "utils",
)


def install_click_translations() -> None:
    """Make click's messages follow ``shopcrm.i18n`` (looked up each time they are shown).

    click binds ``gettext.gettext``/``ngettext`` as module globals; replacing those names (and only
    in click's modules) is enough, as the functions look them up when called. No global gettext
    state changes, so other libraries are unaffected.
    """
    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            setattr(module, "_", i18n._)  # noqa: B010 (the name is click's, not an attribute)
        if hasattr(module, "ngettext"):
            setattr(module, "ngettext", i18n.ngettext)  # noqa: B010


def language_from_args(args: Iterable[str], commands: Iterable[str] = ()) -> str | None:
    """The value of ``--lang`` among the root command's arguments (those before the first of
    ``commands``), if a supported one."""
    args, commands = list(args), set(commands)
    for i, arg in enumerate(args):
        if arg == "--" or arg in commands:
            break
        value = None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in i18n.LANGUAGES:
            return value
    return None
