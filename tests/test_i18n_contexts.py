"""One English word, two meanings: such a msgid must carry a context (``pgettext``), or one
Japanese translation ends up in the wrong place (the import wizard's Next button once read
「今日から」, the translation of the birthday list's "Next [30 days]").

The scan finds every bare ``_()``/``N_()`` msgid and the kind of place it is used in: a command
(a push button, a wizard button), an option (a radio button, a check box) or a heading (a label,
a group box, a tab, a page title). A msgid used as a command and as anything else is ambiguous
and fails here; so does any bare use of a word known to have two translations."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from shopcrm import i18n

PKG = Path(__file__).resolve().parent.parent / "shopcrm"

ROLES = {
    "command": {"QPushButton", "QToolButton", "setButtonText", "addButton", "QAction"},
    "option": {"QRadioButton", "QCheckBox"},
    "heading": {"QLabel", "QGroupBox", "addTab", "setTitle", "setSubTitle", "setWindowTitle"},
}
# Words whose Japanese depends on where they stand: always with a context.
AMBIGUOUS = {"Next", "Back", "Open", "Order", "Clear", "Free", "Last"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _uses() -> dict[str, set[tuple[str, str]]]:
    """msgid -> {(role, "file:line")} for every bare _()/N_() call inside a role call."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path in sorted(PKG.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(PKG.parent))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            role = next((r for r, names in ROLES.items() if _name(node.func) in names), "")
            for arg in node.args:
                for inner in ast.walk(arg):
                    if (
                        isinstance(inner, ast.Call)
                        and _name(inner.func) in ("_", "N_")
                        and inner.args
                        and isinstance(inner.args[0], ast.Constant)
                        and isinstance(inner.args[0].value, str)
                    ):
                        found[inner.args[0].value].add((role, f"{where}:{inner.lineno}"))
    return found


def test_no_msgid_is_used_with_two_meanings():
    clashes = []
    for msgid, uses in sorted(_uses().items()):
        roles = {role for role, _where in uses if role}
        if "command" in roles and len(roles) > 1:  # a label and its check box mean one thing
            places = ", ".join(sorted(f"{r} at {w}" for r, w in uses if r))
            clashes.append(f"{msgid!r}: {places}")
    assert not clashes, "use pgettext(context, msgid) for:\n" + "\n".join(clashes)


def test_words_with_two_translations_always_carry_a_context():
    bare = [
        f"{msgid!r} at {where}"
        for msgid, uses in sorted(_uses().items())
        if msgid in AMBIGUOUS
        for _role, where in sorted(uses)
    ]
    assert not bare, "use pgettext(context, msgid) for:\n" + "\n".join(bare)


def test_the_two_nexts_read_differently_in_japanese():
    i18n.set_language("ja")
    try:
        button = i18n.pgettext("button: go to the next step", "Next")
        days = i18n.pgettext("birthday list: the next N days", "Next")
    finally:
        i18n.set_language("en")
    assert button == "次へ" and days == "今日から"


def test_the_scan_sees_the_roles():
    uses = _uses()
    assert "command" in {role for role, _w in uses["Record visit"]}  # the big Today button
    assert "option" in {role for role, _w in uses["DM consent only"]}  # a check box
