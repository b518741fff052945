"""Customers: register, edit, read, and the one search box (name, reading, phone, email, codes).

Search rules: the query and every searchable field go through ``kana.search_key`` (width, kana and
case folded, spaces and hyphens dropped), so ひらがな / カタカナ / ﾊﾝｶｸ, ０９０ / 090 and
090-1234-5678 / 09012345678 all meet. Each field is folded on its own and stored space-separated
in ``customers.search_text``; the FTS5 trigram index over it (kept by triggers) answers queries of
three or more characters as substring matches, and a LIKE scan answers one- and two-character
queries. Several words must all match ("田中 090"). Exact matches of a whole field rank first,
then prefix matches, then the rest; within each, the most recent guests first.

Erased customers (``erased_at`` set, personal data removed on request) never appear in search.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Sequence

from sqlite_utils import Database

from shopcrm.domain.kana import search_key
from shopcrm.domain.models import Channel, Customer, CustomerSummary
from shopcrm.domain.rules import ValidationError, check_customer, normalize_phone
from shopcrm.i18n import N_
from shopcrm.store import address, dialect
from shopcrm.store.dialect import executemany, insert_id
from shopcrm.store.errors import NotFound
from shopcrm.store.settings import get as setting

FILTERS = ("regulars", "lapsed_90", "birthday_month", "no_consent")
ORDER_BY = ("name", "kana", "phone", "last_visit", "visits", "total_spent", "created", "tags")
LAPSED_DAYS = 90
NO_LIMIT = 2**63 - 1  # "every row" as a LIMIT both engines take
FTS_MIN_CHARS = 3  # the trigram index needs three characters

# Fields folded into search_text, in this order.
SEARCH_FIELDS = ("name", "kana", "phone", "email", "code", "line_id")

_COLUMNS = (
    "id",
    "code",
    "name",
    "kana",
    "phone",
    "email",
    "line_id",
    "postal_code",
    "prefecture",
    "city",
    "street",
    "building",
    "birth_year",
    "birth_month",
    "birth_day",
    "channel_id",
    "tags",
    "notes",
    "dm_consent",
    "dm_consent_at",
    "dm_consent_channel",
    "do_not_mail",
    "created_at",
    "updated_at",
    "erased_at",
    "language",
    "honorific",
)
_WRITE_COLUMNS = (*(c for c in _COLUMNS if c not in ("id", "erased_at")), "search_text")
_SELECT = (
    "SELECT "
    + ", ".join(f"c.{col}" for col in _COLUMNS)
    + ", coalesce(ch.name, '') FROM customers c LEFT JOIN channels ch ON ch.id = c.channel_id"
)
_SUMMARY_SELECT = """SELECT c.id, c.name, c.kana, c.phone, c.code, c.tags, c.visit_count,
    c.visit_days, c.total_spent, c.first_visit_at, c.last_visit_at,
    EXISTS (SELECT 1 FROM preferences p WHERE p.customer_id = c.id AND p.level = 'allergy'),
    c.birth_month, c.birth_day, c.dm_consent
    FROM customers c"""


# -- time and row helpers (shared with visits.py and preferences.py) ------------------------------


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def to_text(moment: dt.datetime | dt.date | None) -> str | None:
    """Stored form: local 'YYYY-MM-DD HH:MM:SS' (or 'YYYY-MM-DD' for a date)."""
    if moment is None:
        return None
    if isinstance(moment, dt.datetime):
        return moment.replace(microsecond=0, tzinfo=None).isoformat(sep=" ")
    return moment.isoformat()


def to_datetime(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _tags_out(text: str | None) -> tuple[str, ...]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return ()
    return tuple(str(t) for t in value) if isinstance(value, list) else ()


def _tags_in(tags: Iterable[str]) -> str:
    seen: list[str] = []
    for tag in tags or ():
        tag = str(tag).strip()
        if tag and tag not in seen:
            seen.append(tag)
    return json.dumps(seen, ensure_ascii=False)


def _customer(row: Sequence) -> Customer:
    v = dict(zip(_COLUMNS, row, strict=False))
    return Customer(
        id=v["id"],
        code=v["code"],
        name=v["name"],
        kana=v["kana"],
        phone=v["phone"],
        email=v["email"],
        line_id=v["line_id"],
        postal_code=v["postal_code"],
        prefecture=v["prefecture"],
        city=v["city"],
        street=v["street"],
        building=v["building"],
        birth_year=v["birth_year"],
        birth_month=v["birth_month"],
        birth_day=v["birth_day"],
        channel_id=v["channel_id"],
        channel=row[len(_COLUMNS)],
        tags=_tags_out(v["tags"]),
        notes=v["notes"],
        dm_consent=bool(v["dm_consent"]),
        dm_consent_at=to_datetime(v["dm_consent_at"]),
        dm_consent_channel=v["dm_consent_channel"],
        do_not_mail=bool(v["do_not_mail"]),
        created_at=to_datetime(v["created_at"]),
        updated_at=to_datetime(v["updated_at"]),
        erased_at=to_datetime(v["erased_at"]),
        language=v["language"] or "",
        honorific=v["honorific"] or "",
    )


def _summary(row: Sequence) -> CustomerSummary:
    return CustomerSummary(
        id=row[0],
        name=row[1],
        kana=row[2],
        phone=row[3],
        code=row[4],
        tags=_tags_out(row[5]),
        visit_count=row[6],
        visit_days=row[7],
        total_spent=row[8],
        first_visit_at=to_datetime(row[9]),
        last_visit_at=to_datetime(row[10]),
        has_allergy=bool(row[11]),
        birth_month=row[12],
        birth_day=row[13],
        dm_consent=bool(row[14]),
    )


def search_text_for(c: Customer) -> str:
    """What the search box matches for ``c``: each field folded, space-separated.

    Anything that writes ``customers.search_text`` (imports, the demo, erasure) uses this.
    """
    keys = (search_key(str(getattr(c, f) or "")) for f in SEARCH_FIELDS)
    return " ".join(k for k in keys if k)


def _row_values(c: Customer) -> list:
    return [
        c.code or None,
        c.name,
        c.kana,
        c.phone,
        c.email,
        c.line_id,
        c.postal_code,
        c.prefecture,
        c.city,
        c.street,
        c.building,
        c.birth_year,
        c.birth_month,
        c.birth_day,
        c.channel_id,
        _tags_in(c.tags),
        c.notes or "",
        int(bool(c.dm_consent)),
        to_text(c.dm_consent_at),
        c.dm_consent_channel or "",
        int(bool(c.do_not_mail)),
        to_text(c.created_at),
        to_text(c.updated_at),
        c.language or "",
        c.honorific or "",
        search_text_for(c),
    ]


# -- writing ------------------------------------------------------------------------------------


def _prepare(db: Database, c: Customer, previous: Customer | None) -> Customer:
    """Validated, normalised copy ready to store (raises ``ValidationError``)."""
    c = check_customer(c)
    code = (c.code or "").strip() or None
    if code is not None:
        clash = db.execute(
            "SELECT id FROM customers WHERE code = ? AND id IS DISTINCT FROM ?", [code, c.id]
        ).fetchone()
        if clash:
            raise ValidationError(
                "code", N_("{code} is already used by another customer"), code=code
            )
    channel = c.channel_id
    if channel is not None:
        if not db.execute("SELECT 1 FROM channels WHERE id = ?", [channel]).fetchone():
            raise ValidationError("channel", N_("no such channel"))
    elif (c.channel or "").strip():
        channel = channel_id(db, c.channel)
        if channel is None:
            raise ValidationError(
                "channel", N_("{name} is not one of the shop's channels"), name=c.channel.strip()
            )
    moment = now()
    consent_at = None
    if c.dm_consent:
        consent_at = c.dm_consent_at
        if consent_at is None and previous is not None and previous.dm_consent:
            consent_at = previous.dm_consent_at
        consent_at = consent_at or moment
    return dataclasses.replace(
        c,
        code=code,
        channel_id=channel,
        tags=tuple(json.loads(_tags_in(c.tags))),
        dm_consent_at=consent_at,
        created_at=(previous.created_at if previous else None) or c.created_at or moment,
        updated_at=moment,
    )


def create(db: Database, c: Customer) -> Customer:
    """Register a customer; a duplicate membership code is a ``ValidationError`` on "code"."""
    with db.atomic():
        ready = _prepare(db, dataclasses.replace(c, id=None), None)
        cols = ", ".join(_WRITE_COLUMNS)
        marks = ", ".join("?" for _ in _WRITE_COLUMNS)
        cur = insert_id(db, f"INSERT INTO customers({cols}) VALUES ({marks})", _row_values(ready))
        return get(db, cur)


def update(db: Database, c: Customer) -> Customer:
    """Save an edited customer (visit figures and creation time are kept)."""
    if c.id is None:
        raise NotFound("customer", None)
    with db.atomic():
        previous = get(db, c.id)
        ready = _prepare(db, c, previous)
        sets = ", ".join(f"{col} = ?" for col in _WRITE_COLUMNS)
        db.execute(f"UPDATE customers SET {sets} WHERE id = ?", [*_row_values(ready), c.id])
        return get(db, c.id)


def insert_many(db: Database, customers: Iterable[Customer]) -> int:
    """Insert already-valid customers fast, in one transaction (generated data, benchmarks).

    No validation: callers pass normalised data (as ``check_customer`` would return it).
    """
    moment = now()
    rows = []
    for c in customers:
        created = c.created_at or moment
        ready = dataclasses.replace(c, created_at=created, updated_at=c.updated_at or created)
        rows.append(_row_values(ready))
    cols = ", ".join(_WRITE_COLUMNS)
    marks = ", ".join("?" for _ in _WRITE_COLUMNS)
    with db.atomic():
        executemany(db, f"INSERT INTO customers({cols}) VALUES ({marks})", rows)
    return len(rows)


# -- reading ------------------------------------------------------------------------------------


def get(db: Database, id: int) -> Customer:
    row = db.execute(_SELECT + " WHERE c.id = ?", [id]).fetchone()
    if row is None:
        raise NotFound("customer", id)
    return _customer(row)


def summary(db: Database, id: int) -> CustomerSummary:
    """The customer's table row: visit figures, allergy flag (erased customers too)."""
    row = db.execute(_SUMMARY_SELECT + " WHERE c.id = ?", [id]).fetchone()
    if row is None:
        raise NotFound("customer", id)
    return _summary(row)


def find_by_code(db: Database, code: str) -> Customer | None:
    """The (not erased) customer with this membership code; case is ignored."""
    code = (code or "").strip()
    if not code:
        return None
    row = db.execute(_SELECT + " WHERE c.code = ? AND c.erased_at IS NULL", [code]).fetchone()
    if row is None:
        row = db.execute(
            _SELECT + " WHERE lower(c.code) = lower(?) AND c.erased_at IS NULL", [code]
        ).fetchone()
    return _customer(row) if row else None


def find_by_phone(db: Database, phone: str) -> list[Customer]:
    """Customers with this phone number, written any way (hyphens, full-width digits)."""
    digits = normalize_phone(phone)
    if not digits:
        return []
    rows = db.execute(
        _SELECT + " WHERE c.phone = ? AND c.erased_at IS NULL ORDER BY c.id", [digits]
    ).fetchall()
    return [_customer(r) for r in rows]


def count_all(db: Database) -> int:
    """Customers on record (erased ones not counted)."""
    return db.execute("SELECT count(*) FROM customers WHERE erased_at IS NULL").fetchone()[0]


def list_channels(db: Database, *, active_only: bool = False) -> list[Channel]:
    where = " WHERE active = 1" if active_only else ""
    rows = db.execute(
        f"SELECT id, name, active, sort_order FROM channels{where} ORDER BY sort_order, id"
    ).fetchall()
    return [Channel(id=r[0], name=r[1], active=bool(r[2]), sort_order=r[3]) for r in rows]


def channel_id(db: Database, name: str, create: bool = False) -> int | None:
    """Id of the channel called ``name`` (width and case ignored); optionally add it."""
    name = (name or "").strip()
    if not name:
        return None
    row = db.execute("SELECT id FROM channels WHERE name = ?", [name]).fetchone()
    if row:
        return row[0]
    key = search_key(name)
    for cid, existing in db.execute("SELECT id, name FROM channels ORDER BY id"):
        if search_key(existing) == key:
            return cid
    if not create:
        return None
    with db.atomic():
        order = db.execute("SELECT coalesce(max(sort_order), -1) + 1 FROM channels").fetchone()[0]
        return insert_id(db, "INSERT INTO channels(name, sort_order) VALUES (?, ?)", [name, order])


# -- search -------------------------------------------------------------------------------------


def _query_terms(query: str) -> list[str]:
    """Each whitespace-separated word of the query, folded (empty ones dropped)."""
    words = [search_key(w) for w in (query or "").split()]
    return [w for w in words if w]


def _where(
    db: Database, query: str, filter: str | Sequence[str] | None, today: dt.date | None
) -> tuple[list[str], list, str]:
    clauses = ["c.erased_at IS NULL"]
    params: list = []
    words = _query_terms(query)
    long_words = [w for w in words if len(w) >= FTS_MIN_CHARS]
    if long_words:
        text_clauses, text_params = dialect.customer_text_search(db, long_words)
        clauses += text_clauses
        params += text_params
    for w in words:
        if len(w) < FTS_MIN_CHARS:
            # search_text is already folded: a plain substring test (faster than LIKE, and
            # % and _ need no escaping)
            clauses.append(dialect.contains(db, "c.search_text"))
            params.append(w)
    filters = [filter] if isinstance(filter, str) else list(filter or ())
    today = today or dt.date.today()
    for name in filters:
        if name == "regulars":
            clauses.append("c.visit_days >= ?")
            params.append(int(setting(db, "regular_min_visits")))
        elif name == "lapsed_90":
            clauses.append("c.last_visit_at < ?")
            params.append((today - dt.timedelta(days=LAPSED_DAYS)).isoformat())
        elif name == "birthday_month":
            clauses.append("c.birth_month = ?")
            params.append(today.month)
        elif name == "no_consent":
            clauses.append("c.dm_consent = 0")
        else:
            raise ValueError(f"unknown customer filter {name!r}; use one of {FILTERS}")
    return clauses, params, words


def _order(
    db: Database, order_by: str | None, descending: bool, words: list[str]
) -> tuple[str, list]:
    direction = " DESC" if descending else ""
    if order_by is None:
        if not words:
            # DESC puts never-visited (NULL) last, and the last-visit index serves this order
            return f" ORDER BY {dialect.nulls_last_desc(db, 'c.last_visit_at')}, c.id DESC", []
        # 0: a whole field equals the query, 1: a field starts with it (or with the first of
        # several words: "田中 090" puts 田中さん before 山田中さん), 2: anywhere inside
        whole = "".join(words)
        prefixes = [whole, words[0]] if len(words) > 1 else [whole]
        starts = " OR ".join(dialect.contains(db, "' ' || c.search_text") for _ in prefixes)
        whole_field = dialect.contains(db, "' ' || c.search_text || ' '")
        rank = f"CASE WHEN {whole_field} THEN 0 WHEN {starts} THEN 1 ELSE 2 END"
        return (
            f" ORDER BY {rank}, {dialect.nulls_last_desc(db, 'c.last_visit_at')}, c.id DESC",
            [f" {whole} ", *(f" {p}" for p in prefixes)],
        )
    columns = {
        # by reading (gojūon order of katakana), guests without one at the end; descending is
        # the exact reverse, so the customers_kana_order index serves both directions
        "name": ["c.kana = ''{d}", "c.kana{d}", "c.name{d}"],
        "kana": ["c.kana = ''{d}", "c.kana{d}", "c.name{d}"],
        "phone": ["c.phone = ''", "c.phone{d}"],
        "last_visit": ["c.last_visit_at IS NULL", "c.last_visit_at{d}"],
        "visits": ["c.visit_count{d}", "c.total_spent{d}"],
        "total_spent": ["c.total_spent{d}"],
        "created": ["c.created_at{d}"],
        # by the stored JSON text: guests with the same first tag together, untagged at the end
        "tags": ["c.tags = '[]'", "c.tags{d}"],
    }
    if order_by not in columns:
        raise ValueError(f"unknown order {order_by!r}; use one of {ORDER_BY}")
    parts = [p.format(d=direction) for p in columns[order_by]] + [f"c.id{direction}"]
    return " ORDER BY " + ", ".join(parts), []


def search(
    db: Database,
    query: str = "",
    *,
    filter: str | Sequence[str] | None = None,
    order_by: str | None = None,
    descending: bool = False,
    limit: int | None = 100,
    offset: int = 0,
    today: dt.date | None = None,
) -> list[CustomerSummary]:
    """One page of customers matching ``query`` and ``filter`` (one name or several, all apply).

    Without ``order_by``: exact field matches, then prefix matches, then the rest, most recent
    visit first within each. ``limit=None`` returns every match.
    """
    clauses, params, words = _where(db, query, filter, today)
    order_sql, order_params = _order(db, order_by, descending, words)
    # Two steps: sort and page over ids alone (small sorter rows, indexes usable), then read the
    # page's rows. A deep page of 50,000 sorted guests stays fast this way.
    sql = "SELECT c.id FROM customers c WHERE " + " AND ".join(clauses) + order_sql
    params = params + order_params
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    elif offset:
        sql += " LIMIT ? OFFSET ?"  # no LIMIT -1 / LIMIT ALL: neither is on both engines
        params += [NO_LIMIT, int(offset)]
    ids = [r[0] for r in db.execute(sql, params).fetchall()]
    rows: dict[int, CustomerSummary] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for r in db.execute(_SUMMARY_SELECT + f" WHERE c.id IN ({marks})", chunk):
            rows[r[0]] = _summary(r)
    return [rows[i] for i in ids]


def count(
    db: Database,
    query: str = "",
    *,
    filter: str | Sequence[str] | None = None,
    today: dt.date | None = None,
) -> int:
    """How many customers ``search`` would return over all pages."""
    clauses, params, _words = _where(db, query, filter, today)
    sql = "SELECT count(*) FROM customers c WHERE " + " AND ".join(clauses)
    return db.execute(sql, params).fetchone()[0]


# -- addresses: one home, ``store/address.py`` (re-exported here for existing callers) ----------
postal_address = address.postal_address
split_address = address.split_address
