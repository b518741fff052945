"""Every user-visible string is translated: each _()/N_()/ngettext() msgid has a Japanese entry."""

from __future__ import annotations

import ast
from pathlib import Path

from shopcrm import i18n

PKG = Path(__file__).resolve().parent.parent / "shopcrm"
MARKERS = {"_", "N_", "ngettext", "pgettext"}


def _msgids() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(PKG.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in MARKERS or not node.args:
                continue
            args = node.args[1:] if node.func.id == "pgettext" else node.args
            first = args[0] if args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                key = first.value
                if node.func.id == "pgettext":
                    ctx = node.args[0]
                    if isinstance(ctx, ast.Constant):
                        key = f"{ctx.value}\x04{first.value}"
                found[key] = f"{path.relative_to(PKG.parent)}:{node.lineno}"
    return found


def test_the_scan_finds_messages():
    assert len(_msgids()) > 20


def test_every_message_has_a_japanese_translation():
    catalog = i18n.load_catalog("ja")
    assert catalog is not None
    missing = [
        f"{where}: {msgid!r}"
        for msgid, where in sorted(_msgids().items(), key=lambda kv: kv[1])
        if msgid not in catalog._messages and msgid not in catalog._plurals
    ]
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_switching_language_changes_messages():
    i18n.set_language("ja")
    assert i18n._("Name") == "氏名"
    i18n.set_language("en")
    assert i18n._("Name") == "Name"


def test_system_language_follows_environment(monkeypatch):
    monkeypatch.setenv("SHOPCRM_LANG", "ja_JP.UTF-8")
    assert i18n.system_language() == "ja"
    monkeypatch.setenv("SHOPCRM_LANG", "en_GB.UTF-8")
    assert i18n.system_language() == "en"
