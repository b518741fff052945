"""Aligned terminal output for the commands: column widths that count a full-width Japanese
character as two, tables (``echo_table``) and label/value lists (``echo_fields``)."""

from __future__ import annotations

from collections.abc import Sequence

import click

from shopcrm.domain.text import display_width


def echo_table(headers: list[str], rows: list[list[str]], right: tuple[int, ...] = ()) -> None:
    """Print ``rows`` under ``headers`` as aligned columns (``right``: right-aligned columns)."""
    widths = [display_width(h) for h in headers]
    for row in rows:
        widths = [max(w, display_width(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        out = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            pad = " " * (width - display_width(cell))
            out.append(pad + cell if i in right else cell + pad)
        return "  ".join(out).rstrip()

    click.echo(line(headers))
    click.echo("  ".join("-" * w for w in widths))
    for row in rows:
        click.echo(line(row))


def echo_fields(fields: Sequence[tuple[str, str]], *, skip_empty: bool = False) -> None:
    """Print ``label  value`` lines, indented two spaces, the values aligned after the widest
    label (of all of them, so lines left out with ``skip_empty`` do not shift the others)."""
    width = max(display_width(label) for label, _value in fields)
    for label, value in fields:
        if value or not skip_empty:
            click.echo(f"  {label}{' ' * (width - display_width(label))}  {value}")
