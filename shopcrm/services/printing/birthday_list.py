"""The printable birthday list: an A4 table of the guests with a birthday in a month or in the next
N days (date with weekday, name 様 and reading, age turned, DM consent, phone, last visit,
favourite), for the counter or the owner's desk.

Every page repeats the title, the filters used, the column headings and "page n / N", so any page
read on its own says what it is. ``build`` takes ``BirthdayRow`` records (services.campaigns) and
never touches the database; ``build_from_db`` fetches the shop and the favourites first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4

from shopcrm.domain.dates import (
    MONTH_ABBR,
    MONTH_NAMES,
    WEEKDAY_ABBR,
    WEEKDAYS_JA,
    format_date,
    month_range,
)
from shopcrm.domain.rules import format_phone
from shopcrm.i18n import N_, _, current_language
from shopcrm.services.campaigns import birthday_month_year
from shopcrm.services.printing.layout import (
    ACCENT,
    GREY,
    INK,
    PrintResult,
    Shop,
    addressed,
    draw_fitted,
    make_pdf,
    mm,
)
from shopcrm.services.printing.pieces import shop_from_settings
from shopcrm.store import campaign_records

MARGIN = 14 * mm
ROW_H = 9.2 * mm
HEAD_H = 21 * mm  # title, period and filters above the table
COL_HEAD_H = 6.5 * mm
FOOT_H = 9 * mm

# (msgid of the heading, share of the table width, right-aligned)
COLUMNS = (
    (N_("Done"), 0.05, False),
    (N_("Date"), 0.12, False),
    (N_("Name / reading"), 0.25, False),
    (N_("Age"), 0.06, True),
    (N_("DM"), 0.06, False),
    (N_("Phone"), 0.14, False),
    (N_("Last visit"), 0.12, False),
    (N_("Favourite"), 0.20, False),
)


@dataclass(frozen=True)
class ListFilters:
    """What the list was made of: a month (1-12) or a number of days, and the filters."""

    month: int | None = None
    days: int | None = None
    consent: bool = False
    address: bool = False
    visited_within_months: int | None = None


def rows_per_page() -> int:
    """How many guests fit one A4 page under the heading and above the footer."""
    usable = A4[1] - 2 * MARGIN - HEAD_H - COL_HEAD_H - FOOT_H
    return int(usable // ROW_H)


def day_text(d: dt.date) -> str:
    """12月5日(金) in Japanese, Fri 5 Dec in English."""
    if current_language() == "ja":
        return f"{d.month}月{d.day}日({WEEKDAYS_JA[d.weekday()]})"
    return f"{WEEKDAY_ABBR[d.weekday()]} {d.day} {MONTH_ABBR[d.month]}"


def _short_date(d: dt.date) -> str:
    if current_language() == "ja":
        return f"{d.year}/{d.month}/{d.day}"
    return format_date(d)


def _month_name(month: int) -> str:
    return f"{month}月" if current_language() == "ja" else MONTH_NAMES[month]


def title_text(filters: ListFilters, shop: Shop | None) -> str:
    """ "12月のお誕生日 (居酒屋 まるや)" / "Birthdays in December (Izakaya Maruya)"."""
    if filters.month is not None:
        title = _("Birthdays in {month}").format(month=_month_name(filters.month))
    else:
        title = _("Birthdays in the next {days} days").format(days=filters.days)
    return f"{title} ({shop.name})" if shop and shop.name else title


def period_text(rows: Sequence, filters: ListFilters, today: dt.date) -> str:
    """The dates covered: "2026年12月1日〜12月31日" / "1 Dec – 31 Dec 2026"."""
    if filters.month is not None:
        year = rows[0].birthday.year if rows else _year_of_month(filters.month, today)
        first, last = month_range(year, filters.month)
    else:
        first, last = today, today + dt.timedelta(days=filters.days or 0)
    return _("{first} to {last}").format(first=format_date(first), last=format_date(last))


def _year_of_month(month: int, today: dt.date) -> int:
    return birthday_month_year(month, today)


def filters_text(filters: ListFilters) -> str:
    """The filters in words, e.g. "Filters: DM consent · visited within 12 months"."""
    parts = []
    if filters.consent:
        parts.append(_("DM consent"))
    if filters.address:
        parts.append(_("complete address"))
    if filters.visited_within_months:
        parts.append(_("visited within {n} months").format(n=filters.visited_within_months))
    if not parts:
        return _("Filters: none (every guest with a birthday on record)")
    return _("Filters: {filters}").format(filters=_(" · ").join(parts))


def build(
    rows: Sequence,
    out: str | Path | None,
    *,
    filters: ListFilters,
    shop: Shop | None = None,
    favourites: dict[int, str] | None = None,
    today: dt.date | None = None,
) -> PrintResult:
    """The list as an A4 PDF written to ``out`` (or returned as bytes when ``out`` is None)."""
    today = today or dt.date.today()
    favourites = favourites or {}
    per_page = rows_per_page()
    total_pages = max(1, -(-len(rows) // per_page))
    width = A4[0] - 2 * MARGIN
    lefts, x = [], MARGIN
    for _msgid, share, _right in COLUMNS:
        lefts.append(x)
        x += share * width
    title = title_text(filters, shop)
    period = period_text(rows, filters, today)
    made = _("Printed {date}").format(date=_short_date(today))
    count = _("{n} guests").format(n=len(rows))
    filt = filters_text(filters)

    def on_page(doc) -> None:
        c = doc.c
        font = doc.font
        top = A4[1] - MARGIN
        c.setFillColorRGB(*ACCENT)
        draw_fitted(c, title, MARGIN, top - 16, width * 0.75, 16, min_size=10)
        c.setFillColorRGB(*GREY)
        draw_fitted(c, made, MARGIN + width, top - 16, width * 0.25, 8, align="right")
        c.setFillColorRGB(*INK)
        draw_fitted(c, f"{period}  ·  {count}", MARGIN, top - 29, width, 9.5)
        c.setFillColorRGB(*GREY)
        draw_fitted(c, filt, MARGIN, top - 41, width, 8.5)
        # column headings, on every page
        head_top = top - HEAD_H
        c.setFillColorRGB(0.93, 0.90, 0.88)
        c.rect(MARGIN, head_top - COL_HEAD_H, width, COL_HEAD_H, stroke=0, fill=1)
        c.setFillColorRGB(*INK)
        for (msgid, share, right), left in zip(COLUMNS, lefts, strict=True):
            w = share * width - 2 * mm
            xx = left + share * width - 1 * mm if right else left + 1 * mm
            draw_fitted(
                c, _(msgid), xx, head_top - COL_HEAD_H + 2 * mm, w, 7.5,
                align="right" if right else "left",
            )  # fmt: skip
        c.setStrokeColorRGB(*GREY)
        c.setLineWidth(0.6)
        c.line(MARGIN, head_top - COL_HEAD_H, MARGIN + width, head_top - COL_HEAD_H)
        # footer: page n / N
        c.setFillColorRGB(*GREY)
        c.setFont(font, 7.5)
        c.drawCentredString(
            A4[0] / 2,
            MARGIN,
            _("Page {page} of {pages}").format(page=doc.pages, pages=total_pages),
        )
        c.drawString(MARGIN, MARGIN, title)
        c.setFillColorRGB(*INK)

    def draw(doc, row, slot: int) -> None:
        c = doc.c
        y_top = A4[1] - MARGIN - HEAD_H - COL_HEAD_H - (slot % per_page) * ROW_H
        base = y_top - ROW_H
        if row is None:
            c.setFillColorRGB(*GREY)
            draw_fitted(c, _("No birthdays in that period."), MARGIN + 2 * mm, base + 3 * mm,
                        width, 10)  # fmt: skip
            return
        if slot % 2:
            c.setFillColorRGB(0.975, 0.965, 0.955)
            c.rect(MARGIN, base, width, ROW_H, stroke=0, fill=1)
        c.setFillColorRGB(*INK)
        cu = row.customer
        mid = base + ROW_H / 2 - 3.2
        cells = [
            "",
            day_text(row.birthday),
            None,  # name and reading: two lines, drawn below
            "" if row.age is None else str(row.age),
            _("yes") if row.can_mail else _("no"),
            format_phone(cu.phone) if cu.phone else "—",
            _short_date(row.last_visit_at.date()) if row.last_visit_at else "—",
            favourites.get(cu.id, "") or "—",
        ]
        for (_msgid, share, right), left, text in zip(COLUMNS, lefts, cells, strict=True):
            w = share * width - 2 * mm
            if text is None:
                c.setFillColorRGB(*GREY)
                if cu.kana:
                    draw_fitted(c, cu.kana, left + 1 * mm, base + ROW_H - 3.2 * mm, w, 6.5)
                c.setFillColorRGB(*INK)
                draw_fitted(c, addressed(cu), left + 1 * mm, base + 1.8 * mm, w, 10.5)
                continue
            if not text:
                continue
            xx = left + share * width - 1 * mm if right else left + 1 * mm
            draw_fitted(c, text, xx, mid, w, 9, align="right" if right else "left")
        # the "done" box to tick by hand
        c.setStrokeColorRGB(*GREY)
        c.setLineWidth(0.5)
        box = 3.6 * mm
        c.rect(lefts[0] + 1.5 * mm, base + (ROW_H - box) / 2, box, box, stroke=1, fill=0)
        c.setStrokeColorRGB(0.8, 0.8, 0.8)
        c.setLineWidth(0.3)
        c.line(MARGIN, base, MARGIN + width, base)
        c.setFillColorRGB(*INK)

    items: list = list(rows) or [None]
    return make_pdf(
        out,
        A4,
        items,
        draw,
        shop=shop,
        title=title,
        per_page=per_page,
        on_page=on_page,
        printed=[],
    )


def build_from_db(
    db,
    rows: Sequence,
    out: str | Path | None,
    *,
    filters: ListFilters,
    today: dt.date | None = None,
) -> PrintResult:
    """``build`` with the shop from the settings and each guest's favourite from the database."""
    favourites = campaign_records.favourites(db, [r.customer.id for r in rows])
    return build(
        rows, out, filters=filters, shop=shop_from_settings(db), favourites=favourites, today=today
    )
