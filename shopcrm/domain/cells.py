"""Spreadsheet cells that cannot run: formula-injection neutralising for every CSV and .xlsx export.

A guest's name such as ``=HYPERLINK("http://…","点击")`` typed at the counter or imported from a
list would become a live formula when the owner opens an export in Excel or LibreOffice. As
OWASP's "CSV Injection" page describes, a text cell that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return gets a leading apostrophe, so the program shows it as text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would read as a formula;
    numbers, dates and ``None`` unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(v) for v in row]
