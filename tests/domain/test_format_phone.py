"""Phones are shown as people write them; normalising the shown form gives the stored one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopcrm.domain.rules import format_phone, normalize_phone


@pytest.mark.parametrize(
    "stored,shown",
    [
        ("09012345678", "090-1234-5678"),
        ("07012345678", "070-1234-5678"),
        ("0312345678", "03-1234-5678"),
        ("0612345678", "06-1234-5678"),
        ("0451234567", "045-123-4567"),
        ("0120123456", "0120-123-456"),
        ("08001234567", "0800-123-4567"),
        ("+819012345678", "+819012345678"),  # international: as stored
        ("01234567890", "01234567890"),  # not a Japanese numbering plan shape: left alone
        ("", ""),
    ],
)
def test_grouping(stored, shown):
    assert format_phone(stored) == shown


@given(st.from_regex(r"0[1-9][0-9]{8,9}", fullmatch=True))
def test_shown_form_normalises_back(stored):
    try:
        canonical = normalize_phone(stored)
    except ValueError:
        return  # not a valid number; nothing to show
    assert normalize_phone(format_phone(canonical)) == canonical
