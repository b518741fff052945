"""One row of an import file, field by field: reading its values (yes/no, a lost leading 0,
the items of an order, lengths, phone and postal codes) and putting each problem on the right
column of the report. Every value is then judged by the domain rules (``rules.check_customer``,
``dates.parse_datetime`` ...); ``checking`` runs the rows of a file through them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

from shopcrm.domain.dates import parse_birthday, parse_datetime
from shopcrm.domain.models import Customer, VisitItem
from shopcrm.domain.rules import (
    ValidationError,
    check_customer,
    customer_errors,
    normalize_phone,
    normalize_postal_code,
)
from shopcrm.i18n import N_, _
from shopcrm.services.transfer.mapping import field_label, fields_for
from shopcrm.services.transfer.reading import Record
from shopcrm.services.transfer.report import ImportReport, RowProblem
from shopcrm.store import address

MAX_TEXT = 1000  # characters in one cell (notes: MAX_NOTES)
MAX_NOTES = 10_000

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


def flag(text: str, field_name: str) -> bool:
    key = unicodedata.normalize("NFKC", text).strip().casefold()
    if not key or key in _FALSE:
        return False
    if key in _TRUE:
        return True
    raise ValidationError(field_name, N_("write yes or no (○ or ×, 1 or 0)"))


def lost_zero(value: str, digits_ok: Callable[[str], str], lengths: tuple[int, ...]) -> str | None:
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


def items(text: str) -> list[VisitItem]:
    items = []
    for part in re.split(r"[、,，;；/／\n|]+", unicodedata.normalize("NFKC", text or "")):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(.+?)\s*[x×X*]\s*(\d{1,4})", part)
        name, qty = (m.group(1).strip(), int(m.group(2))) if m else (part, 1)
        items.append(VisitItem(name=name, quantity=qty))
    return items


def too_long(value: str, limit: int) -> ValidationError | None:
    if len(value) > limit:
        return ValidationError(
            "import_field",
            N_("is too long ({count} characters; at most {max})"),
            count=len(value),
            max=limit,
        )
    return None


# --- one row ------------------------------------------------------------------------------------


class Row:
    """One row's cells by field, with a way to report a problem on the right column."""

    __slots__ = ("columns", "failed", "headers", "kind", "line", "numeric", "report", "values")

    def __init__(
        self,
        report: ImportReport,
        kind: str,
        headers: list[str],
        record: Record,
        mapping: list[tuple[int, str]],
        columns: dict[str, int],
        blank: dict[str, str],
    ):
        """``mapping``: (column, field) pairs; ``columns``: field -> column (shared by the rows
        of a file); ``blank``: every field of the kind with "" (copied: ``values[name]`` is
        always there)."""
        self.line = record.line
        self.report = report
        self.kind = kind
        self.headers = headers
        self.columns = columns
        self.failed = False
        cells = record.cells
        values = self.values = blank.copy()
        if len(cells) >= len(headers):
            for col, name in mapping:
                values[name] = cells[col].strip()
        else:
            width = len(cells)
            for col, name in mapping:
                values[name] = cells[col].strip() if col < width else ""
        self.numeric = (
            {name for name, col in columns.items() if col in record.numeric}
            if record.numeric
            else ()
        )

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def header(self, col: int) -> str:
        return self.headers[col] if col < len(self.headers) else str(col + 1)

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
                return self.header(self.columns[name])
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
        self.report.add_error(RowProblem(self.line, column, value[:200], err.message))
        self.failed = True

    def warn(self, field_name: str, value: str, reason: str) -> None:
        self.report.add_warning(
            RowProblem(self.line, self.column_for(field_name), value[:200], reason)
        )


FIELD_LABEL_FALLBACK = {"customer": N_("Customer"), "visited_at": N_("Date and time")}


def attempt(row: Row, field_name: str, fn, *args):
    try:
        return fn(*args)
    except ValidationError as err:
        row.error(err, field_name)
        return None


def check_lengths(row: Row) -> None:
    """Line breaks (a stray quote) and overlong values: an error each, the value dropped."""
    joined = "".join(row.values.values())
    if len(joined) <= MAX_TEXT and "\n" not in joined and "\r" not in joined:
        return  # the usual row: nothing to look at value by value
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
        err = too_long(value, MAX_NOTES if name in ("notes", "note") else MAX_TEXT)
        if err:
            row.error(err, name)
            row.values[name] = ""


def phone(row: Row, field_name: str = "phone") -> str:
    value = row.get(field_name)
    if not value:
        return ""
    try:
        return normalize_phone(value)
    except ValidationError as err:
        fixed = lost_zero(value, normalize_phone, (9, 10))
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


def postal(row: Row) -> str:
    value = row.get("postal_code")
    if not value:
        return ""
    try:
        return normalize_postal_code(value)
    except ValidationError as err:
        fixed = lost_zero(value, normalize_postal_code, (6,))
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


def moment(row: Row, name: str, parse) -> dt.datetime | None:
    value = row.get(name)
    if not value:
        return None
    result = attempt(row, name, parse, value)
    if isinstance(result, dt.date) and not isinstance(result, dt.datetime):
        result = dt.datetime.combine(result, dt.time())
    return result


def customer_from(row: Row, channels: dict[str, int | None]) -> Customer | None:
    c = Customer(name=row.get("name"), kana=row.get("kana"))
    c.code = row.get("code") or None
    if c.code and c.code.endswith(".0") and "code" in row.numeric:
        c.code = c.code[:-2]
    c.phone = phone(row)
    c.email = row.get("email")
    c.line_id = row.get("line_id")
    c.postal_code = postal(row)
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
        b = attempt(row, "birthday", parse_birthday, row.get("birthday"))
        if b is not None:
            c.birth_year, c.birth_month, c.birth_day = b.year, b.month, b.day
    if row.get("channel"):
        name = unicodedata.normalize("NFC", row.get("channel")).strip()
        c.channel = name
        c.channel_id = channels.get(name)
    c.tags = tuple(t.strip() for t in re.split(r"[,，、;；|／/]+", row.get("tags")) if t.strip())
    c.notes = row.get("notes")
    c.dm_consent = bool(attempt(row, "dm_consent", flag, row.get("dm_consent"), "dm_consent"))
    c.dm_consent_at = moment(row, "dm_consent_at", parse_datetime)
    c.dm_consent_channel = row.get("dm_consent_channel")
    c.do_not_mail = bool(attempt(row, "do_not_mail", flag, row.get("do_not_mail"), "do_not_mail"))
    c.created_at = moment(row, "created_at", parse_datetime)
    if c.dm_consent and c.dm_consent_at is None:
        c.dm_consent_at = c.created_at  # consent given at registration, if known
    try:
        ready = check_customer(c)
    except ValidationError:
        for err in customer_errors(c):
            row.error(err)
        return None
    return None if row.failed else ready


def unreadable(row: Row, record: Record) -> bool:
    """Report a row with undecodable bytes (U+FFFD); True if it has any."""
    if not record.unreadable:
        return False
    cells = record.cells
    col = next((i for i, c in enumerate(cells) if "\ufffd" in c), 0)
    row.report.add_error(
        RowProblem(
            row.line,
            row.header(col),
            cells[col][:200] if col < len(cells) else "",
            _(
                "holds characters that cannot be read: save the file as UTF-8 or Shift_JIS"
                " (CSV) or as .xlsx"
            ),
        )
    )
    return True


def too_many_columns(row: Row, record: Record) -> None:
    """Report a row with values beyond the header's last column (a comma without quotes)."""
    cells, width = record.cells, len(row.headers)
    if len(cells) <= width:
        return
    extra = [c for c in cells[width:] if c.strip()]
    if extra:
        row.report.add_error(
            RowProblem(
                row.line,
                str(width + 1),
                extra[0][:200],
                _(
                    "this row has {n} columns but the header has {m} (a comma inside a value"
                    " without quotes?)"
                ).format(n=len(cells), m=width),
            )
        )
        row.failed = True
