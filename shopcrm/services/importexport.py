"""Customers and visits in from CSV and Excel, and customers, visits and coupons out.

Import is two steps, always:

1. ``read_table(path)`` reads the file (CSV in UTF-8, UTF-8 with BOM, Shift_JIS/cp932, EUC-JP,
   ISO-2022-JP or UTF-16 with or without BOM, detected without asking (``services/encodings.py``);
   or the first sheet of an .xlsx) and ``guess_mapping`` maps its
   headers (Japanese or English) to fields; the caller may correct the mapping.
2. ``plan_import(db, table, kind, mapping)`` is the dry run: every value goes through the domain
   rules (``rules.check_customer``, ``dates.parse_birthday`` ...), and the report lists every row
   that would fail (line in the file, column, value, reason), likely duplicates (same phone,
   email or membership code, or same name and reading; within the file and against the database)
   and warnings (a phone that lost its leading 0 in Excel and got it back).
   ``apply_import(db, plan)`` then writes all rows or none (default: any error refuses the whole
   file), or the valid rows only (``valid_only=True``) — always in ONE transaction, so a crash or
   a kill leaves either everything or nothing.

Export writes CSV (UTF-8 with BOM so Excel opens it; cp932 on request) or .xlsx with phone
numbers, postal and membership codes as text cells. Headers are in the user's language and map
straight back on import.

Long module: being split on another branch (pending).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from sqlite_utils import Database

from shopcrm.domain.cells import neutralise, safe_row
from shopcrm.domain.models import Customer, Visit, VisitItem
from shopcrm.domain.rules import FIELD_LABELS, ValidationError
from shopcrm.i18n import N_, _, ngettext
from shopcrm.services import encodings
from shopcrm.store import address
from shopcrm.store import imports as store_imports

for _field, _label in (
    ("import_field", N_("Column")),
    ("customer_id", N_("Customer ID")),
    ("dm_consent", N_("DM consent")),
    ("do_not_mail", N_("Do not mail")),
):
    FIELD_LABELS.setdefault(_field, _label)

KINDS = ("customers", "visits")
EXPORT_KINDS = ("customers", "visits", "coupons")
MAX_TEXT = 1000  # characters in one cell (notes: MAX_NOTES)
MAX_NOTES = 10_000
CHUNK = 500  # rows between progress reports

Progress = Callable[[int, int], None]
CheckCancelled = Callable[[], None]  # raises to stop


# --- fields and header aliases ------------------------------------------------------------------

# field -> (label msgid, aliases). Aliases are compared after _header_key (NFKC, casefold, no
# spaces or punctuation), so "E-mail", "e mail" and "Ｅメール" are all one.
CUSTOMER_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "id": (N_("Customer ID"), ("id", "顧客id", "お客様id", "customerid", "顧客番号")),
    "code": (
        N_("Membership code"),
        (
            "会員番号",
            "会員id",
            "会員no",
            "会員コード",
            "メンバーid",
            "code",
            "membershipcode",
            "memberid",
            "memberno",
            "membershipno",
            "カード番号",
        ),
    ),
    "name": (
        N_("Name"),
        (
            "氏名",
            "名前",
            "お名前",
            "顧客名",
            "お客様名",
            "name",
            "fullname",
            "customername",
            "会員名",
        ),
    ),
    "kana": (
        N_("Reading (kana)"),
        (
            "フリガナ",
            "ふりがな",
            "カナ",
            "かな",
            "よみ",
            "ヨミ",
            "読み",
            "よみがな",
            "kana",
            "reading",
            "readingkana",
            "furigana",
            "氏名カナ",
            "氏名フリガナ",
            "フリガナ氏名",
            "名前カナ",
            "名前フリガナ",
            "セイメイ",
        ),
    ),
    "phone": (
        N_("Phone"),
        (
            "電話番号",
            "電話",
            "tel",
            "telephone",
            "phone",
            "phonenumber",
            "携帯",
            "携帯電話",
            "携帯番号",
            "携帯電話番号",
            "連絡先",
            "mobile",
            "電話番号携帯",
        ),
    ),
    "email": (
        N_("Email"),
        (
            "メール",
            "メールアドレス",
            "eメール",
            "email",
            "mail",
            "emailaddress",
            "mailaddress",
            "pcメール",
            "携帯メール",
        ),
    ),
    "line_id": (N_("LINE ID"), ("lineid", "line", "ラインid")),
    "postal_code": (
        N_("Postal code"),
        ("郵便番号", "〒", "postalcode", "zip", "zipcode", "postcode", "郵便"),
    ),
    "address": (N_("Address"), ("住所", "address", "ご住所", "所在地", "住所1")),
    "prefecture": (N_("Prefecture"), ("都道府県", "prefecture", "県")),
    "city": (N_("City"), ("市区町村", "city", "市町村")),
    "street": (N_("Street"), ("番地", "町名番地", "street", "住所2", "町域", "丁目番地")),
    "building": (
        N_("Building"),
        ("建物", "建物名", "建物名部屋番号", "マンション名", "building", "住所3", "アパート名"),
    ),
    "birthday": (
        N_("Birthday"),
        (
            "誕生日",
            "生年月日",
            "お誕生日",
            "birthday",
            "birthdate",
            "dateofbirth",
            "dob",
            "誕生年月日",
        ),
    ),
    "channel": (
        N_("Acquisition channel"),
        (
            "来店きっかけ",
            "きっかけ",
            "流入経路",
            "集客経路",
            "経路",
            "channel",
            "source",
            "acquisitionchannel",
            "媒体",
            "認知経路",
        ),
    ),
    "tags": (N_("Tags"), ("タグ", "tags", "tag", "分類", "区分")),
    "notes": (N_("Notes"), ("メモ", "備考", "notes", "note", "memo", "コメント", "特記事項")),
    "dm_consent": (
        N_("DM consent"),
        (
            "dm可",
            "dm同意",
            "dm",
            "dm送付可",
            "dm希望",
            "dmconsent",
            "consent",
            "ダイレクトメール",
            "ダイレクトメール可",
            "案内送付",
            "案内可",
        ),
    ),
    "dm_consent_at": (
        N_("DM consent date"),
        ("dm同意日", "同意日", "dmconsentdate", "consentdate", "dmconsentat"),
    ),
    "dm_consent_channel": (
        N_("DM consent given by"),
        (
            "同意方法",
            "dm同意方法",
            "consentchannel",
            "dmconsentchannel",
            "consentgivenby",
            "dmconsentgivenby",
        ),
    ),
    "do_not_mail": (
        N_("Do not mail"),
        ("dm不可", "送付不可", "dm拒否", "donotmail", "nomail", "dm停止"),
    ),
    "created_at": (
        N_("Registered"),
        (
            "登録日",
            "登録日時",
            "入会日",
            "createdat",
            "created",
            "registered",
            "registeredon",
            "signup",
            "joined",
        ),
    ),
}

VISIT_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "customer_id": (N_("Customer ID"), ("顧客id", "お客様id", "customerid", "顧客番号", "id")),
    "code": CUSTOMER_FIELDS["code"],
    "phone": CUSTOMER_FIELDS["phone"],
    "name": CUSTOMER_FIELDS["name"],
    "kana": CUSTOMER_FIELDS["kana"],
    "visited_at": (
        N_("Date and time"),
        ("来店日時", "日時", "visitedat", "datetime", "visittime", "来店時間", "timestamp"),
    ),
    "date": (N_("Date"), ("来店日", "日付", "date", "visitdate", "来店年月日", "利用日", "年月日")),
    "time": (N_("Time"), ("時刻", "来店時刻", "time", "入店時刻", "入店時間")),
    "amount": (
        N_("Amount"),
        (
            "金額",
            "会計",
            "売上",
            "会計金額",
            "合計",
            "合計金額",
            "お会計",
            "利用金額",
            "amount",
            "total",
            "bill",
            "sales",
            "spent",
            "売上金額",
            "税込金額",
        ),
    ),
    "party_size": (
        N_("Party size"),
        ("人数", "来店人数", "partysize", "guests", "people", "pax", "名様", "人"),
    ),
    "items": (
        N_("Items"),
        (
            "注文",
            "品目",
            "注文品",
            "注文内容",
            "メニュー",
            "items",
            "orders",
            "order",
            "ordered",
            "商品",
            "内容",
        ),
    ),
    "staff": (N_("Staff"), ("担当", "担当者", "スタッフ", "staff", "接客")),
    "note": (N_("Notes"), ("メモ", "備考", "notes", "note", "memo", "コメント")),
}

IGNORE = ""  # mapping value: do not import this column


def fields_for(kind: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    return CUSTOMER_FIELDS if kind == "customers" else VISIT_FIELDS


def field_label(kind: str, name: str) -> str:
    spec = fields_for(kind).get(name)
    return _(spec[0]) if spec else name


_HEADER_DROP = re.compile(r"[\s\-_・.。、,:：/()（）\[\]「」【】*＊※]+")


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).casefold()
    return _HEADER_DROP.sub("", text)


def guess_mapping(headers: Sequence[str], kind: str) -> dict[int, str]:
    """Column index -> field for every header recognised (in English, Japanese, either
    language's label); a field is taken by its first matching column only."""
    specs = fields_for(kind)
    lookup: dict[str, str] = {}
    for name, (label, aliases) in specs.items():
        for alias in (name, label, *aliases):
            lookup.setdefault(_header_key(alias), name)
    from shopcrm.i18n import load_catalog

    catalog = load_catalog("ja")
    if catalog is not None:  # the Japanese label of a field is a header too (our own exports)
        for name, (label, _aliases) in specs.items():
            lookup.setdefault(_header_key(catalog.gettext(label)), name)
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for i, header in enumerate(headers):
        found = lookup.get(_header_key(header))
        if found and found not in taken:
            mapping[i] = found
            taken.add(found)
    return mapping


def parse_field_name(kind: str, text: str) -> str:
    """A field named by the user (``--map 列名=phone``, or "電話番号", or "-" to ignore)."""
    text = (text or "").strip()
    if text in ("", "-", "ignore", "skip", "無視"):
        return IGNORE
    specs = fields_for(kind)
    if text in specs:
        return text
    guessed = guess_mapping([text], kind)
    if guessed:
        return guessed[0]
    raise ValidationError(
        "import_field",
        N_("{name} is not a field; use one of: {fields}"),
        name=text,
        fields=", ".join(specs),
    )


def apply_overrides(
    headers: Sequence[str], mapping: dict[int, str], overrides: dict[str, str], kind: str
) -> dict[int, str]:
    """``{header or column number: field}`` corrections on top of ``mapping``."""
    mapping = dict(mapping)
    keys = [_header_key(h) for h in headers]
    for column, target in overrides.items():
        name = parse_field_name(kind, target)
        col = str(column).strip()
        if col.isdigit() and 1 <= int(col) <= len(headers):
            index = int(col) - 1
        elif _header_key(col) in keys:
            index = keys.index(_header_key(col))
        else:
            raise ValidationError(
                "import_field",
                N_("the file has no column {name}; its columns are: {columns}"),
                name=col,
                columns=", ".join(headers),
            )
        if name:
            for i, existing in list(mapping.items()):
                if existing == name:
                    del mapping[i]
            mapping[index] = name
        else:
            mapping.pop(index, None)
    return mapping


def required_fields(kind: str, mapping: dict[int, str]) -> list[str]:
    """Messages for fields the file must have but the mapping lacks (translated)."""
    have = set(mapping.values())
    missing = []
    if kind == "customers":
        if "name" not in have:
            missing.append(_("a name column (氏名 / Name)"))
    else:
        if not have & {"customer_id", "code", "phone"}:
            missing.append(_("a customer column (会員番号, 電話番号 or customer ID)"))
        if not have & {"visited_at", "date"}:
            missing.append(_("a date column (来店日 / Date)"))
        if "amount" not in have:
            missing.append(_("an amount column (金額 / Amount)"))
    return missing


# --- reading files ------------------------------------------------------------------------------


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

    def fingerprint(self) -> str:
        """A hash of the header and the rows as text: the same table saved again (another
        encoding, other line ends, CSV or .xlsx, blank lines) gives the same fingerprint."""
        digest = hashlib.sha256()
        for cells in [self.headers, *self.rows]:
            trimmed = [c.strip() for c in cells]
            while trimmed and not trimmed[-1]:
                trimmed.pop()
            digest.update("\x1f".join(trimmed).encode("utf-8", "surrogatepass") + b"\x1e")
        return digest.hexdigest()


def _decode(data: bytes, encoding: str) -> tuple[str, str]:
    try:
        return encodings.decode(data, encoding)
    except encodings.UnknownEncoding:
        raise ImportFileError(N_("Unknown encoding {name}."), name=encoding) from None


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


def _clean_cell(value: str) -> str:
    value = value.replace("\x00", "\ufffd")
    m = re.fullmatch(r'\s*="(.*)"\s*', value)  # Excel's ="0901234..." trick keeps zeros
    return m.group(1) if m else value


def read_csv_bytes(data: bytes, encoding: str = "auto", source: str = "") -> Table:
    text, used = _decode(data, encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    csv.field_size_limit(64 * 1024 * 1024)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    records: list[tuple[int, list[str]]] = []
    last = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:  # pragma: no cover - the reader is lenient; kept as a guard
            records.append((last + 1, ["\ufffd"]))
            last = reader.line_num
            continue
        start, last = last + 1, reader.line_num
        records.append((start, [_clean_cell(c) for c in row]))
    return _table_from(records, used, source, {})


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
    import zipfile

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


def read_xlsx(path: str | os.PathLike, source: str = "") -> Table:
    from openpyxl import load_workbook

    def unreadable(exc: BaseException) -> ImportFileError:
        return ImportFileError(
            N_("{name} is not an Excel file (.xlsx) that can be read."), name=Path(path).name
        )

    _check_xlsx_size(path)
    try:
        wb = load_workbook(str(path), read_only=True, data_only=True)
    except Exception as exc:  # a broken zip or XML fails in many ways; all mean "not readable"
        raise unreadable(exc) from exc
    try:
        ws = wb.worksheets[0]
        records: list[tuple[int, list[str]]] = []
        numeric_cells: dict[int, set[int]] = {}
        rows = ws.iter_rows(values_only=True, max_col=XLSX_MAX_COLUMNS)
        for r, row in enumerate(rows, start=1):
            if r > XLSX_MAX_ROWS:
                raise ImportFileError(
                    N_("{name} has more than {n} rows."), name=Path(path).name, n=XLSX_MAX_ROWS
                )
            cells = []
            for c, value in enumerate(row):
                text, was_number = _xlsx_cell(value)
                cells.append(text)
                if was_number:
                    numeric_cells.setdefault(r, set()).add(c)
            records.append((r, cells))
    except ImportFileError:
        raise
    except Exception as exc:
        raise unreadable(exc) from exc
    finally:
        wb.close()
    return _table_from(records, "xlsx", source, numeric_cells)


def _table_from(records, encoding, source, numeric_cells) -> Table:
    records = [(line, cells) for line, cells in records if any(c.strip() for c in cells)]
    if not records:
        raise ImportFileError(N_("The file is empty."))
    # The header is the first of the first rows that names at least two known fields (a title
    # line above the table is skipped), else simply the first row.
    header_at = 0
    for i, (_line, cells) in enumerate(records[:10]):
        if max(len(guess_mapping(cells, k)) for k in KINDS) >= 2:
            header_at = i
            break
    header_line, headers = records[header_at]
    headers = [h.strip() for h in headers]
    while headers and not headers[-1]:
        headers.pop()
    body = records[header_at + 1 :]
    table = Table(
        headers=headers,
        rows=[cells for _l, cells in body],
        lines=[line for line, _c in body],
        header_line=header_line,
        encoding=encoding,
        source=source,
    )
    for index, (line, cells) in enumerate(body):
        if any("\ufffd" in c for c in cells):
            table.unreadable.add(index)
        for col in numeric_cells.get(line, ()):
            table.numeric.add((index, col))
    return table


def read_table(path: str | os.PathLike, encoding: str = "auto") -> Table:
    """Read a CSV (any of the encodings above, comma/tab/semicolon separated) or .xlsx file."""
    path = Path(path).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            N_("Cannot read {name}: {reason}"), name=path.name, reason=exc.strerror or str(exc)
        ) from exc
    if data[:4] == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path, source=str(path))
    if path.suffix.lower() == ".xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(
            N_("{name} is an old Excel file (.xls). Save it as .xlsx or CSV in Excel first."),
            name=path.name,
        )
    return read_csv_bytes(data, encoding, source=str(path))


# --- the report ---------------------------------------------------------------------------------


@dataclass
class RowProblem:
    """A row that would fail (or a warning about one): line in the file, column, value, reason."""

    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class Duplicate:
    """A row that looks like another row of the file or a customer already in the database."""

    row: int
    by: str  # phone, email, code, name_kana, visit
    value: str
    other_row: int | None = None
    customer_id: int | None = None
    name: str = ""

    def describe(self) -> str:
        what = {
            "phone": _("same phone"),
            "email": _("same email"),
            "code": _("same membership code"),
            "name_kana": _("same name and reading"),
            "visit": _("same customer, time and amount"),
        }.get(self.by, self.by)
        if self.customer_id is not None:
            other = _("customer #{id} {name}").format(id=self.customer_id, name=self.name)
        else:
            other = _("row {row}").format(row=self.other_row)
        return _("{what} as {other}").format(what=what, other=other)

    def field_label(self) -> str:
        """The column(s) the rows share, in the user's language."""
        if self.by == "name_kana":
            return _("Name") + " / " + _("Reading (kana)")
        label = {
            "phone": N_("Phone"),
            "email": N_("Email"),
            "code": N_("Membership code"),
            "visit": N_("Date and time"),
        }.get(self.by)
        return _(label) if label else self.by

    def as_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["reason"] = self.describe()
        return d


@dataclass
class ImportReport:
    kind: str
    rows: int = 0  # data rows read (blank lines not counted)
    valid: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    imported: int = 0
    skipped: int = 0
    created_customers: int = 0
    dry_run: bool = True
    encoding: str = ""
    mapping: dict[str, str] = field(default_factory=dict)  # header -> field

    @property
    def error_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "valid": self.valid,
            "imported": self.imported,
            "skipped": self.skipped,
            "created_customers": self.created_customers,
            "encoding": self.encoding,
            "mapping": self.mapping,
            "errors": [e.as_dict() for e in self.errors],
            "duplicates": [d.as_dict() for d in self.duplicates],
            "warnings": [w.as_dict() for w in self.warnings],
        }

    def summary(self) -> str:
        if self.dry_run:
            text = _(
                "Dry run: {valid} of {rows} rows can be imported, {bad} rows have errors,"
                " {dups} likely duplicates."
            )
        elif self.kind == "visits":
            text = _(
                "Imported {imported} of {rows} rows ({skipped} skipped); {created} new customers."
            )
        else:
            text = _("Imported {imported} of {rows} rows ({skipped} skipped).")
        return text.format(
            valid=self.valid,
            rows=self.rows,
            bad=len(self.error_rows),
            dups=len(self.duplicates),
            imported=self.imported,
            skipped=self.skipped,
            created=self.created_customers,
        )


class ImportRefused(ValueError):
    """The file has errors and the caller asked for all or nothing: nothing was written."""

    def __init__(self, report: ImportReport):
        super().__init__(report)
        self.report = report

    def __str__(self) -> str:
        return _(
            "Nothing was imported: {bad} rows have errors. Fix them, or import the valid rows"
            " only (--valid-only)."
        ).format(bad=len(self.report.error_rows))


class AlreadyImported(ValueError):
    """The same rows were imported before: nothing was written (``allow_duplicates`` imports
    them again)."""

    def __init__(self, previous: store_imports.ImportRecord):
        super().__init__(previous)
        self.previous = previous

    def __str__(self) -> str:
        p = self.previous
        return ngettext(
            "Nothing was imported: this file ({name}) was already imported on {date}"
            " ({imported} row). Importing it again would count every row twice.",
            "Nothing was imported: this file ({name}) was already imported on {date}"
            " ({imported} rows). Importing it again would count every row twice.",
            p.imported,
        ).format(
            name=p.source or "-",
            date=p.imported_at.strftime("%Y-%m-%d %H:%M"),
            imported=p.imported,
        )

    @staticmethod
    def notice(previous: store_imports.ImportRecord) -> str:
        """Said before importing (the wizard's check page): what will happen, not what did."""
        return ngettext(
            "This file ({name}) was already imported on {date} ({imported} row). It is imported"
            " again only if you ask for rows already in the database (below).",
            "This file ({name}) was already imported on {date} ({imported} rows). It is imported"
            " again only if you ask for rows already in the database (below).",
            previous.imported,
        ).format(
            name=previous.source or "-",
            date=previous.imported_at.strftime("%Y-%m-%d %H:%M"),
            imported=previous.imported,
        )


class PlannedVisit(NamedTuple):
    """A visit row that passed the dry run, as compact as it can be (a million are kept)."""

    customer_id: int | None
    create_code: str | None  # a membership code to register the guest with, when new
    create_name: str
    create_kana: str
    visited_at: dt.datetime
    amount: int
    party_size: int
    items: tuple[tuple[str, int], ...]  # (name, quantity)
    staff: str
    note: str

    def as_visit(self, customer_id: int | None = None) -> Visit:
        return Visit(
            customer_id=self.customer_id if customer_id is None else customer_id,
            visited_at=self.visited_at,
            amount=self.amount,
            party_size=self.party_size,
            items=[VisitItem(name=n, quantity=q) for n, q in self.items],
            staff=self.staff,
            note=self.note,
        )


@dataclass
class ImportPlan:
    """The dry run's result: the report and the rows ready to write."""

    kind: str
    report: ImportReport
    customers: list[tuple[int, Customer]] = field(default_factory=list)  # (line, customer)
    visits: list[tuple[int, PlannedVisit]] = field(default_factory=list)  # (line, visit)
    new_channels: list[str] = field(default_factory=list)
    duplicate_lines: set[int] = field(default_factory=set)  # rows duplicating the db
    fingerprint: str = ""  # Table.fingerprint(): an exact re-import is refused
    source: str = ""  # the file's name
    previous: store_imports.ImportRecord | None = None  # when these rows were imported before


# --- value helpers (reading only: every value is then judged by the domain rules) ----------------

_TRUE = {
    "1",
    "true",
    "yes",
    "y",
    "○",
    "〇",
    "◯",
    "◎",
    "✓",
    "✔",
    "可",
    "はい",
    "有",
    "あり",
    "同意",
    "同意済",
    "済",
    "ok",
    "希望",
    "要",
    "x",
}
_FALSE = {
    "0",
    "false",
    "no",
    "n",
    "×",
    "✕",
    "☓",
    "不可",
    "いいえ",
    "無",
    "なし",
    "未",
    "拒否",
    "不要",
    "-",
    "ー",
    "—",
    "否",
    "非同意",
    "希望しない",
}


def _flag(text: str, field_name: str) -> bool:
    key = unicodedata.normalize("NFKC", text).strip().casefold()
    if not key or key in _FALSE:
        return False
    if key in _TRUE:
        return True
    raise ValidationError(field_name, N_("write yes or no (○ or ×, 1 or 0)"))


def _lost_zero(value: str, digits_ok: Callable[[str], str], lengths: tuple[int, ...]) -> str | None:
    """A number Excel stored without its leading 0 -> the fixed value, if that then passes."""
    raw = unicodedata.normalize("NFKC", value).strip()
    if raw.endswith(".0"):
        raw = raw[:-2]
    if not raw.isdigit() or raw.startswith("0") or len(raw) not in lengths:
        return None
    try:
        return digits_ok("0" + raw)
    except ValidationError:
        return None


def _items(text: str) -> list[VisitItem]:
    items = []
    for part in re.split(r"[、,，;；/／\n|]+", unicodedata.normalize("NFKC", text or "")):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(.+?)\s*[x×X*]\s*(\d{1,4})", part)
        name, qty = (m.group(1).strip(), int(m.group(2))) if m else (part, 1)
        items.append(VisitItem(name=name, quantity=qty))
    return items


def _too_long(value: str, limit: int) -> ValidationError | None:
    if len(value) > limit:
        return ValidationError(
            "import_field",
            N_("is too long ({count} characters; at most {max})"),
            count=len(value),
            max=limit,
        )
    return None


# --- the dry run --------------------------------------------------------------------------------


class _Row:
    """One row's cells by field, with a way to report a problem on the right column."""

    def __init__(self, plan, table, index, mapping):
        self.line = table.lines[index]
        self.index = index
        self.report = plan.report
        self.kind = plan.kind
        self.values: dict[str, str] = {}
        self.columns: dict[str, str] = {}
        self.numeric: set[str] = set()
        self.failed = False
        cells = table.rows[index]
        for col, name in mapping.items():
            value = cells[col] if col < len(cells) else ""
            self.values[name] = value.strip()
            self.columns[name] = table.headers[col] if col < len(table.headers) else str(col + 1)
            if (index, col) in table.numeric:
                self.numeric.add(name)

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def column_for(self, field_name: str) -> str:
        aliases = {
            "birthday": ("birthday",),
            "visited_at": ("visited_at", "date", "time"),
            "customer": ("code", "phone", "customer_id"),
            "prefecture": ("prefecture", "address"),
            "city": ("city", "address"),
            "street": ("street", "address"),
            "channel": ("channel",),
        }.get(field_name, (field_name,))
        for name in aliases:
            if name in self.columns:
                return self.columns[name]
        return (
            field_label(self.kind, field_name)
            if field_name in fields_for(self.kind)
            else (_(FIELD_LABEL_FALLBACK.get(field_name, field_name)))
        )

    def error(self, err: ValidationError, column_field: str | None = None) -> None:
        name = column_field or err.field
        column = self.column_for(name)
        value = self.values.get(name, "")
        if not value and name in ("visited_at", "customer"):
            value = " ".join(
                self.values.get(n, "")
                for n in ("date", "time", "code", "phone", "customer_id")
                if self.values.get(n)
            )
        self.report.errors.append(RowProblem(self.line, column, value[:200], err.message))
        self.failed = True

    def warn(self, field_name: str, value: str, reason: str) -> None:
        self.report.warnings.append(
            RowProblem(self.line, self.column_for(field_name), value[:200], reason)
        )


FIELD_LABEL_FALLBACK = {"customer": N_("Customer"), "visited_at": N_("Date and time")}


def _attempt(row: _Row, field_name: str, fn, *args):
    try:
        return fn(*args)
    except ValidationError as err:
        row.error(err, field_name)
        return None


def _check_lengths(row: _Row) -> None:
    breaks = sum(v.count("\n") for v in row.values.values())
    for name, value in row.values.items():
        if ("\n" in value or "\r" in value) and name not in ("notes", "note"):
            # A quote that was never closed swallows the next lines into this field: five guests
            # became "2 of 2 rows" with one name holding three other guests' lines.
            row.error(
                ValidationError(
                    "import_field",
                    N_(
                        'holds a line break: a stray quote (") probably joined lines {first}'
                        " to {last} of the file into one row; remove the quote and import again"
                    ),
                    first=row.line,
                    last=row.line + max(breaks, 1),
                ),
                name,
            )
            row.values[name] = ""
            continue
        err = _too_long(value, MAX_NOTES if name in ("notes", "note") else MAX_TEXT)
        if err:
            row.error(err, name)
            row.values[name] = ""


def _phone(row: _Row, field_name: str = "phone") -> str:
    from shopcrm.domain.rules import normalize_phone

    value = row.get(field_name)
    if not value:
        return ""
    try:
        return normalize_phone(value)
    except ValidationError as err:
        fixed = _lost_zero(value, normalize_phone, (9, 10))
        if fixed is None:
            row.error(err, field_name)
            return ""
        row.warn(
            field_name,
            value,
            _("the leading 0 was lost (stored as a number in Excel): read as {value}").format(
                value=fixed
            ),
        )
        return fixed


def _postal(row: _Row) -> str:
    from shopcrm.domain.rules import normalize_postal_code

    value = row.get("postal_code")
    if not value:
        return ""
    try:
        return normalize_postal_code(value)
    except ValidationError as err:
        fixed = _lost_zero(value, normalize_postal_code, (6,))
        if fixed is None:
            row.error(err, "postal_code")
            return ""
        row.warn(
            "postal_code",
            value,
            _("the leading 0 was lost (stored as a number in Excel): read as {value}").format(
                value=fixed
            ),
        )
        return fixed


def _moment(row: _Row, name: str, parse) -> dt.datetime | None:
    value = row.get(name)
    if not value:
        return None
    result = _attempt(row, name, parse, value)
    if isinstance(result, dt.date) and not isinstance(result, dt.datetime):
        result = dt.datetime.combine(result, dt.time())
    return result


def _customer_from(row: _Row, channels: dict[str, int | None]) -> Customer | None:
    from shopcrm.domain.dates import parse_birthday, parse_datetime
    from shopcrm.domain.rules import check_customer, customer_errors

    c = Customer(name=row.get("name"), kana=row.get("kana"))
    c.code = row.get("code") or None
    if c.code and c.code.endswith(".0") and "code" in row.numeric:
        c.code = c.code[:-2]
    c.phone = _phone(row)
    c.email = row.get("email")
    c.line_id = row.get("line_id")
    c.postal_code = _postal(row)
    if row.get("address"):
        # the postal data's one splitter (store/address.py): 四日市市 stays 四日市市
        pref, city, street, building = address.split_address(row.get("address"), c.postal_code)
        c.prefecture = row.get("prefecture") or pref
        c.city = row.get("city") or city
        c.street = row.get("street") or street
        c.building = row.get("building") or building
    else:
        c.prefecture, c.city, c.street = row.get("prefecture"), row.get("city"), row.get("street")
        c.building = row.get("building")
    if row.get("birthday"):
        b = _attempt(row, "birthday", parse_birthday, row.get("birthday"))
        if b is not None:
            c.birth_year, c.birth_month, c.birth_day = b.year, b.month, b.day
    if row.get("channel"):
        name = unicodedata.normalize("NFC", row.get("channel")).strip()
        c.channel = name
        c.channel_id = channels.get(name)
    c.tags = tuple(t.strip() for t in re.split(r"[,，、;；|／/]+", row.get("tags")) if t.strip())
    c.notes = row.get("notes")
    c.dm_consent = bool(_attempt(row, "dm_consent", _flag, row.get("dm_consent"), "dm_consent"))
    c.dm_consent_at = _moment(row, "dm_consent_at", parse_datetime)
    c.dm_consent_channel = row.get("dm_consent_channel")
    c.do_not_mail = bool(_attempt(row, "do_not_mail", _flag, row.get("do_not_mail"), "do_not_mail"))
    c.created_at = _moment(row, "created_at", parse_datetime)
    if c.dm_consent and c.dm_consent_at is None:
        c.dm_consent_at = c.created_at  # consent given at registration, if known
    try:
        ready = check_customer(c)
    except ValidationError:
        for err in customer_errors(c):
            row.error(err)
        return None
    return None if row.failed else ready


def plan_import(
    db: Database,
    table: Table,
    kind: str,
    mapping: dict[int, str] | None = None,
    *,
    create_customers: bool = False,
    progress: Progress | None = None,
    check_cancelled: CheckCancelled | None = None,
) -> ImportPlan:
    """The dry run: judge every row, find duplicates; writes nothing."""
    from shopcrm.domain.kana import search_key
    from shopcrm.store import customers as store_customers
    from shopcrm.store import file_rows

    mapping = guess_mapping(table.headers, kind) if mapping is None else mapping
    report = ImportReport(
        kind=kind,
        rows=len(table.rows),
        encoding=table.encoding,
        mapping={
            (table.headers[i] if i < len(table.headers) else str(i + 1)): name
            for i, name in sorted(mapping.items())
        },
    )
    fingerprint = table.fingerprint()
    plan = ImportPlan(
        kind=kind,
        report=report,
        fingerprint=fingerprint,
        source=Path(table.source).name,
        previous=store_imports.find(db, kind, fingerprint),
    )
    missing = required_fields(kind, mapping)
    if missing:
        raise ImportFileError(
            N_("The file needs {what}. Its columns are: {columns}. Map them with --map."),
            what=", ".join(missing),
            columns=", ".join(table.headers) or "-",
        )

    # What is already in the database, looked up once.
    existing: dict[tuple[str, str], tuple[int, str]] = {}
    phones: dict[str, list[tuple[int, str]]] = {}
    codes: dict[str, tuple[int, str]] = {}
    for cid, name, kana, phone, email, code in file_rows.customer_keys(db):
        if phone:
            phones.setdefault(phone, []).append((cid, name))
            existing.setdefault(("phone", phone), (cid, name))
        if email:
            existing.setdefault(("email", email.casefold()), (cid, name))
        if code:
            codes[code.casefold()] = (cid, name)
            existing.setdefault(("code", code.casefold()), (cid, name))
        if kana:
            existing.setdefault(
                ("name_kana", search_key(name) + "|" + search_key(kana)), (cid, name)
            )
    channels = {ch.name: ch.id for ch in store_customers.list_channels(db)}
    seen: dict[tuple[str, str], int] = {}

    def duplicates_of(line: int, keys: list[tuple[str, str, str]], db_too: bool = True):
        for by, key, shown in keys:
            if db_too and (by, key) in existing:
                cid, name = existing[(by, key)]
                report.duplicates.append(Duplicate(line, by, shown, customer_id=cid, name=name))
                plan.duplicate_lines.add(line)
            elif (by, key) in seen:
                report.duplicates.append(Duplicate(line, by, shown, other_row=seen[(by, key)]))
            seen.setdefault((by, key), line)

    total = len(table.rows)
    if kind == "customers":
        codes_in_file: dict[str, int] = {}
        for row in _rows(plan, table, mapping, progress, check_cancelled):
            c = _customer_from(row, channels)
            if c is None:
                continue
            if c.channel and c.channel_id is None:
                cid = store_customers.channel_id(db, c.channel)
                if cid is not None:
                    channels[c.channel] = cid
                    c = dataclasses.replace(c, channel_id=cid)
                elif c.channel not in plan.new_channels:
                    plan.new_channels.append(c.channel)
                    row.warn("channel", c.channel, _("a new acquisition channel will be added"))
            if c.code:
                key = c.code.casefold()
                if key in codes:
                    cid, name = codes[key]
                    row.error(
                        ValidationError(
                            "code",
                            N_("{code} is already used by customer #{id} {name}"),
                            code=c.code,
                            id=cid,
                            name=name,
                        )
                    )
                    continue
                if key in codes_in_file:
                    row.error(
                        ValidationError(
                            "code",
                            N_("{code} is also on row {row}"),
                            code=c.code,
                            row=codes_in_file[key],
                        )
                    )
                    continue
                codes_in_file[key] = row.line
            keys = []
            if c.phone:
                keys.append(("phone", c.phone, c.phone))
            if c.email:
                keys.append(("email", c.email.casefold(), c.email))
            if c.kana:
                keys.append(
                    (
                        "name_kana",
                        search_key(c.name) + "|" + search_key(c.kana),
                        f"{c.name} {c.kana}",
                    )
                )
            duplicates_of(row.line, keys)
            plan.customers.append((row.line, c))
        report.valid = len(plan.customers)
    else:
        _plan_visits(
            db, plan, table, mapping, create_customers, codes, phones, progress, check_cancelled
        )
        report.valid = len(plan.visits)
    if progress:
        progress(total, total)
    report.errors.sort(key=lambda e: e.row)
    return plan


def _rows(plan, table, mapping, progress, cancel):
    """Each readable row of ``table`` with its length and column-count problems reported,
    reporting progress and checking for a cancel every ``CHUNK`` rows."""
    total = len(table.rows)
    for index in range(total):
        if index % CHUNK == 0:
            if cancel:
                cancel()
            if progress:
                progress(index, total)
        row = _Row(plan, table, index, mapping)
        if _unreadable(row, table):
            continue
        _check_lengths(row)
        _too_many_columns(row, table)
        yield row


def _unreadable(row: _Row, table: Table) -> bool:
    if row.index not in table.unreadable:
        return False
    cells = table.rows[row.index]
    col = next((i for i, c in enumerate(cells) if "\ufffd" in c), 0)
    header = table.headers[col] if col < len(table.headers) else str(col + 1)
    row.report.errors.append(
        RowProblem(
            row.line,
            header,
            cells[col][:200] if col < len(cells) else "",
            _(
                "holds characters that cannot be read: save the file as UTF-8 or Shift_JIS"
                " (CSV) or as .xlsx"
            ),
        )
    )
    return True


def _too_many_columns(row: _Row, table: Table) -> None:
    cells = table.rows[row.index]
    extra = [c for c in cells[len(table.headers) :] if c.strip()]
    if extra:
        row.report.errors.append(
            RowProblem(
                row.line,
                str(len(table.headers) + 1),
                extra[0][:200],
                _(
                    "this row has {n} columns but the header has {m} (a comma inside a value"
                    " without quotes?)"
                ).format(n=len(cells), m=len(table.headers)),
            )
        )
        row.failed = True


def _plan_visits(db, plan, table, mapping, create_customers, codes, phones, progress, cancel):
    from shopcrm.domain.dates import check_visit_time, parse_datetime
    from shopcrm.domain.rules import validate_amount, validate_party_size
    from shopcrm.store import file_rows

    report = plan.report
    ids = file_rows.customer_ids(db)
    known_visits = file_rows.visit_keys(db)
    known_customers = {k[0] for k in known_visits}
    names_by_id = {cid: name for cid, name in codes.values()}
    new_codes: dict[str, int] = {}  # code -> line of the row that creates the customer
    seen_visits: dict[object, int] = {}
    items_of: dict[str, tuple] = {}  # the same order text, parsed once and shared
    for row in _rows(plan, table, mapping, progress, cancel):
        # the customer
        customer_id, create = None, None
        code = row.get("code")
        if code.endswith(".0") and "code" in row.numeric:
            code = code[:-2]
        code = unicodedata.normalize("NFKC", code).strip()
        if row.get("customer_id"):
            raw = unicodedata.normalize("NFKC", row.get("customer_id")).strip()
            if not raw.isdigit() or int(raw) not in ids:
                row.error(ValidationError("customer_id", N_("no customer has the ID {id}"), id=raw))
            elif ids[int(raw)]:
                row.error(ValidationError("customer_id", N_("this customer's record was erased")))
            else:
                customer_id = int(raw)
        elif code:
            if code.casefold() in codes:
                customer_id = codes[code.casefold()][0]
            elif code.casefold() in new_codes:
                create = code
            elif create_customers:
                create = code
                new_codes[code.casefold()] = row.line
            else:
                row.error(
                    ValidationError(
                        "code",
                        N_(
                            "no customer has the membership code {code}"
                            " (import with --create-customers to add them)"
                        ),
                        code=code,
                    )
                )
        elif row.get("phone"):
            phone = _phone(row)
            matches = phones.get(phone, []) if phone else []
            if phone and not matches:
                row.error(ValidationError("phone", N_("no customer has this phone number")))
            elif len(matches) > 1:
                row.error(
                    ValidationError(
                        "phone",
                        N_("{n} customers have this phone number; use the membership code"),
                        n=len(matches),
                    )
                )
            elif matches:
                customer_id = matches[0][0]
        else:
            row.error(ValidationError("customer", N_("says nothing about which customer")))
        # when
        when = None
        if row.get("visited_at"):
            when = _attempt(row, "visited_at", parse_datetime, row.get("visited_at"))
        elif row.get("date"):
            text = f"{row.get('date')} {row.get('time')}".strip()
            when = _attempt(
                row, "date" if not row.get("time") else "visited_at", parse_datetime, text
            )
        else:
            row.error(ValidationError("visited_at", N_("is required")))
        if when is not None:
            when = _attempt(row, "visited_at", check_visit_time, when)
        amount = _attempt(row, "amount", validate_amount, row.get("amount"))
        party = 1
        if row.get("party_size"):
            party = _attempt(row, "party_size", validate_party_size, row.get("party_size"))
        items = _items(row.get("items"))
        for item in items:
            if not 1 <= item.quantity <= 999:
                row.error(
                    ValidationError(
                        "items",
                        N_("the quantity of {item} must be between 1 and 999"),
                        item=item.name,
                    )
                )
        if row.failed:
            continue
        if create and create.casefold() in new_codes and new_codes[create.casefold()] == row.line:
            row.warn("code", create, _("a new customer will be registered with this code"))
        prepared = PlannedVisit(
            customer_id,
            create,
            row.get("name"),
            row.get("kana"),
            when,
            amount,
            party,
            items_of.setdefault(row.get("items"), tuple((i.name, i.quantity) for i in items)),
            row.get("staff"),
            row.get("note"),
        )
        stamp = when.replace(microsecond=0)
        seconds = stamp.toordinal() * 86_400 + stamp.hour * 3600 + stamp.minute * 60 + stamp.second
        # one int per visit (not a tuple with a text): a million of them fit in a few dozen MB
        key = (
            (customer_id << 80) | (seconds << 40) | amount
            if customer_id is not None
            else (create.casefold(), seconds, amount)
        )
        shown = None
        if customer_id is not None and customer_id in known_customers:
            shown = stamp.isoformat(sep=" ")
            if (customer_id, shown, amount) not in known_visits:
                shown = None
        if shown is not None:
            report.duplicates.append(
                Duplicate(
                    row.line,
                    "visit",
                    shown,
                    customer_id=customer_id,
                    name=names_by_id.get(customer_id, ""),
                )
            )
            plan.duplicate_lines.add(row.line)
        elif key in seen_visits:
            report.duplicates.append(
                Duplicate(row.line, "visit", stamp.isoformat(sep=" "), other_row=seen_visits[key])
            )
        seen_visits.setdefault(key, row.line)
        plan.visits.append((row.line, prepared))


# --- writing ------------------------------------------------------------------------------------


def apply_import(
    db: Database,
    plan: ImportPlan,
    *,
    valid_only: bool = False,
    skip_duplicates: bool = False,
    allow_duplicates: bool = False,
    progress: Progress | None = None,
    check_cancelled: CheckCancelled | None = None,
) -> ImportReport:
    """Write the planned rows in ONE transaction. With errors in the plan and not
    ``valid_only``, raise ``ImportRefused`` and write nothing. Any failure while writing (a
    disk full, a cancel) rolls everything back.

    Duplicates are opt-in: a file whose rows were imported before raises ``AlreadyImported``,
    and visits already in the database (same guest, time and amount) are left out, unless
    ``allow_duplicates``. Customers that look like ones already registered are imported unless
    ``skip_duplicates`` (a same name may be another person)."""
    if plan.report.errors and not valid_only:
        raise ImportRefused(plan.report)
    if not allow_duplicates and plan.fingerprint:
        previous = store_imports.find(db, plan.kind, plan.fingerprint)
        if previous is not None:
            raise AlreadyImported(previous)
    report = dataclasses.replace(plan.report, dry_run=False, errors=list(plan.report.errors))
    from shopcrm.store import customers as store_customers

    if plan.kind == "visits" and not allow_duplicates:
        skip_duplicates = True
    skip = plan.duplicate_lines if skip_duplicates else set()
    with db.atomic():
        if plan.kind == "customers":
            rows = [(line, c) for line, c in plan.customers if line not in skip]
            for name in plan.new_channels:
                store_customers.channel_id(db, name, create=True)
            ids = {n: store_customers.channel_id(db, n) for n in plan.new_channels}
            moment = dt.datetime.now().replace(microsecond=0)
            total = len(rows)
            from shopcrm.store import bulk

            with bulk.search_index_after(db):  # the search index filled once, at the end
                for start in range(0, total, CHUNK):
                    if check_cancelled:
                        check_cancelled()
                    if progress:
                        progress(start, total)
                    chunk = [_ready(c, ids, moment) for _line, c in rows[start : start + CHUNK]]
                    store_customers.insert_many(db, chunk)
            report.imported = total
        else:
            report.imported = _write_visits(
                db, plan, report, skip, valid_only, progress, check_cancelled
            )
        if progress:
            progress(report.imported, report.imported)
        if plan.fingerprint and report.imported:  # a file nothing came from can come again
            store_imports.record(
                db,
                plan.kind,
                plan.fingerprint,
                source=plan.source,
                rows=report.rows,
                imported=report.imported,
            )
    report.skipped = report.rows - report.imported
    return report


def _ready(c: Customer, channel_ids: dict[str, int | None], moment: dt.datetime) -> Customer:
    """The last touches at write time: a new channel's id, and a consent without a date is
    dated now (as registering a guest in the app would)."""
    changes: dict = {}
    if c.channel in channel_ids:
        changes["channel_id"] = channel_ids[c.channel]
    if c.dm_consent and c.dm_consent_at is None:
        changes["dm_consent_at"] = moment
    return dataclasses.replace(c, **changes) if changes else c


def _write_visits(db, plan, report, skip, valid_only, progress, cancel) -> int:
    """The planned visits, bulk-loaded (``bulk.visit_loader``: multi-row INSERTs, the customers'
    figures set once at the end) with the checks ``visits.record`` makes, so a row that would
    fail there is reported (or, without ``valid_only``, stops the import) the same way."""
    from shopcrm.store import bulk, file_rows, menu
    from shopcrm.store import customers as store_customers
    from shopcrm.store.customers import to_text

    created: dict[str, int] = {}
    erased = file_rows.customer_ids(db)  # id -> erased? as of now (the plan may be older)
    menu_items: dict[str, tuple[int | None, int | None]] = {}  # name -> (menu item id, price)
    moment = to_text(dt.datetime.now())
    done = 0
    total = len(plan.visits)

    def linked(name: str) -> tuple[int | None, int | None]:
        # as visits.record links a name to the menu (with the price of the day), once per name
        if name not in menu_items:
            item = menu.find_item(db, name)
            menu_items[name] = (item.id, item.price) if item else (None, None)
        return menu_items[name]

    def failed(line: int, err: ValidationError) -> None:
        report.errors.append(RowProblem(line, err.field_label, "", err.message))
        if not valid_only:
            raise err

    with bulk.visit_loader(db) as load:
        for n, (line, prepared) in enumerate(plan.visits):
            if n % CHUNK == 0:
                if cancel:
                    cancel()
                if progress:
                    progress(n, total)
            if line in skip:
                continue
            visit = prepared
            cid = prepared.customer_id
            code = prepared.create_code
            if cid is None and code:
                cid = created.get(code.casefold())
                if cid is None:
                    try:
                        with db.atomic():  # a savepoint: a customer that fails leaves no trace
                            existing = store_customers.find_by_code(db, code)
                            if existing is None:
                                existing = store_customers.create(
                                    db,
                                    Customer(
                                        name=prepared.create_name
                                        or _("Member {code}").format(code=code),
                                        kana=prepared.create_kana,
                                        code=code,
                                    ),
                                )
                                report.created_customers += 1
                    except ValidationError as err:
                        failed(line, err)
                        continue
                    assert existing.id is not None  # a stored customer
                    cid = existing.id
                    created[code.casefold()] = cid
                    erased[cid] = existing.erased_at is not None
            if cid is not None and cid not in erased:
                failed(line, ValidationError("customer", N_("no such customer")))
                continue
            if cid is not None and erased[cid]:
                failed(line, ValidationError("customer", N_("this customer's record was erased")))
                continue
            items = []
            for item_name, quantity in visit.items:
                name = (item_name or "").strip()
                menu_item_id, price = linked(name)
                items.append((menu_item_id, name, quantity, price))
            visited_at = to_text(visit.visited_at)
            assert visited_at is not None  # a prepared visit always has its date and time
            load.add(
                cid,
                visited_at,
                visit.amount,
                visit.party_size,
                (visit.staff or "").strip(),
                (visit.note or "").strip(),
                moment,
                items,
            )
            done += 1
    return done


def import_file(
    db: Database,
    path: str | os.PathLike,
    kind: str,
    *,
    dry_run: bool = False,
    valid_only: bool = False,
    create_customers: bool = False,
    skip_duplicates: bool = False,
    allow_duplicates: bool = False,
    encoding: str = "auto",
    overrides: dict[str, str] | None = None,
    progress: Progress | None = None,
    check_cancelled: CheckCancelled | None = None,
) -> ImportReport:
    """Read, dry-run and (unless ``dry_run``) write ``path`` — the command line's import."""
    table = read_table(path, encoding)
    mapping = guess_mapping(table.headers, kind)
    if overrides:
        mapping = apply_overrides(table.headers, mapping, overrides, kind)
    plan = plan_import(
        db,
        table,
        kind,
        mapping,
        create_customers=create_customers,
        progress=progress,
        check_cancelled=check_cancelled,
    )
    if dry_run:
        return plan.report
    return apply_import(
        db,
        plan,
        valid_only=valid_only,
        skip_duplicates=skip_duplicates,
        allow_duplicates=allow_duplicates,
        progress=progress,
        check_cancelled=check_cancelled,
    )


# --- export -------------------------------------------------------------------------------------

TEXT_COLUMNS = {"phone", "postal_code", "code", "customer_code", "line_id"}
EXPORT_LABELS = {
    **{name: spec[0] for name, spec in CUSTOMER_FIELDS.items()},
    "visit_count": N_("Visits"),
    "total_spent": N_("Total spent"),
    "first_visit_at": N_("First visit"),
    "last_visit_at": N_("Last visit"),
    "customer_id": N_("Customer ID"),
    "visited_at": N_("Date and time"),
    "party_size": N_("Party size"),
    "amount": N_("Amount"),
    "items": N_("Items"),
    "coupon_code": N_("Coupon code"),
    "staff": N_("Staff"),
    "note": N_("Notes"),
    "campaign": N_("Campaign"),
    "customer_code": N_("Membership code"),
    "issued_at": N_("Issued"),
    "valid_from": N_("Valid from"),
    "valid_until": N_("Valid until"),
    "redeemed_at": N_("Redeemed"),
    "voided_at": N_("Voided"),
}


# Added after the customer's own columns: safety information and what they like, in words.
PREFERENCE_COLUMNS = ("allergies", "preferences")
EXPORT_LABELS["allergies"] = N_("Allergies")
EXPORT_LABELS["preferences"] = N_("Preferences")


def preference_cells(prefs: list[tuple[str, str]]) -> list[str]:
    """[allergies, other preferences] as a person reads them: "えび、そば" and
    "大好き: 獺祭、好き: 枝豆、苦手: パクチー" (in the current language)."""
    from shopcrm.domain.models import PREFERENCE_LEVEL_LABELS

    allergies = "、".join(label for level, label in prefs if level == "allergy")
    grouped: dict[str, list[str]] = {}
    for level, label in prefs:
        if level != "allergy":
            grouped.setdefault(level, []).append(label)
    others = "、".join(
        f"{_(PREFERENCE_LEVEL_LABELS.get(level, level))}: {'・'.join(labels)}"
        for level, labels in grouped.items()
    )
    return [allergies, others]


def export_headers(what: str) -> list[str]:
    from shopcrm.store import file_rows

    columns = {
        "customers": file_rows.CUSTOMER_COLUMNS,
        "visits": file_rows.VISIT_COLUMNS,
        "coupons": file_rows.COUPON_COLUMNS,
    }[what]
    labels = []
    if what == "customers":
        columns = (*columns, *PREFERENCE_COLUMNS)
    for col in columns:
        if what == "visits" and col == "id":
            labels.append(_("Visit ID"))
        elif what == "visits" and col == "name":
            labels.append(_("Name"))
        else:
            labels.append(_(EXPORT_LABELS.get(col, col)))
    return labels


def _export_rows(db: Database, what: str):
    from shopcrm.store import file_rows

    if what == "customers":
        from shopcrm.store import preferences

        prefs = preferences.labels_by_customer(db)
        for values in file_rows.customer_rows(db):
            row = list(values)
            row.extend(preference_cells(prefs.get(row[0], [])))
            try:
                row[14] = "、".join(json.loads(row[14] or "[]"))
            except ValueError:
                row[14] = ""
            row[16] = 1 if row[16] else 0
            row[19] = 1 if row[19] else 0
            yield row
    elif what == "visits":
        yield from (list(r) for r in file_rows.visit_rows(db))
    elif what == "coupons":
        yield from (list(r) for r in file_rows.coupon_rows(db))
    else:
        raise ValueError(f"unknown export {what!r}")


def export(
    db: Database,
    what: str,
    path: str | os.PathLike,
    *,
    encoding: str = "utf-8-sig",
    progress: Progress | None = None,
) -> int:
    """Write customers, visits or coupons to ``path`` (.csv or .xlsx); returns the row count.

    The file is written beside its target and renamed when complete: never half a file.
    """
    from shopcrm.store import file_rows

    if what not in EXPORT_KINDS:
        raise ValueError(f"unknown export {what!r}")
    path = Path(path).expanduser()
    headers = export_headers(what)
    columns = {
        "customers": (*file_rows.CUSTOMER_COLUMNS, *PREFERENCE_COLUMNS),
        "visits": file_rows.VISIT_COLUMNS,
        "coupons": file_rows.COUPON_COLUMNS,
    }[what]
    total = file_rows.count(db, what)
    tmp = path.with_name(f".{path.name}.part")
    try:
        if path.suffix.lower() == ".xlsx":
            n = _write_xlsx(tmp, what, headers, columns, _export_rows(db, what), total, progress)
        else:
            n = _write_csv(tmp, headers, _export_rows(db, what), encoding, total, progress)
        if os.name == "posix":
            tmp.chmod(0o600)  # personal data: the user's eyes only
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return n


def _write_csv(path, headers, rows, encoding, total, progress) -> int:
    enc = {
        "cp932": "cp932",
        "shift_jis": "cp932",
        "sjis": "cp932",
        "utf-8": "utf-8",
        "utf8": "utf-8",
    }.get(encoding.lower(), "utf-8-sig")
    n = 0
    with open(path, "w", encoding=enc, errors="replace", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(headers)
        for n, row in enumerate(rows, start=1):
            writer.writerow(safe_row("" if v is None else v for v in row))
            if progress and n % CHUNK == 0:
                progress(n, total)
    return n


def _write_xlsx(path, what, headers, columns, rows, total, progress) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(
        title=_({"customers": "Customers", "visits": "Visits", "coupons": "Coupons"}[what])[:31]
    )
    ws.freeze_panes = "A2"
    widths = {"name": 16, "kana": 16, "email": 26, "notes": 30, "items": 30, "street": 20}
    for i, col in enumerate(columns):
        from openpyxl.utils import get_column_letter

        ws.column_dimensions[get_column_letter(i + 1)].width = widths.get(col, 12)
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    text_idx = {i for i, col in enumerate(columns) if col in TEXT_COLUMNS}
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def clean(v):  # control characters (pasted from elsewhere) cannot go into a sheet; no formulas
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", v)) if isinstance(v, str) else v

    n = 0
    for n, row in enumerate(rows, start=1):
        out: list[object] = []
        for i, v in enumerate(row):
            if v is None or v == "":
                out.append(None)  # no cell at all: smaller file, much faster
            elif i in text_idx:
                cell = WriteOnlyCell(ws, value=clean(str(v)))
                cell.number_format = "@"
                out.append(cell)
            else:
                out.append(clean(v))
        ws.append(out)
        if progress and n % CHUNK == 0:
            progress(n, total)
    wb.save(path)
    return n
