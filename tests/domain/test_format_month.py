"""Months as text, from their one home (domain/dates): the dashboard's axes, the monthly report's
title and a coupon's issue period all read the same."""

from __future__ import annotations

import datetime as dt

from shopcrm.domain.dates import MONTH_ABBR, MONTH_NAMES, WEEKDAY_ABBR, format_date, format_month
from shopcrm.i18n import using_language
from shopcrm.services import campaigns, charts
from shopcrm.services.printing import monthly_report


def test_month_in_both_languages():
    assert format_month(2026, 1, "ja") == "2026年1月"
    assert format_month(2026, 1, "en") == "Jan 2026"
    assert format_month(2026, 12, "en", full=True) == "December 2026"
    assert format_month(2026, 12, "ja", full=True) == "2026年12月"


def test_english_names_are_spelled_out_not_the_locales():
    assert MONTH_NAMES[1:] == (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    )  # fmt: skip
    assert MONTH_ABBR[9] == "Sep" and len(MONTH_ABBR) == len(MONTH_NAMES) == 13
    assert WEEKDAY_ABBR[dt.date(2026, 12, 4).weekday()] == "Fri"
    assert format_date(dt.date(2026, 9, 3), "en") == "3 Sep 2026"


def test_the_screens_and_the_report_use_it():
    for lang, period in (("ja", "2026年12月"), ("en", "Dec 2026")):
        with using_language(lang):
            assert charts.month_long("2026-12") == format_month(2026, 12)
            assert monthly_report._month_title(2026, 12) == format_month(2026, 12, full=True)
            assert campaigns.period_text("2026-12") == period
