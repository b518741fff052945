"""The one CSV writer: every CSV the app writes (customer, visit and coupon exports, the birthday
list, the dashboard's tables) comes out of ``write_csv`` or ``csv_text``.

What every such file gets, so Excel on a Japanese PC opens it right:

* the encoding: UTF-8 with a BOM by default (Excel reads the BOM and shows Japanese text);
  ``"cp932"`` (Shift_JIS, for older software; a character it lacks, such as 𠮷, becomes ``?``)
  or plain ``"utf-8"`` on request;
* CRLF line ends (``\\r\\n``), as Excel writes them itself;
* no cell that runs as a formula (``domain.cells.safe_row``: ``=``, ``+``, ``-``, ``@``…
  get a leading apostrophe) and ``None`` as an empty cell;
* the file written beside its target and renamed when complete: never half a file.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from shopcrm.domain.cells import safe_row

LINE_END = "\r\n"
DEFAULT_ENCODING = "utf-8-sig"
_ENCODINGS = {
    "utf-8-sig": "utf-8-sig",
    "utf_8_sig": "utf-8-sig",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "cp932": "cp932",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
}
PROGRESS_EVERY = 500  # rows between progress reports


def csv_encoding(name: str | None) -> str:
    """The Python codec for an encoding name a user or caller gives ("Shift_JIS" -> cp932);
    anything unknown gives UTF-8 with a BOM."""
    return _ENCODINGS.get((name or "").strip().lower(), DEFAULT_ENCODING)


def _cells(row: Iterable[Any]) -> list[Any]:
    return safe_row("" if v is None else v for v in row)


def _write(fh, headers: Sequence[Any] | None, rows: Iterable[Iterable[Any]], progress, total):
    writer = csv.writer(fh, lineterminator=LINE_END)
    if headers is not None:
        writer.writerow(_cells(headers))
    n = 0
    for n, row in enumerate(rows, start=1):
        writer.writerow(_cells(row))
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, total)
    return n


def csv_text(headers: Sequence[Any] | None, rows: Iterable[Iterable[Any]]) -> str:
    """The CSV as text (no BOM): for the terminal or a test."""
    buf = io.StringIO()
    _write(buf, headers, rows, None, None)
    return buf.getvalue()


def write_csv(
    path: str | os.PathLike,
    headers: Sequence[Any] | None,
    rows: Iterable[Iterable[Any]],
    *,
    encoding: str | None = DEFAULT_ENCODING,
    private: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
    total: int | None = None,
) -> int:
    """Write ``headers`` (``None``: no header row) and ``rows`` to ``path``; the number of rows.

    ``private``: personal data, readable by the user only (mode 600 on Linux and macOS).
    ``progress(rows_written, total)`` is called every ``PROGRESS_EVERY`` rows."""
    path = Path(path).expanduser()
    tmp = path.with_name(f".{path.name}.part")
    try:
        with open(tmp, "w", encoding=csv_encoding(encoding), errors="replace", newline="") as fh:
            n = _write(fh, headers, rows, progress, total)
        if private and os.name == "posix":
            tmp.chmod(0o600)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return n
