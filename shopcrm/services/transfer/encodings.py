"""Which characters a CSV file's bytes are: the one home of text-encoding detection.

Japanese shops' files come from Excel (cp932 / Shift_JIS, or UTF-8 with BOM), POS and web
systems (UTF-8, EUC-JP), old mail tools (ISO-2022-JP, "JIS") and Windows tools that write
UTF-16, with or without a byte-order mark. Detection, in order:

1. a byte-order mark (UTF-8, UTF-16);
2. ISO-2022-JP's escape sequences (its bytes are also valid ASCII/UTF-8, so it is checked first);
3. UTF-16 without a mark (NUL bytes on one side of every pair); strict UTF-8; strict cp932,
   unless the bytes are also strict EUC-JP and read better so;
4. anything else (EUC-JP mostly) is left to charset-normalizer, asked only about the encodings
   Japanese shops' files use (asked freely it reads a damaged Shift_JIS file as Korean);
5. damaged bytes nothing reads cleanly: the reading that loses the fewest characters.

The names the user can choose (command line ``--encoding``, the import dialog) are
``READ_ENCODINGS``; ``ALIASES`` maps the other spellings people type.
"""

from __future__ import annotations

import codecs

import charset_normalizer

from shopcrm.i18n import N_

# (code, label) offered for reading a CSV file; labels of real encoding names are not translated.
READ_ENCODINGS: tuple[tuple[str, str], ...] = (
    ("auto", N_("Detect automatically")),
    ("utf-8", "UTF-8"),
    ("utf-8-sig", "UTF-8 (BOM)"),
    ("cp932", "Shift_JIS (cp932)"),
    ("euc-jp", "EUC-JP"),
    ("iso-2022-jp", "ISO-2022-JP (JIS)"),
    ("utf-16", "UTF-16"),
)
ALIASES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "ms932": "cp932",
    "windows-31j": "cp932",
    "eucjp": "euc-jp",
    "euc_jp": "euc-jp",
    "ujis": "euc-jp",
    "jis": "iso-2022-jp",
    "iso2022jp": "iso-2022-jp",
    "iso2022_jp": "iso-2022-jp",
    "utf8": "utf-8",
    "utf16": "utf-16",
}
# every name the command line accepts
CHOICES: tuple[str, ...] = tuple(code for code, _label in READ_ENCODINGS) + tuple(ALIASES)

# charset-normalizer's names -> the names we show (it reports supersets such as euc_jis_2004)
_SHOWN = {
    "utf_8": "utf-8",
    "cp932": "cp932",
    "shift_jis": "cp932",
    "shift_jis_2004": "cp932",
    "shift_jisx0213": "cp932",
    "euc_jp": "euc-jp",
    "euc_jis_2004": "euc-jp",
    "euc_jisx0213": "euc-jp",
    "iso2022_jp": "iso-2022-jp",
    "iso2022_jp_2": "iso-2022-jp",
    "iso2022_jp_ext": "iso-2022-jp",
    "utf_16": "utf-16",
    "utf_16_le": "utf-16-le",
    "utf_16_be": "utf-16-be",
}
# What a Japanese shop's files are written in, tried first: a short EUC-JP file otherwise reads
# as Korean (cp949) or Chinese just as "cleanly".
_CANDIDATES = ("utf_8", "cp932", "euc_jp", "iso2022_jp", "utf_16_le", "utf_16_be", "cp1252")
_ISO2022_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(I", b"\x1b$(D")


class UnknownEncoding(LookupError):
    """The user named an encoding Python does not know."""


def canonical(name: str) -> str:
    """A user's spelling of an encoding -> the name used to decode (``Shift_JIS`` -> ``cp932``)."""
    key = (name or "").strip().lower()
    enc = ALIASES.get(key, key)
    try:
        codecs.lookup(enc)
    except LookupError:
        raise UnknownEncoding(name) from None
    return enc


def decode(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    """(text, the encoding used). Undecodable bytes become U+FFFD (rows with them are reported
    as unreadable by the import), never an exception."""
    if encoding not in ("auto", "", None):
        enc = canonical(encoding)
        if enc in ("utf-8", "utf-8-sig") and data.startswith(codecs.BOM_UTF8):
            enc = "utf-8-sig"
        return data.decode(enc, errors="replace"), enc
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if b"\x1b" in data and any(e in data for e in _ISO2022_ESCAPES):
        text = _strict(data, "iso-2022-jp")
        if text is not None:
            return text, "iso-2022-jp"
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    mostly = _mostly_utf8(data)
    if mostly is not None:  # a UTF-8 file with a row pasted from a Shift_JIS one
        return mostly, "utf-8"
    text = _strict(data, "cp932")
    if text is not None:
        if _strict(data, "euc-jp") is None or _prefer(data, ("cp932", "euc_jp")) == "cp932":
            return text, "cp932"
        return data.decode("euc-jp"), "euc-jp"
    # a UTF-16 CSV always holds NUL bytes (its commas and line ends are 00-padded ASCII)
    candidates = [c for c in _CANDIDATES if b"\x00" in data or not c.startswith("utf_16")]
    best = charset_normalizer.from_bytes(data, cp_isolation=candidates).best()
    if best is not None and best.encoding:
        shown = _SHOWN.get(best.encoding, best.encoding.replace("_", "-"))
        return data.decode(best.encoding, errors="replace"), shown
    # Damaged bytes no encoding reads cleanly: the reading that loses the fewest characters (the
    # rows that hold the losses are reported as unreadable, the rest import).
    readings = [(data.decode(e, errors="replace"), e) for e in ("utf-8", "cp932", "euc-jp")]
    return min(readings, key=lambda r: r[0].count("\ufffd"))


def _mostly_utf8(data: bytes) -> str | None:
    """The text when most lines with Japanese in them are valid UTF-8 and only a few are not (a
    row pasted from a Shift_JIS file): those lines' bytes become U+FFFD, so the import reports
    them by row and reads the rest. ``None`` for a file that is simply in another encoding
    (cp932 text is almost never valid UTF-8, line after line)."""
    good = bad = 0
    for line in data.split(b"\n"):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            good += 1
        except UnicodeDecodeError:
            bad += 1
    if bad and good >= 2 and good > 2 * bad:
        return data.decode("utf-8", errors="replace")
    return None


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text without a byte-order mark: its ASCII characters (commas, digits, line ends)
    put a NUL byte on the same side of every pair; other text files hold hardly any NUL."""
    nuls = data.count(0)
    if nuls < max(4, len(data) // 8) or len(data) % 2:  # ASCII (commas, digits, CRLF): many
        return None
    for encoding, side in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
        if side.count(0) >= nuls * 0.9:
            text = _strict(data, encoding)
            if text is not None:
                return text, encoding
    return None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _prefer(data: bytes, candidates: tuple[str, ...]) -> str:
    """Of encodings that all decode ``data`` cleanly, the one whose text reads most like text."""
    best = charset_normalizer.from_bytes(data, cp_isolation=list(candidates)).best()
    return best.encoding if best is not None else candidates[0]
