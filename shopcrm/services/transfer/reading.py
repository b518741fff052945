"""Files in: CSV (any encoding ``encodings`` detects; comma, tab or semicolon) and .xlsx, read as
text cells, streaming.

``open_file(path)`` reads only the head of the file (encoding, separator, the header row) and
gives a ``FileSource`` whose ``records()`` reads the rows one at a time, each time it is called:
a million-row file is never held in memory. ``preview(path)`` is the first rows only (the import
dialog's mapping page); ``read_table(path)`` is the whole file as a ``Table`` of lists (small
files: menu lists, tests). Both kinds of source give the same ``records()``: ``Record``s of the
line in the file, the cells, the columns Excel stored as numbers and whether undecodable bytes
were found. ``Fingerprint`` hashes the rows as text, streaming (an exact re-import is refused).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import os
import re
import zipfile
from collections import Counter
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple, Protocol

from openpyxl import load_workbook

from shopcrm.i18n import N_, _
from shopcrm.services.transfer import encodings
from shopcrm.services.transfer.mapping import KINDS, guess_mapping

HEAD_BYTES = 1 << 20  # the encoding and the separator are decided on the first MB
PREVIEW_ROWS = 50
HEADER_SEARCH = 10  # the header is one of the first 10 non-blank rows


class ImportFileError(ValueError):
    """The file itself cannot be read (not CSV or xlsx, empty, no header); ``str()`` is a
    sentence in the user's language."""

    def __init__(self, msgid: str, **params: object):
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params

    def __str__(self) -> str:
        text = _(self.msgid)
        return text.format(**self.params) if self.params else text


class Record(NamedTuple):
    """One non-blank row of the file below the header."""

    line: int  # line (CSV) or row (xlsx) in the file
    cells: list[str]
    numeric: frozenset[int]  # columns Excel stored as numbers
    unreadable: bool  # holds U+FFFD: bytes that could not be decoded


class Fingerprint:
    """A hash of the header and the rows as text: the same table saved again (another encoding,
    other line ends, CSV or .xlsx, blank lines) gives the same fingerprint."""

    def __init__(self, headers: Iterable[str] = ()):
        self._digest = hashlib.sha256()
        self._pending: list[str] = []  # rows hashed a thousand at a time (one encode, one update)
        self.update(list(headers))

    def update(self, cells: list[str]) -> None:
        trimmed = [c.strip() for c in cells]
        while trimmed and not trimmed[-1]:
            trimmed.pop()
        self._pending.append("\x1f".join(trimmed))
        if len(self._pending) >= 1000:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            text = "\x1e".join(self._pending) + "\x1e"
            self._digest.update(text.encode("utf-8", "surrogatepass"))
            self._pending = []

    def hexdigest(self) -> str:
        self._flush()
        return self._digest.hexdigest()


class Source(Protocol):
    """What the check and the write read rows from: a ``FileSource`` or a ``Table``."""

    headers: list[str]
    header_line: int
    encoding: str
    source: str

    def records(self) -> Iterator[Record]: ...

    def progress_total(self) -> int: ...

    def progress_done(self, rows: int) -> int: ...


@dataclass
class Table:
    """A file's content as text cells: headers, rows and each row's line in the file."""

    headers: list[str]
    rows: list[list[str]]
    lines: list[int]  # line (CSV) or row (xlsx) of each row; the header's is header_line
    header_line: int = 1
    encoding: str = ""  # "utf-8", "utf-8-sig", "cp932", "utf-16", "xlsx"
    source: str = ""
    numeric: set[tuple[int, int]] = field(default_factory=set)  # (row, col) stored as numbers
    unreadable: set[int] = field(default_factory=set)  # rows with undecodable bytes

    def records(self) -> Iterator[Record]:
        numeric: dict[int, set[int]] = {}
        for row, col in self.numeric:
            numeric.setdefault(row, set()).add(col)
        for index, cells in enumerate(self.rows):
            yield Record(
                self.lines[index],
                cells,
                frozenset(numeric.get(index, ())),
                index in self.unreadable,
            )

    def progress_total(self) -> int:
        return len(self.rows)

    def progress_done(self, rows: int) -> int:
        return rows

    def fingerprint(self) -> str:
        fp = Fingerprint(self.headers)
        for cells in self.rows:
            fp.update(cells)
        return fp.hexdigest()

    @classmethod
    def of(cls, source: Source, records: Iterable[Record]) -> Table:
        table = cls(
            headers=source.headers,
            rows=[],
            lines=[],
            header_line=source.header_line,
            encoding=source.encoding,
            source=source.source,
        )
        for index, rec in enumerate(records):
            table.rows.append(rec.cells)
            table.lines.append(rec.line)
            table.numeric.update((index, col) for col in rec.numeric)
            if rec.unreadable:
                table.unreadable.add(index)
        return table


# --- CSV ------------------------------------------------------------------------------------------

_DELIMITERS = (",", "\t", ";")
_SAMPLE_LINES = 50


def _delimiter(text: str) -> str:
    """The separator that gives the first lines a steady column count: a title line above the
    table (``顧客リスト\t2024年``, ``会員一覧; 3月``) does not decide it."""
    sample = "\n".join([line for line in text.splitlines() if line.strip()][:_SAMPLE_LINES])
    best, best_score = ",", (0, 0, 0)
    for d in _DELIMITERS:
        counts = Counter(
            len(row) for row in csv.reader(io.StringIO(sample), delimiter=d) if any(row)
        )
        steady = [(n * width, n, width) for width, n in counts.items() if width > 1]
        if not steady:
            continue
        # the cells in the rows of the steadiest width: a stray tab in two short rows does not
        # outweigh a five-column header
        score = max(steady)
        if score > best_score:
            best, best_score = d, score
    return best


_EXCEL_TEXT = re.compile(r'\s*="(.*)"\s*')


def _clean_cell(value: str) -> str:
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    if "=" in value:
        m = _EXCEL_TEXT.fullmatch(value)  # Excel's ="0901234..." trick keeps zeros
        if m:
            return m.group(1)
    return value


def _decode(data: bytes, encoding: str) -> tuple[str, str]:
    try:
        return encodings.decode(data, encoding)
    except encodings.UnknownEncoding:
        raise ImportFileError(N_("Unknown encoding {name}."), name=encoding) from None


def _head_sample(fh: IO[bytes], head: bytes) -> bytes:
    """The head cut at a line end, with the first non-ASCII line further down added when the
    head is all ASCII (a file whose Japanese starts after row 20,000 still decides cp932)."""
    end = head.rfind(b"\n") + 1 or len(head)
    if head[end : end + 1] == b"\x00":  # UTF-16-LE: the newline's second byte
        end += 1
    sample = head[:end]
    if sample.isascii() and b"\x00" not in sample:
        while chunk := fh.read(HEAD_BYTES):
            if not chunk.isascii():
                at = next(i for i, b in enumerate(chunk) if b > 0x7F)
                start = chunk.rfind(b"\n", 0, at) + 1
                stop = chunk.rfind(b"\n", at)
                sample += b"\n" + chunk[start : stop if stop > at else len(chunk)]
                break
    return sample


_STREAM_CODEC = {"utf-16": "utf-16", "utf-8-sig": "utf-8-sig"}


class _CsvFile:
    """Encoding and separator of a CSV file, decided on its head (a file under a MB: on all of
    it); ``lines()`` streams the file from disk each time, decoded as decided."""

    def __init__(self, path: Path, encoding: str):
        self.path = path
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
            sample = head if len(head) < HEAD_BYTES else _head_sample(fh, head)
        text, self.encoding = _decode(sample, encoding)
        self.delimiter = _delimiter(text)
        self.size = path.stat().st_size
        self._raw: IO[bytes] | None = None

    def position(self) -> int:
        return self._raw.tell() if self._raw is not None else 0

    def lines(self) -> Iterator[str]:
        codec = _STREAM_CODEC.get(self.encoding, self.encoding)
        with open(self.path, "rb") as raw:
            self._raw = raw
            fh = io.TextIOWrapper(raw, encoding=codec, errors="replace", newline="")
            first = fh.readline()
            yield first[1:] if first.startswith("\ufeff") else first
            yield from fh
        self._raw = None

    def rows(self) -> Iterator[tuple[int, list[str], frozenset[int]]]:
        csv.field_size_limit(64 * 1024 * 1024)
        reader = csv.reader(self.lines(), delimiter=self.delimiter)
        last = 0
        empty: frozenset[int] = frozenset()
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error:  # pragma: no cover - the reader is lenient; kept as a guard
                yield last + 1, ["\ufffd"], empty
                last = reader.line_num
                continue
            start, last = last + 1, reader.line_num
            yield start, [_clean_cell(c) for c in row], empty


# --- xlsx -----------------------------------------------------------------------------------------


def _xlsx_cell(value) -> tuple[str, bool]:
    """Cell text and whether Excel stored it as a number."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("1" if value else "0"), False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value)), True
        return repr(value), True
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat(), False
        return value.replace(microsecond=0).isoformat(sep=" "), False
    if isinstance(value, dt.date):
        return value.isoformat(), False
    if isinstance(value, dt.time):
        return value.replace(microsecond=0).isoformat(), False
    return _clean_cell(str(value)), False


XLSX_MAX_UNPACKED = 400 * 1024 * 1024  # bytes of XML: a full 1,048,576-row sheet of visits fits
XLSX_MAX_RATIO = 200  # packed/unpacked beyond this is a zip bomb, not a spreadsheet
XLSX_MAX_ROWS = 1_048_576  # Excel's own limit
XLSX_MAX_COLUMNS = 200


def _check_xlsx_size(path: str | os.PathLike) -> None:
    """Refuse a zip bomb before unpacking it: a 2.5 MB file once ran for over 300 s."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # load_workbook reports "not an Excel file"
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unpacked > XLSX_MAX_UNPACKED or (
        unpacked > 20 * 1024 * 1024 and unpacked / packed > XLSX_MAX_RATIO
    ):
        raise ImportFileError(
            N_(
                "{name} unpacks to {mb} MB, more than a spreadsheet of customers or visits can"
                " be; save it again from Excel, or as CSV."
            ),
            name=Path(path).name,
            mb=unpacked // (1024 * 1024),
        )


class _XlsxFile:
    """The first sheet of an .xlsx file, streamed by openpyxl's read-only mode."""

    encoding = "xlsx"

    def __init__(self, path: Path):
        self.path = path
        _check_xlsx_size(path)
        self.size = 0
        self._row = 0

    def _unreadable(self) -> ImportFileError:
        return ImportFileError(
            N_("{name} is not an Excel file (.xlsx) that can be read."), name=self.path.name
        )

    def position(self) -> int:
        return self._row

    def rows(self) -> Iterator[tuple[int, list[str], frozenset[int]]]:
        try:
            wb = load_workbook(str(self.path), read_only=True, data_only=True)
        except Exception as exc:  # a broken zip or XML fails in many ways; all: not readable
            raise self._unreadable() from exc
        try:
            ws = wb.worksheets[0]
            self.size = ws.max_row or 0
            rows = ws.iter_rows(values_only=True, max_col=XLSX_MAX_COLUMNS)
            for r, row in enumerate(rows, start=1):
                if r > XLSX_MAX_ROWS:
                    raise ImportFileError(
                        N_("{name} has more than {n} rows."), name=self.path.name, n=XLSX_MAX_ROWS
                    )
                cells, numeric = [], []
                for c, value in enumerate(row):
                    text, was_number = _xlsx_cell(value)
                    cells.append(text)
                    if was_number:
                        numeric.append(c)
                self._row = r
                yield r, cells, frozenset(numeric)
        except ImportFileError:
            raise
        except Exception as exc:
            raise self._unreadable() from exc
        finally:
            wb.close()


# --- the file as a source of records ----------------------------------------------------------


class FileSource:
    """A CSV or .xlsx file: the header read on opening, the rows streamed by ``records()``."""

    def __init__(self, path: str | os.PathLike, encoding: str = "auto"):
        self.path = Path(path).expanduser()
        self.source = str(self.path)
        self._file = _open(self.path, encoding)
        self.encoding = self._file.encoding
        self.headers: list[str] = []
        self.header_line = 1
        head = self._body()
        next(head, None)  # reads up to the header only
        head.close()

    def _body(self) -> Generator[tuple[int, list[str], frozenset[int]], None, None]:
        rows = (r for r in self._file.rows() if _filled(r[1]))
        head = list(itertools.islice(rows, HEADER_SEARCH))
        if not head:
            raise ImportFileError(N_("The file is empty."))
        # The header is the first of the first rows that names at least two known fields (a
        # title line above the table is skipped), else simply the first row.
        at = next(
            (i for i, r in enumerate(head) if max(len(guess_mapping(r[1], k)) for k in KINDS) >= 2),
            0,
        )
        line, headers, _numeric = head[at]
        headers = [h.strip() for h in headers]
        while headers and not headers[-1]:
            headers.pop()
        self.headers, self.header_line = headers, line
        yield from head[at + 1 :]
        yield from rows

    def records(self) -> Generator[Record, None, None]:
        """Every non-blank row below the header, read from the file as it goes."""
        for line, cells, numeric in self._body():
            yield Record(line, cells, numeric, "\ufffd" in "".join(cells))

    def progress_total(self) -> int:
        return max(self._file.size, 1)

    def progress_done(self, rows: int) -> int:
        """Bytes read so far (CSV) or the row reached (xlsx): ``progress_total`` is in them."""
        return self._file.position()

    def table(self, limit: int | None = None) -> Table:
        """The rows (the first ``limit`` only, if given) as a ``Table`` in memory."""
        records = self.records()
        try:
            return Table.of(self, itertools.islice(records, limit))
        finally:
            records.close()


def _filled(cells: list[str]) -> bool:
    """Whether a row has any value (blank lines and rows of empty cells are skipped)."""
    return bool(cells) and (bool(cells[0].strip()) or any(c.strip() for c in cells))


def _open(path: Path, encoding: str) -> _CsvFile | _XlsxFile:
    try:
        with open(path, "rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        raise ImportFileError(
            N_("Cannot read {name}: {reason}"), name=path.name, reason=exc.strerror or str(exc)
        ) from exc
    if magic[:4] == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm"):
        return _XlsxFile(path)
    if path.suffix.lower() == ".xls" or magic == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(
            N_("{name} is an old Excel file (.xls). Save it as .xlsx or CSV in Excel first."),
            name=path.name,
        )
    try:
        return _CsvFile(path, encoding)
    except OSError as exc:
        raise ImportFileError(
            N_("Cannot read {name}: {reason}"), name=path.name, reason=exc.strerror or str(exc)
        ) from exc


def open_file(path: str | os.PathLike, encoding: str = "auto") -> FileSource:
    """A CSV (any of the encodings above, comma/tab/semicolon separated) or .xlsx file, its
    header read; its rows are read when ``records()`` is iterated."""
    return FileSource(path, encoding)


def preview(path: str | os.PathLike, encoding: str = "auto", rows: int = PREVIEW_ROWS) -> Table:
    """The header and the first ``rows`` rows only (the import dialog's mapping page)."""
    return open_file(path, encoding).table(rows)


def read_table(path: str | os.PathLike, encoding: str = "auto") -> Table:
    """The whole file as a ``Table`` in memory (small files; the import streams instead)."""
    return open_file(path, encoding).table()
