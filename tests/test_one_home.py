"""One home per concept (issue 13): each of these is defined in exactly one module and imported
everywhere else, so two screens can never word, lay out or write the same thing differently.

A concept is found by a pattern in the source of every module under shopcrm/. Its home must have
it; any other module that has it fails the test, unless it is listed in ``PENDING`` with the
reason (a module another change owns; it moves to the home in that change).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "shopcrm"

# concept: (pattern, its home)
HOMES = {
    "FlowLayout": (r"^\s*class FlowLayout\b", "shopcrm/ui/widgets/flow_layout.py"),
    "discount_text": (r"^\s*def discount_text\b", "shopcrm/domain/offers.py"),
    "format_date": (r"^\s*def format_date\b", "shopcrm/domain/dates.py"),
    "format_month": (r"^\s*def format_month\b", "shopcrm/domain/dates.py"),
    # a date with its year written out in Japanese: 2026年11月23日 (eras included)
    "Japanese date": (r"年\{[^}]*\}月\{[^}]*\}日", "shopcrm/domain/dates.py"),
    "Japanese month": (r"\{[^}]*year[^}]*\}年\{[^}]*month[^}]*\}月\"", "shopcrm/domain/dates.py"),
    "English month names": (r"\"January\"|\"Jan\",", "shopcrm/domain/dates.py"),
    "display width": (r"^\s*def display_width\b", "shopcrm/domain/text.py"),
    "East Asian width": (r"east_asian_width\(", "shopcrm/domain/text.py"),
    # a set of characters that may not start a line: the closing brackets 」』 give it away
    "kinsoku": (r"」』", "shopcrm/domain/text.py"),
    "CSV writer": (r"csv\.(writer|DictWriter)\(", "shopcrm/services/csv_files.py"),
    "formula guard": (r"^\s*FORMULA_STARTS\s*=", "shopcrm/domain/cells.py"),
}

PENDING: dict[tuple[str, str], str] = {}

# Patterns that must occur nowhere: they follow the process locale, which Qt sets from the
# desktop, so English text would come out with Japanese month names (domain/dates spells them).
NOWHERE = {
    "locale month/weekday names": r"calendar\.(month|day)_(abbr|name)|strftime\([^)]*%[aAbB]",
}


def _sources() -> dict[str, str]:
    return {
        p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(PKG.rglob("*.py"))
    }


SOURCES = _sources()


def test_the_scan_sees_the_package():
    assert "shopcrm/domain/dates.py" in SOURCES and len(SOURCES) > 100


@pytest.mark.parametrize("concept", list(HOMES))
def test_each_concept_lives_in_its_home_only(concept):
    pattern, home = HOMES[concept]
    found = re.compile(pattern, re.M)
    assert found.search(SOURCES[home]), f"{concept}: its home {home} no longer has it"
    strays = [
        path
        for path, text in SOURCES.items()
        if path != home and (concept, path) not in PENDING and found.search(text)
    ]
    assert not strays, f"{concept} is defined again in {strays}: import it from {home}"


@pytest.mark.parametrize("concept", list(NOWHERE))
def test_locale_dependent_names_are_not_used(concept):
    found = re.compile(NOWHERE[concept])
    users = [path for path, text in SOURCES.items() if found.search(text)]
    assert not users, f"{users} use {concept}: use domain.dates.MONTH_NAMES / MONTH_ABBR"


# --- services run no SQL: the store does (ARCHITECTURE.md) --------------------------------------

SQL_CALLS = ("execute", "executescript", "executemany", "query")
SQL_ALLOWED = {}


def _sql_calls(text: str) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SQL_CALLS
    ]


SERVICES = [path for path in SOURCES if path.startswith("shopcrm/services/")]


def test_the_sql_scan_sees_a_call():
    assert _sql_calls("db.execute('SELECT 1')\nx.y.query('q')") == [1, 2]


@pytest.mark.parametrize("path", SERVICES)
def test_services_run_no_sql(path):
    if path in SQL_ALLOWED:
        return
    lines = _sql_calls(SOURCES[path])
    assert not lines, f"{path} runs SQL at lines {lines}: move it into a store/ function"


def test_privacy_runs_no_sql():
    assert "execute(" not in SOURCES["shopcrm/services/privacy.py"]
