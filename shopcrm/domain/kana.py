"""Kana and search text: the one normaliser behind customer search, and kana conversions.

``search_key`` is applied both to what the store keeps in ``customers.search_text`` and to what a
user types in the search box, so hiragana, katakana and half-width katakana match each other,
full-width and half-width digits and latin letters match, case does not matter, and spaces and
hyphens (in phone numbers, postal codes) are ignored. The long-vowel mark ー is kept: it belongs to
the word (ラーメン), except between digits, where it is a hyphen typed in Japanese input mode
(090ー1234ー5678).
"""

from __future__ import annotations

import re
import unicodedata

# Katakana ァ..ヶ (U+30A1..U+30F6) sit exactly 0x60 above hiragana ぁ..ゖ (U+3041..U+3096);
# ヽヾ (iteration marks) above ゝゞ.
_KATA_TO_HIRA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
_KATA_TO_HIRA.update({0x30FD: 0x309D, 0x30FE: 0x309E})
_HIRA_TO_KATA = {hira: kata for kata, hira in _KATA_TO_HIRA.items()}

# Spaces and every hyphen/dash/minus a user may type; not ー (U+30FC), which is part of words.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d\u30fb\uff65"
_DROP = re.compile(r"[\s" + re.escape(_DASHES) + r"]+")
_CHOON_BETWEEN_DIGITS = re.compile(r"(?<=\d)[ー]+(?=\d)")
_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]+")
# Keys made only of these (ASCII, hiragana, ー, common kanji) are already stable.
_STABLE = re.compile(r"[!-~\u3041-\u3096\u30fc\u4e00-\u9fff]*")


def to_hiragana(text: str) -> str:
    """Katakana (full-width) to hiragana; everything else unchanged."""
    return text.translate(_KATA_TO_HIRA)


def to_katakana(text: str) -> str:
    """Hiragana to katakana, and half-width katakana to full-width (ｶﾞ -> ガ)."""
    text = _HALFWIDTH_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    # A hiragana followed by a combining (semi-)voiced mark: compose first (か + ゛ -> が).
    text = unicodedata.normalize("NFC", text)
    return text.translate(_HIRA_TO_KATA)


def _key_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = unicodedata.normalize("NFKC", text.casefold())
    text = to_hiragana(text)
    text = _DROP.sub("", text)
    return _CHOON_BETWEEN_DIGITS.sub("", text)


def search_key(text: str | None) -> str:
    """The normalised form used for stored search text and for queries alike.

    NFKC (full-width digits/latin to half-width, half-width katakana to full-width), casefold,
    katakana to hiragana, spaces, hyphens, dashes and the middle dot removed; ー kept.
    Idempotent: ``search_key(search_key(x)) == search_key(x)``.
    """
    if not text:
        return ""
    key = _key_once(text)
    if _STABLE.fullmatch(key):
        return key
    # A few rare characters normalise in two steps; repeat until stable (at most a couple of times).
    for _ in range(4):
        again = _key_once(key)
        if again == key:
            break
        key = again
    return key


# The vowel each kana ends in, so ー sorts like the vowel it lengthens (カー as かあ).
_VOWEL_ROWS = {
    "あ": "あぁかがさざただなはばぱまやゃらわゎ",
    "い": "いぃきぎしじちぢにひびぴみりゐ",
    "う": "うぅくぐすずつづっぬふぶぷむゆゅるゔ",
    "え": "えぇけげせぜてでねへべぺめれゑ",
    "お": "おぉこごそぞとどのほぼぽもよょろを",
}
_VOWEL_OF = {kana: vowel for vowel, row in _VOWEL_ROWS.items() for kana in row}


def sort_key(text: str | None) -> str:
    """A key for sorting names by reading in Japanese dictionary (gojūon) order.

    Hiragana and katakana sort together, case and width do not matter, spaces are ignored and the
    long-vowel mark sorts as the vowel it lengthens. Use with ``sorted(..., key=...)``.
    """
    if not text:
        return ""
    hira = to_hiragana(unicodedata.normalize("NFKC", text)).casefold()
    out: list[str] = []
    for ch in hira:
        if ch.isspace() or ch in _DASHES:
            continue
        if ch == "ー" and out:
            ch = _VOWEL_OF.get(out[-1], ch)
        out.append(ch)
    return "".join(out)


def is_kana(text: str) -> bool:
    """True when ``text`` holds only kana (either script), ー, the middle dot and spaces."""
    for ch in text:
        code = ord(ch)
        if ch.isspace() or ch in "ー・･ﾞﾟ゛゜":
            continue
        if 0x3041 <= code <= 0x309F or 0x30A0 <= code <= 0x30FF or 0xFF66 <= code <= 0xFF9D:
            continue
        return False
    return True
