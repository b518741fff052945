"""Translations: ``_()``, ``N_()`` and ``ngettext()`` over gettext catalogs.

Source strings (msgids) are English. The Japanese catalog is written as ``*.po`` files under
``resources/i18n/ja/`` (one file per area, so areas never edit the same file) and read at first use
from the one ``.mo`` file they compile to (``shopcrm.resources.catalog_file``: built into the
package, or compiled once into the cache in a checkout). The language follows ``SHOPCRM_LANG``,
then the system locale; ``set_language()`` switches it at run time (the settings switch).
Everything outside the UI that shows text to a user (CLI messages, validation errors, PDFs, charts)
calls ``_()`` at the moment it renders, so a switch takes effect everywhere.
"""

from __future__ import annotations

import gettext
import locale
import os
import threading
from functools import cache

from shopcrm import resources

LANGUAGES = ("ja", "en")
RESOURCES = resources.root()  # the shipped files (package data, or the checkout's resources/)
I18N_DIR = resources.SOURCE_TREE / "i18n"  # the .po sources (a checkout only)


class _CatalogTranslations(gettext.NullTranslations):
    """gettext translations backed by a dict built from .po files (Japanese: one plural form)."""

    def __init__(self, messages: dict[str, str], plurals: dict[str, str]):
        super().__init__()
        self._messages = messages
        self._plurals = plurals

    def gettext(self, message: str) -> str:
        return self._messages.get(message) or message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        translated = self._plurals.get(msgid1)
        if translated:
            return translated
        return msgid1 if n == 1 else msgid2

    def pgettext(self, context: str, message: str) -> str:
        return self._messages.get(f"{context}\x04{message}") or message


@cache
def load_catalog(language: str) -> _CatalogTranslations | None:
    """The compiled catalog of ``language``; ``None`` for English (the source language)."""
    if language == "en":
        return None
    messages: dict[str, str] = {}
    plurals: dict[str, str] = {}
    mo = resources.catalog_file(language)
    if mo is not None:
        with mo.open("rb") as fh:
            compiled = gettext.GNUTranslations(fh)
        for key, text in compiled._catalog.items():
            if isinstance(key, tuple):
                if key[1] == 0 and text:
                    plurals[key[0]] = text
            elif key and text:
                messages[key] = text
    return _CatalogTranslations(messages, plurals)


def system_language() -> str:
    """``ja`` when the environment or system locale is Japanese, else ``en``."""
    for var in ("SHOPCRM_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "ja" if loc.lower().startswith("ja") else "en"


_language: str = ""
_translations: gettext.NullTranslations = gettext.NullTranslations()
_local = threading.local()  # a per-thread override set by ``using_language``


def _active() -> gettext.NullTranslations:
    override = getattr(_local, "override", None)
    return _translations if override is None else override[1]


def set_language(language: str) -> None:
    """Switch the language of every later ``_()`` call (``ja`` or ``en``)."""
    global _language, _translations
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language: {language!r}")
    _language = language
    _translations = load_catalog(language) or gettext.NullTranslations()


def current_language() -> str:
    override = getattr(_local, "override", None)
    if override is not None:
        return override[0]
    if not _language:
        set_language(system_language())
    return _language


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    if not _language:
        set_language(system_language())
    return _active().gettext(message)


def N_(message: str) -> str:
    """Mark a constant for translation without translating it now (translate with ``_()``)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    if not _language:
        set_language(system_language())
    return _active().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    if not _language:
        set_language(system_language())
    return _active().pgettext(context, message)


class using_language:
    """Translate in ``language`` inside the block, on this thread only (a printed piece is in its
    guest's language, whatever the screen shows; a print worker never changes the screen's
    language). "" or None keeps the current language."""

    def __init__(self, language: str | None):
        self.language = language if language in LANGUAGES else None
        self._before: tuple | None = None

    def __enter__(self) -> str:
        self._before = getattr(_local, "override", None)
        if self.language:
            _local.override = (
                self.language,
                load_catalog(self.language) or gettext.NullTranslations(),
            )
        return current_language()

    def __exit__(self, *exc) -> None:
        _local.override = self._before
