"""The owner's monthly report: a few A4 pages of key figures, charts, the at-risk list, birthdays.

Page 1: the month's key figures against the previous month and the same month last year, and the
new-vs-returning chart of the 12 months up to it. Page 2: second-visit rate, cumulative LTV by
channel and the revenue deciles. Page 3: guests at risk (high past value, low probability still
active) and next month's birthdays. Charts are the dashboard's own Figures (``services.charts``)
rendered to PNG; text is set in the embedded IPAexGothic (``printing.fonts.register``), so the PDF
prints the same on any machine.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from sqlite_utils import Database

from shopcrm.domain.dates import MONTH_ABBR, format_month
from shopcrm.i18n import N_, _, current_language
from shopcrm.services import analytics, campaigns, charts, clv, glossary
from shopcrm.services.printing import fonts
from shopcrm.services.printing.phrases import break_phrases, text_phrases
from shopcrm.store import settings

KEY_FIGURES = (
    ("new_customers", N_("New guests"), "int"),
    ("customers", N_("Guests visiting"), "int"),
    ("returning_share", N_("Returning share"), "pct"),
    ("repeat_rate", N_("Repeat rate"), "pct"),
    ("visits", N_("Visits"), "int"),
    ("guests", N_("Guests (people)"), "int"),
    ("revenue", N_("Revenue"), "yen"),
    ("spend_per_visit", N_("Average spend per visit"), "yen"),
    ("spend_per_person", N_("Average spend per person"), "yen"),
)


def _fmt(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "pct":
        return charts.pct(value, 1)
    if kind == "yen":
        return charts.yen(value)
    return f"{value:,}"


def _change(now, before, kind: str) -> str:
    if now is None or before is None:
        return "—"
    if kind == "pct":
        return f"{(now - before) * 100:+.1f} pt"
    if not before:
        return "—"
    return f"{(now - before) / before * 100:+.0f}%"


def _month_title(year: int, month: int) -> str:
    return format_month(year, month, full=True)


def key_figures(db: Database, year: int, month: int, *, today: dt.date | None = None) -> dict:
    """Totals of the month, the month before and the same month a year before.

    For the month under way, the month to date against the same days of the other two
    (``analytics.month_comparison``), never a part of a month against whole months."""
    today = today or dt.date.today()
    periods = analytics.month_comparison(year, month, today)
    data = analytics.load(db, today=min(periods.this[1], today))
    return {
        "data": data,
        "periods": periods,
        "this": analytics.totals(data, *periods.this),
        "previous": analytics.totals(data, *periods.previous),
        "last_year": analytics.totals(data, *periods.last_year),
    }


def day_span(start: dt.date, end: dt.date, *, year: bool) -> str:
    """Days of one month: "1–23 Nov" (+ " 2025") / "11月1日〜23日" ("2025年" first)."""
    if current_language() == "ja":
        text = f"{start.month}月{start.day}日〜{end.day}日"
        return f"{start.year}年{text}" if year else text
    text = f"{start.day}–{end.day} {MONTH_ABBR[start.month]}"
    return f"{text} {start.year}" if year else text


def period_note(periods: analytics.MonthComparison) -> str:
    """What the key figures compare, e.g. "1–23 Nov, compared with 1–23 Oct and 1–23 Nov 2025"."""
    this_year = periods.this[0].year
    return _("{this}, compared with {previous} and {last_year}").format(
        this=day_span(*periods.this, year=False),
        previous=day_span(*periods.previous, year=periods.previous[0].year != this_year),
        last_year=day_span(*periods.last_year, year=True),
    )


def _birthdays(db: Database, year: int, month: int) -> list[tuple[str, str]]:
    """(date text, name) of next month's birthdays."""
    nxt = month + 1 if month < 12 else 1

    rows = campaigns.birthday_list(db, month=nxt, today=dt.date(year, month, 1))
    return [(f"{r.birthday.month}/{r.birthday.day}", r.customer.name) for r in rows]


def build(
    db: Database,
    year: int,
    month: int,
    output: str | Path | io.BytesIO,
    *,
    today: dt.date | None = None,
) -> int:
    """Write the report for ``year``-``month`` to ``output``; returns the number of pages."""
    font = fonts.register()
    figures = key_figures(db, year, month, today=today)
    periods = figures["periods"]
    start, end = periods.this
    data = figures["data"]
    year_start = analytics.month_start(analytics.month_index(end) - 11)
    board = analytics.dashboard(data, year_start, end)
    result = clv.fit_visits(db, data.visits, data.as_of)
    risk = clv.at_risk(result, limit=20)
    shop = settings.get(db, "shop_name")

    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, spaceAfter=4)
    h2 = ParagraphStyle("h2", fontName=font, fontSize=12.5, leading=17, spaceBefore=8, spaceAfter=4)
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13)
    small = ParagraphStyle("small", fontName=font, fontSize=8, leading=11, textColor="#555555")
    width = A4[0] - 30 * mm

    def image(fig, w=width):
        buf = io.BytesIO()
        charts.save_png(fig, buf, dpi=150)
        buf.seek(0)
        fw, fh = fig.get_size_inches()
        return Image(buf, width=w, height=w * fh / fw)

    head_right = ParagraphStyle("head", fontName=font, fontSize=8, leading=10, alignment=2)
    head_left = ParagraphStyle("head_left", parent=head_right, alignment=0)

    def head(text: str, col_width: float) -> str:
        """A header cell broken at phrase boundaries (BudouX) with kinsoku, never 再来／店."""
        inner = col_width - 8  # the cell's left and right padding

        def fits(line: str) -> bool:
            return fonts.string_width(line, 8) <= inner

        lines = break_phrases(text_phrases(str(text)), fits, hard=False)
        return "<br/>".join(escape(line) for line in lines)

    def table(rows, col_widths, header=True, align="RIGHT"):
        if header:  # header cells wrap (at phrases) instead of running into each other
            rows = [
                [
                    Paragraph(
                        head(h, col_widths[i]),
                        head_left if (i == 0 or align == "LEFT") else head_right,
                    )
                    for i, h in enumerate(rows[0])
                ],
                *rows[1:],
            ]
        cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=11)
        rows = [  # names with 𠮷 and the like: the fallback font per character
            row
            if n == 0 and header
            else [
                Paragraph(fonts.markup(v), cell)
                if isinstance(v, str) and fonts.needs_fallback(v)
                else v
                for v in row
            ]
            for n, row in enumerate(rows)
        ]
        t = Table(rows, colWidths=col_widths, repeatRows=1 if header else 0)
        style = [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("ALIGN", (1, 0), (-1, -1), align),
            ("ALIGN", (0, 0), (0, -1), "LEFT"),
            ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#888888")),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F4F6FA")]),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEF3FB")))
        t.setStyle(TableStyle(style))
        return t

    story = [
        Paragraph(_("Monthly report {month}").format(month=_month_title(year, month)), title),
        Paragraph(
            f"{shop} · "
            + _("{start} – {end}").format(start=start.isoformat(), end=end.isoformat()),
            small,
        ),
        Paragraph(_("Key figures"), h2),
    ]
    if periods.partial:  # the month is under way: say which days are compared
        story.insert(2, Paragraph(_("Month to date: ") + period_note(periods), body))
    this, prev, last = figures["this"], figures["previous"], figures["last_year"]
    rows = [
        [
            "",
            _month_title(year, month),
            _("Previous month"),
            _("Change"),
            _("Same month last year"),
            _("Change"),
        ]
    ]
    if periods.partial:
        rows[0][1:] = [
            day_span(*periods.this, year=False),
            day_span(*periods.previous, year=periods.previous[0].year != year),
            _("Change"),
            day_span(*periods.last_year, year=True),
            _("Change"),
        ]
    for key, label, kind in KEY_FIGURES:
        rows.append(
            [
                _(label),
                _fmt(this[key], kind),
                _fmt(prev[key], kind),
                _change(this[key], prev[key], kind),
                _fmt(last[key], kind),
                _change(this[key], last[key], kind),
            ]
        )
    story.append(table(rows, [width * f for f in (0.26, 0.16, 0.16, 0.1, 0.2, 0.12)]))
    ltv = board.classic_ltv
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(charts.ltv_formula_text(ltv), body))
    story.append(Spacer(1, 4 * mm))
    story.append(image(charts.monthly_chart(board)))
    if periods.partial:
        story.append(
            Paragraph(
                _("The chart's last month is counted up to {date}.").format(date=end.isoformat()),
                small,
            )
        )
    story.append(PageBreak())
    chart_width = width * 0.88
    story.append(image(charts.second_visit_chart(board), chart_width))
    story.append(image(charts.ltv_channel_chart(board), chart_width))
    story.append(image(charts.deciles_chart(board), chart_width))
    story.append(PageBreak())
    for key in ("channels", "campaigns"):
        headers, rows = charts.table(key, board)
        story.append(Paragraph(_(charts.CHARTS[key]), h2))
        if rows:
            first = 0.18
            rest = (1 - first) / (len(headers) - 1)
            story.append(
                table([headers, *rows], [width * first] + [width * rest] * (len(headers) - 1))
            )
        else:
            story.append(Paragraph(_("No data for this period yet."), body))
    story.append(
        Paragraph(
            _("Channels and coupons of the 12 months {start} – {end}.").format(
                start=year_start.isoformat(), end=end.isoformat()
            ),
            small,
        )
    )
    story.append(Paragraph(_("Guests at risk"), h2))
    story.append(
        Paragraph(
            _(
                "Valuable guests (top quarter by spend) who came within the past year but whose "
                "probability of still coming is below 50 %: candidates for a win-back coupon."
            ),
            small,
        )
    )
    if not result.ok:
        story.append(Paragraph(result.message, body))
    elif not risk:
        story.append(Paragraph(_("Nobody at the moment."), body))
    else:
        headers, rows = charts.at_risk_table(risk)
        story.append(table([headers, *rows], [width * f for f in (0.32, 0.14, 0.2, 0.14, 0.2)]))
    nxt_year, nxt = (year, month + 1) if month < 12 else (year + 1, 1)
    story.append(Paragraph(_("Birthdays in {month}").format(month=_month_title(nxt_year, nxt)), h2))
    birthdays = _birthdays(db, year, month)
    if not birthdays:
        story.append(Paragraph(_("Nobody at the moment."), body))
    else:
        half = (len(birthdays) + 1) // 2
        left, right = birthdays[:half], birthdays[half:]
        rows = [[*left[i], *(right[i] if i < len(right) else ("", ""))] for i in range(half)]
        story.append(
            table(
                [[_("Birthday"), _("Guest"), _("Birthday"), _("Guest")], *rows],
                [width * f for f in (0.12, 0.38, 0.12, 0.38)],
                align="LEFT",
            )
        )

    story.append(Paragraph(_("What the figures mean"), h2))
    for key in glossary.REPORT_TERMS:
        line = f"<b>{escape(glossary.title(key))}</b>: {escape(glossary.text(key))}"
        story.append(Paragraph(line, small))

    pages = []

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#777777"))
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, _("Page {n}").format(n=doc.page))
        canvas.drawString(15 * mm, 10 * mm, f"shopcrm · {shop}")
        canvas.restoreState()
        pages.append(doc.page)

    target = str(output) if isinstance(output, (str, Path)) else output
    doc = SimpleDocTemplate(
        target,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=_("Monthly report {month}").format(month=_month_title(year, month)),
        author=shop,
        # The canvas's initial font would otherwise be Helvetica: named in the PDF, not embedded.
        initialFontName=font,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return len(pages)
