"""Dates as Japanese shops write them: parsing (Western and era forms), birthdays, formatting.

Accepted: ``1980-03-10``, ``1980/3/10``, ``1980.3.10``, ``1980年3月10日``, ``19800310``, ``3/10``
and ``3月10日`` (birthdays without a year), era forms ``昭和55年3月10日``, ``S55.3.10``, ``H2.1.5``,
``R1.5.1``, ``令和元年5月1日`` (明治/大正/昭和/平成/令和 and M/T/S/H/R), full-width digits and the
era ligatures (㍼). Impossible dates are refused with a message saying why: a day the month does
not have, February 29 in a common year, an era year past the era's end, or a date before the era
began (H1.1.7 is still Shōwa).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from typing import NamedTuple

from shopcrm.domain.errors import ValidationError
from shopcrm.i18n import N_, current_language


class Birthday(NamedTuple):
    year: int | None
    month: int
    day: int


class Era(NamedTuple):
    name: str  # 令和
    letter: str  # R
    romaji: str  # Reiwa
    start: dt.date
    end: dt.date | None  # last day, None for the current era


ERAS: tuple[Era, ...] = (
    Era("明治", "M", "Meiji", dt.date(1868, 10, 23), dt.date(1912, 7, 29)),
    Era("大正", "T", "Taishō", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    Era("昭和", "S", "Shōwa", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    Era("平成", "H", "Heisei", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    Era("令和", "R", "Reiwa", dt.date(2019, 5, 1), None),
)
_ERA_BY_KEY = {key: era for era in ERAS for key in (era.name, era.letter.casefold())}

EARLIEST_BIRTH_YEAR = 1900
# English month and weekday names, spelled out here rather than taken from ``calendar``: those
# follow the process locale, which Qt sets from the desktop (a Japanese desktop would print
# "23 11月 2026" in English). Index months from 1 (``MONTH_ABBR[11] == "Nov"``), weekdays from
# Monday (``date.weekday()``).
MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")  # fmt: skip
MONTH_ABBR = ("", *(name[:3] for name in MONTH_NAMES[1:]))
WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAYS_JA = "月火水木金土日"

_SEP = r"[-/.\s]"
_ISO = re.compile(rf"(\d{{4}})\s*(?:{_SEP}|年)\s*(\d{{1,2}})\s*(?:{_SEP}|月)\s*(\d{{1,2}})\s*日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NO_YEAR = re.compile(rf"(\d{{1,2}})\s*(?:{_SEP}|月)\s*(\d{{1,2}})\s*日?")
_ERA = re.compile(
    rf"(明治|大正|昭和|平成|令和|[mtshr])\s*(\d{{1,2}}|元)\s*(?:{_SEP}|年)\s*"
    rf"(\d{{1,2}})\s*(?:{_SEP}|月)\s*(\d{{1,2}})\s*日?"
)
_TIME = re.compile(r"(\d{1,2})\s*(?::|時)\s*(\d{1,2})?\s*(?:分)?(?:\s*:?\s*(\d{1,2})\s*秒?)?")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").strip().casefold()
    return text.replace("−", "-").replace("ー", "-").replace("〜", "-")


def _check_day(field: str, year: int | None, month: int, day: int) -> None:
    if not 1 <= month <= 12:
        raise ValidationError(field, N_("month {month} does not exist"), month=month)
    if day < 1:
        raise ValidationError(field, N_("day {day} does not exist"), day=day)
    if month == 2 and day == 29:
        if year is not None and not calendar.isleap(year):
            raise ValidationError(
                field,
                N_("{year} is not a leap year, so February 29 does not exist"),
                year=year,
            )
        return
    last = calendar.monthrange(2000 if year is None else year, month)[1]
    if day > last:
        raise ValidationError(
            field,
            N_("{month_name} {day} does not exist"),
            month_name=MONTH_NAMES[month],
            month=month,
            day=day,
        )


def _era_date(field: str, era: Era, era_year: int, month: int, day: int) -> dt.date:
    """The Western date of an era date, refusing years and days the era did not have."""
    if era_year < 1:
        raise ValidationError(field, N_("an era year starts at 1 (元年)"))
    year = era.start.year + era_year - 1
    if era.end is not None and year > era.end.year:
        raise ValidationError(
            field,
            N_("{era_en} ended in its year {last} ({end}); there is no year {year}"),
            era=era.name,
            era_en=era.romaji,
            last=era.end.year - era.start.year + 1,
            end=era.end.isoformat(),
            year=era_year,
        )
    _check_day(field, year, month, day)
    date = dt.date(year, month, day)
    if date < era.start:
        before = ERAS[ERAS.index(era) - 1] if ERAS.index(era) else None
        raise ValidationError(
            field,
            N_("{era_en} began on {start}; {date} is still {previous_en}"),
            era=era.name,
            era_en=era.romaji,
            start=era.start.isoformat(),
            date=date.isoformat(),
            previous=before.name if before else "",
            previous_en=before.romaji if before else "",
        )
    if era.end is not None and date > era.end:
        after = ERAS[ERAS.index(era) + 1]
        raise ValidationError(
            field,
            N_("{era_en} ended on {end}; {date} is already {next_en}"),
            era=era.name,
            era_en=era.romaji,
            end=era.end.isoformat(),
            date=date.isoformat(),
            next=after.name,
            next_en=after.romaji,
        )
    return date


def _parse(text: str, field: str, *, allow_no_year: bool) -> Birthday:
    """Any accepted form -> (year or None, month, day), checked to exist."""
    s = _clean(text)
    if not s:
        raise ValidationError(field, N_("is required"))
    m = _ERA.fullmatch(s)
    if m:
        era = _ERA_BY_KEY[m.group(1)]
        era_year = 1 if m.group(2) == "元" else int(m.group(2))
        d = _era_date(field, era, era_year, int(m.group(3)), int(m.group(4)))
        return Birthday(d.year, d.month, d.day)
    m = _ISO.fullmatch(s) or _COMPACT.fullmatch(s)
    if m:
        year, month, day = (int(g) for g in m.groups())
        _check_day(field, year, month, day)
        return Birthday(year, month, day)
    m = _NO_YEAR.fullmatch(s)
    if m and allow_no_year:
        month, day = int(m.group(1)), int(m.group(2))
        _check_day(field, None, month, day)
        return Birthday(None, month, day)
    if allow_no_year:
        raise ValidationError(field, N_("is not a date; write it like 1980/3/10, 3/10 or S55.3.10"))
    raise ValidationError(field, N_("is not a date; write it like 2026/11/20 or R8.11.20"))


def check_birthday(year: int | None, month: int, day: int, today: dt.date | None = None) -> None:
    """Raise ``ValidationError`` on "birthday" when the birthday cannot be real."""
    _check_day("birthday", year, month, day)
    if year is not None:
        today = today or dt.date.today()
        if year < EARLIEST_BIRTH_YEAR:
            raise ValidationError(
                "birthday", N_("year {year} is too early (before {earliest})"),
                year=year, earliest=EARLIEST_BIRTH_YEAR,
            )  # fmt: skip
        if dt.date(year, month, day if (month, day) != (2, 29) else 28) > today:
            raise ValidationError("birthday", N_("is in the future"))


def parse_birthday(text: str, today: dt.date | None = None) -> Birthday:
    """A birthday as typed -> ``Birthday(year or None, month, day)`` (field "birthday")."""
    b = _parse(text, "birthday", allow_no_year=True)
    check_birthday(b.year, b.month, b.day, today)
    return b


def parse_date(text: str, today: dt.date | None = None) -> dt.date:
    """A date as typed (ISO, slashes, 年月日, era forms; ``11/20`` is in ``today``'s year)."""
    s = _clean(text)
    if _NO_YEAR.fullmatch(s):
        b = _parse(text, "date", allow_no_year=True)
        year = (today or dt.date.today()).year
        _check_day("date", year, b.month, b.day)
        return dt.date(year, b.month, b.day)
    b = _parse(text, "date", allow_no_year=False)
    return dt.date(b.year, b.month, b.day)


# The form exports and the store itself write: read without the general parser (an import of a
# million visits spent a third of its dry run here). Anything else, or a date that does not
# exist, takes the general path (and its message).
_CANONICAL_MOMENT = re.compile(r"(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d))?", re.ASCII)


def parse_datetime(text: str, now: dt.datetime | None = None) -> dt.datetime:
    """A moment as typed: ``2026-11-20 19:30``, ``2026/11/20 19:30:05``, ``2026-11-20T19:30``,
    ``11/20 19:30`` (this year), ``19:30`` or ``19時30分`` (today), or a date alone (at 00:00).
    Field "visited_at"; seconds are dropped unless given."""
    m = _CANONICAL_MOMENT.fullmatch(text.strip()) if isinstance(text, str) else None
    if m:
        try:
            return dt.datetime(*(int(g) for g in m.groups() if g is not None))
        except ValueError:
            pass  # February 30 and the like: the general path says what is wrong
    now = now or dt.datetime.now()
    s = _clean(text).replace("t", " ")
    if not s:
        raise ValidationError("visited_at", N_("is required"))
    date_part, time_part = s, ""
    m = re.fullmatch(
        r"(.*?)\s*(\d{1,2}\s*(?::|時)\s*(?:\d{1,2})?\s*分?(?:\s*:?\s*\d{1,2}\s*秒?)?)", s
    )
    if m and (not m.group(1) or re.search(r"\d", m.group(1))):
        date_part, time_part = m.group(1).strip(), m.group(2)
    if date_part:
        try:
            day = parse_date(date_part, today=now.date())
        except ValidationError as exc:
            raise ValidationError("visited_at", exc.msgid, **exc.params) from None
    else:
        day = now.date()
    if not time_part:
        return dt.datetime.combine(day, dt.time())
    t = _TIME.fullmatch(time_part.strip())
    if not t:
        raise ValidationError(
            "visited_at", N_("is not a date and time; write it like 2026-11-20 19:30")
        )
    hour, minute, second = int(t.group(1)), int(t.group(2) or 0), int(t.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValidationError(
            "visited_at", N_("{hour}:{minute:02d} is not a time of day"), hour=hour, minute=minute
        )
    return dt.datetime.combine(day, dt.time(hour, minute, second))


EARLIEST_VISIT = dt.date(1980, 1, 1)
TYPED_SLACK = dt.timedelta(days=1)  # what a person types or a file says: a clock a little ahead
STORED_SLACK = dt.timedelta(days=366)  # the store's own last line of defence


def check_visit_time(
    at: dt.datetime, now: dt.datetime | None = None, slack: dt.timedelta = TYPED_SLACK
) -> dt.datetime:
    """``at`` if a shop can have a visit then: not before 1980 and not in the future (``slack``
    allows for a wrong clock). Year 0001 or 9999 is a typing or file error, not a visit. Typed
    and imported moments get a day of slack; the store refuses anything past a year ahead."""
    now = now or dt.datetime.now()
    if at.date() < EARLIEST_VISIT:
        raise ValidationError(
            "visited_at", N_("{date} is too long ago for a visit (1980 or later)"), date=at.date()
        )
    if at > now + slack:
        raise ValidationError("visited_at", N_("{date} is in the future"), date=at.date())
    return at


def birthday_in_year(month: int, day: int, year: int) -> dt.date:
    """The day a birthday falls on in ``year`` (February 29 -> February 28 in common years)."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return dt.date(year, month, day)


def next_birthday(month: int, day: int, today: dt.date) -> dt.date:
    """The next birthday on or after ``today``."""
    this_year = birthday_in_year(month, day, today.year)
    return this_year if this_year >= today else birthday_in_year(month, day, today.year + 1)


def age_on(year: int, month: int, day: int, on: dt.date) -> int:
    """Age in whole years on ``on`` (a February 29 birthday counts on February 28 in common
    years)."""
    return on.year - year - (on < birthday_in_year(month, day, on.year))


def era_of(date: dt.date) -> Era:
    for era in reversed(ERAS):
        if date >= era.start:
            return era
    raise ValueError(f"{date} is before the Meiji era")


def to_era(date: dt.date, style: str = "kanji") -> str:
    """``2026-11-23`` -> ``令和8年11月23日`` (year 1 is 元年); ``style="letter"``: ``R8.11.23``."""
    era = era_of(date)
    year = date.year - era.start.year + 1
    if style == "letter":
        return f"{era.letter}{year}.{date.month}.{date.day}"
    year_text = "元" if year == 1 else str(year)
    return f"{era.name}{year_text}年{date.month}月{date.day}日"


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last day of a month."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def format_date(d: dt.date, lang: str | None = None) -> str:
    """``2026年11月23日`` in Japanese, ``23 Nov 2026`` in English: the app's one way of writing a
    date in prose, on screens and on every printed piece."""
    if (lang or current_language()) == "ja":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {MONTH_ABBR[d.month]} {d.year}"


def format_month(year: int, month: int, lang: str | None = None, *, full: bool = False) -> str:
    """``2026年11月`` in Japanese; ``Nov 2026`` in English (``November 2026`` with ``full``)."""
    if (lang or current_language()) == "ja":
        return f"{year}年{month}月"
    return f"{(MONTH_NAMES if full else MONTH_ABBR)[month]} {year}"


def format_birthday(b: Birthday | tuple, lang: str | None = None) -> str:
    """``3月10日`` / ``1980年3月10日`` in Japanese, ``10 Mar`` / ``10 Mar 1980`` in English."""
    year, month, day = b
    if (lang or current_language()) == "ja":
        return f"{year}年{month}月{day}日" if year else f"{month}月{day}日"
    text = f"{day} {MONTH_ABBR[month]}"
    return f"{text} {year}" if year else text


# --- the business day -----------------------------------------------------------------------------

# A shop's day does not end at midnight: an izakaya's 23:50 and 00:20 bills are one evening. The
# business day of a moment is its calendar date, or the day before when the moment falls before
# the cut-off hour (Settings, default 05:00). Every measure that counts "visit days" uses this
# (store/business_day.py holds the same rule as SQL; a test keeps the two equal).
DEFAULT_DAY_START_HOUR = 5
MAX_DAY_START_HOUR = 11  # a cut-off after noon would move lunch into the day before


def clamp_day_start(hour: object) -> int:
    """A usable cut-off hour (0..11) from whatever was stored; anything else gives the default."""
    if isinstance(hour, bool) or not isinstance(hour, int | float):
        return DEFAULT_DAY_START_HOUR
    if hour != hour:  # NaN
        return DEFAULT_DAY_START_HOUR
    return min(max(int(hour), 0), MAX_DAY_START_HOUR)


def business_day(moment: dt.datetime, start_hour: int = DEFAULT_DAY_START_HOUR) -> dt.date:
    """The business day ``moment`` belongs to: 00:20 on the 2nd is still the 1st's evening."""
    day = moment.date()
    return day - dt.timedelta(days=1) if moment.hour < clamp_day_start(start_hour) else day


def business_day_span(
    day: dt.date, start_hour: int = DEFAULT_DAY_START_HOUR
) -> tuple[dt.datetime, dt.datetime]:
    """[first moment, first moment of the next business day) of business day ``day``."""
    h = clamp_day_start(start_hour)
    start = dt.datetime.combine(day, dt.time(h))
    return start, start + dt.timedelta(days=1)
