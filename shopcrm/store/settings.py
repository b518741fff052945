"""Shop settings: each declared once, with every attribute, and stored in SQLite as JSON.

A ``Setting`` holds key, type, default, label, and what a value must be: a range and unit for
numbers, the allowed choices, a normaliser from the domain rules (phone, postal code). ``set``
enforces the declaration, so the settings dialog (which builds its inputs and ranges from it),
the command line (``shopcrm settings set``) and a restore all accept the same values. ``get`` and
``get_all`` never fail on what the file holds: a stored value the declaration refuses (written by
an older version, by hand, or out of range like ``owner_lock_minutes`` 40000 or a NaN margin) is
read as the default, with a logged warning, so no stored setting can stop the app from starting.

UI preferences (window geometry, last page) are not here: they live in QSettings (``shopcrm/ui``).
Add a setting by adding one ``Setting`` at the end of ``SETTINGS``.
"""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlite_utils import Database

from shopcrm.domain.errors import ValidationError
from shopcrm.domain.money import CURRENCIES
from shopcrm.domain.rules import normalize_email, normalize_postal_code, written_phone
from shopcrm.i18n import N_, _
from shopcrm.store.business_day import refresh_visit_days
from shopcrm.store.line_links import LineError

log = logging.getLogger(__name__)

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class SettingError(ValidationError):
    """A value a setting's declaration refuses; ``str()`` names the setting by its label."""

    def __init__(self, spec: Setting, message: str, **params: object):
        super().__init__(spec.key, message, **params)
        self.spec = spec

    @property
    def field_label(self) -> str:
        return _(self.spec.label)


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    label: str  # N_() msgid; translate with _() when shown
    owner_only: bool = True  # changing it needs the owner PIN
    minimum: float | None = None  # numbers: the range, inclusive
    maximum: float | None = None
    step: float = 1  # the settings dialog's spin-box step
    unit: str = ""  # shown after the number: "%", "mm" (the same in every language)
    choices: tuple[str, ...] = ()  # text: the allowed values ("" included when allowed)
    normalise: Callable[[str], str] | None = None  # a domain rule: normalised text or raises

    def check(self, value: Any) -> Any:
        """The value as it is stored, or ``SettingError`` saying what is wrong with it.

        ``TypeError`` for a value of the wrong Python type (a programming error)."""
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, self.type) or (self.type is int and isinstance(value, bool)):
            raise TypeError(
                f"setting {self.key} takes {self.type.__name__}, not {type(value).__name__}"
            )
        if isinstance(value, int | float):
            if not math.isfinite(value):
                raise SettingError(self, N_("must be a number, not {value}"), value=value)
            low = self.minimum if self.minimum is not None else -math.inf
            high = self.maximum if self.maximum is not None else math.inf
            if not low <= value <= high:
                raise SettingError(
                    self,
                    N_("must be from {min} to {max}{unit} (not {value})"),
                    min=_number(self.minimum),
                    max=_number(self.maximum),
                    unit=f" {self.unit}" if self.unit else "",
                    value=_number(value),
                )
        if isinstance(value, str):
            if self.normalise is not None:
                try:
                    value = self.normalise(value)
                except ValidationError as exc:
                    raise SettingError(self, exc.msgid, **exc.params) from None
            if self.choices and value not in self.choices:
                raise SettingError(
                    self,
                    N_("must be one of: {choices}"),
                    choices=", ".join(c or '""' for c in self.choices),
                )
        return value

    def parse(self, text: str) -> Any:
        """A value typed as text (the command line) -> the checked value."""
        raw = unicodedata.normalize("NFKC", text or "").strip()
        if self.type is bool:
            if raw.lower() not in _TRUE + _FALSE:
                raise SettingError(self, N_("must be yes or no (1/0, true/false, on/off)"))
            return self.check(raw.lower() in _TRUE)
        if self.type is int:
            try:
                number: Any = int(raw.replace(",", ""))
            except ValueError:
                raise SettingError(self, N_("must be a whole number")) from None
            return self.check(number)
        if self.type is float:
            try:
                number = float(raw.replace(",", "").removesuffix(self.unit).strip())
            except ValueError:
                raise SettingError(self, N_("must be a number, not {value}"), value=text) from None
            return self.check(number)
        return self.check(text.strip())

    def describe(self) -> str:
        """What values it takes, for help and listings: ``1–240``, ``0–100 %``, ``ja | en | ""``."""
        if self.type in (int, float) and (self.minimum is not None or self.maximum is not None):
            unit = f" {self.unit}" if self.unit else ""
            return f"{_number(self.minimum)}–{_number(self.maximum)}{unit}"
        if self.choices:
            return " | ".join(c or '""' for c in self.choices)
        return self.type.__name__

    def read(self, stored: Any) -> Any:
        """A value as found in the file; the default (and a warning) when it is not allowed."""
        try:
            value = stored
            if self.type is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            return self.check(value)
        except (TypeError, ValueError) as exc:  # SettingError is a ValueError
            log.warning(
                "setting %s: stored value %r is not allowed (%s); using the default %r",
                self.key,
                stored,
                exc,
                self.default,
            )
            return self.default


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


SMTP_SECURITY = ("starttls", "ssl", "none")


def relay_url(text: str) -> str:
    """The LINE relay's address: https://… (http:// only for this computer), no trailing /."""
    text = unicodedata.normalize("NFKC", text or "").strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if (
        parts.scheme not in ("https", "http")
        or not parts.hostname
        or (parts.scheme == "http" and not local)
    ):
        raise LineError(
            "line_relay_url",
            N_("must start with https:// (like https://relay.example.com), not {value}"),
            value=text,
        )
    return text


def line_basic_id(text: str) -> str:
    """A LINE Official Account's basic ID as LINE shows it: ``@`` and 4–20 letters/digits."""
    text = unicodedata.normalize("NFKC", text or "").strip().lower()
    if not text:
        return ""
    if not text.startswith("@"):
        text = "@" + text
    if not re.fullmatch(r"@[0-9a-z._-]{3,20}", text):
        raise LineError(
            "line_basic_id",
            N_("must be the account's basic ID, @ and letters and digits (like @123abcde)"),
        )
    return text


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("shop_name", str, "", N_("Shop name")),  # a new shop is nobody (not the demo)
        Setting(
            "shop_postal_code", str, "", N_("Shop postal code"), normalise=normalize_postal_code
        ),
        Setting("shop_address", str, "", N_("Shop address")),
        Setting("shop_building", str, "", N_("Shop building")),
        Setting("shop_phone", str, "", N_("Shop phone"), normalise=written_phone),
        Setting("currency", str, "JPY", N_("Currency"), choices=tuple(CURRENCIES)),
        # "" = follow the system
        Setting("language", str, "", N_("Language"), choices=("", "ja", "en")),
        Setting(
            "gross_margin_percent",
            float,
            65.0,
            N_("Gross margin (%)"),
            minimum=0,
            maximum=100,
            unit="%",
        ),
        Setting(
            "discount_rate_percent",
            float,
            10.0,
            N_("Annual discount rate (%)"),
            minimum=0,
            maximum=50,
            step=0.5,
            unit="%",
        ),
        Setting("ltv_years", int, 3, N_("Expected relationship (years)"), minimum=1, maximum=30),
        Setting(
            "regular_min_visits", int, 3, N_("Visits that make a regular"), minimum=2, maximum=100
        ),
        Setting(
            "print_offset_x_mm",
            float,
            0.0,
            N_("Printer offset X (mm)"),
            owner_only=False,
            minimum=-20,
            maximum=20,
            step=0.1,
            unit="mm",
        ),
        Setting(
            "print_offset_y_mm",
            float,
            0.0,
            N_("Printer offset Y (mm)"),
            owner_only=False,
            minimum=-20,
            maximum=20,
            step=0.1,
            unit="mm",
        ),
        Setting("owner_pin_hash", str, "", N_("Owner PIN")),
        Setting(
            "owner_lock_minutes",
            int,
            5,
            N_("Lock owner mode after idle minutes"),
            minimum=1,
            maximum=240,
        ),
        Setting("owner_pin_offered", bool, False, N_("Owner PIN offered"), owner_only=False),
        Setting("demo", bool, False, N_("Demo database")),
        # visits before this hour count for the day before (an evening past midnight is one visit)
        Setting(
            "business_day_start_hour",
            int,
            5,
            N_("Business day starts at (hour)"),
            minimum=0,
            maximum=11,  # domain.dates.MAX_DAY_START_HOUR
            unit=":00",
        ),
        # first-run setup (services/setup.py): the next step to show, and finished or skipped
        Setting("setup_step", int, 0, N_("First-run setup: next step"), owner_only=False),
        Setting("setup_done", bool, False, N_("First-run setup finished")),
        # e-mail (services/channels): the shop's SMTP server; its password is in the OS keychain
        # (services/channels/keychain.py), never here
        Setting("smtp_host", str, "", N_("SMTP server")),
        Setting("smtp_port", int, 587, N_("SMTP port"), minimum=1, maximum=65535),
        # starttls: port 587; ssl: port 465 (TLS from the start); none: plain (a local relay only)
        Setting("smtp_security", str, "starttls", N_("SMTP security"), choices=SMTP_SECURITY),
        Setting("smtp_user", str, "", N_("SMTP user name")),
        Setting("email_sender_name", str, "", N_("Sender name")),
        Setting("email_sender_address", str, "", N_("Sender address"), normalise=normalize_email),
        # where replies and unsubscribe requests go (mailto:); "" = the sender address
        Setting(
            "email_reply_address",
            str,
            "",
            N_("Reply and unsubscribe address"),
            normalise=normalize_email,
        ),
        Setting(
            "email_per_minute",
            int,
            20,
            N_("E-mails per minute"),
            minimum=1,
            maximum=600,
        ),
        # LINE (services/channels/line.py): the relay that receives LINE's webhook, the secret
        # the counter PC pulls its events with, and the Official Account's basic ID (@xxxx).
        # The channel access token and channel secret are in the OS keychain, not here.
        Setting("line_relay_url", str, "", N_("LINE relay URL"), normalise=relay_url),
        Setting("line_relay_secret", str, "", N_("LINE relay shared secret")),
        Setting("line_basic_id", str, "", N_("LINE basic ID"), normalise=line_basic_id),
    )
}


def _load(key: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        log.warning("setting %s: stored text %r is not JSON; using the default", key, text)
        return SETTINGS[key].default


def get(db: Database, key: str) -> Any:
    spec = SETTINGS[key]
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    if row is None:
        return spec.default
    return spec.read(_load(key, row[0]))


def get_all(db: Database) -> dict[str, Any]:
    stored = {k: v for k, v in db.execute("SELECT key, value FROM settings")}
    return {
        key: spec.read(_load(key, stored[key])) if key in stored else spec.default
        for key, spec in SETTINGS.items()
    }


def set(db: Database, key: str, value: Any) -> None:
    """Store one setting; ``SettingError`` (a ``ValidationError``) for a value its declaration
    refuses, ``TypeError`` for a value of the wrong type, ``KeyError`` for an unknown key."""
    value = SETTINGS[key].check(value)
    with db.atomic():
        db.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, json.dumps(value, ensure_ascii=False)],
        )
        if key == "business_day_start_hour":  # the customers' visit-day counts follow the rule
            refresh_visit_days(db)


def set_many(db: Database, values: dict[str, Any]) -> None:
    """Several settings in one transaction (all checked before any is written)."""
    checked = {key: SETTINGS[key].check(value) for key, value in values.items()}
    with db.atomic():
        for key, value in checked.items():
            set(db, key, value)
