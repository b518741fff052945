"""Rebuild ``shopcrm-gaiji.ttf``: the glyphs people's names need that IPAexGothic lacks.

IPAexGothic covers JIS X 0213:2004 (all but ∑⦅⦆), which already includes the Ext-B name
characters of that standard (𡈽, 𥔎, 𦚰 ...). What it lacks and names still use: the JIS X 0212
supplementary kanji, the CJK compatibility ideographs (name variants typed through an IME), and a
few well-known name characters outside both (𠮷 in 𠮷田). Those glyphs are taken from the Hanazono
Mincho fonts (GlyphWiki project; Debian package ``fonts-hanazono``; TrueType outlines, which
reportlab needs) under the Hanazono Font License, which allows modified copies (this subset) to be
redistributed; the licence text is ``shopcrm-gaiji-LICENSE.txt`` beside the font.

    apt-get download fonts-hanazono && dpkg-deb -x fonts-hanazono_*.deb x
    python resources/fonts/make_gaiji_font.py x/usr/share/fonts/truetype/hanazono
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

# Name characters outside JIS X 0212/0213 and the compatibility block (add here, then rebuild).
EXTRA_NAME_CHARS = "𠮷"


def wanted(ipa_cmap: set[int]) -> set[int]:
    chars: set[int] = {ord(ch) for ch in EXTRA_NAME_CHARS}
    for hi in range(0xA1, 0xFF):  # JIS X 0212 via EUC-JP's three-byte (0x8F) plane
        for lo in range(0xA1, 0xFF):
            try:
                s = bytes([0x8F, hi, lo]).decode("euc_jp")
            except UnicodeDecodeError:
                continue
            if len(s) == 1 and unicodedata.category(s) == "Lo":
                chars.add(ord(s))
    # CJK compatibility ideographs (the assigned ones)
    chars |= {c for c in range(0xF900, 0xFB00) if unicodedata.category(chr(c)) == "Lo"}
    return {c for c in chars if c not in ipa_cmap}


def main(folder: str) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from shopcrm.fonts import japanese_font_path

    ipa = set(TTFont(str(japanese_font_path()), lazy=True).getBestCmap())
    want = wanted(ipa)
    out = TTFont()
    parts = []
    for name in ("HanaMinA.ttf", "HanaMinB.ttf"):
        font = TTFont(str(Path(folder) / name))
        have = want & set(font.getBestCmap())
        want -= have
        opts = subset.Options()
        opts.hinting = False
        opts.layout_features = []
        opts.notdef_outline = True
        opts.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF"]
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=sorted(have))
        sub.subset(font)
        parts.append((name, font, len(have)))
    # HanaMinA covers the BMP, HanaMinB the supplementary planes: two files, or one merged.
    from fontTools.merge import Merger

    tmp = []
    for name, font, n in parts:
        if n:
            path = Path("/tmp") / f"gaiji-{name}"
            font.save(str(path))
            tmp.append(str(path))
    out = Merger().merge(tmp)
    for record in out["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = "ShopCRM Gaiji"
        elif record.nameID == 6:
            record.string = "ShopCRMGaiji"
        elif record.nameID == 3:
            record.string = "ShopCRM Gaiji (Hanazono subset)"
    out["OS/2"].usWeightClass = 400  # regular, so matplotlib and Qt match it to normal text
    dest = Path(__file__).with_name("shopcrm-gaiji.ttf")
    out.save(str(dest))
    print(dest, dest.stat().st_size, "bytes;", "not found:", sorted(map(chr, want)))


if __name__ == "__main__":
    main(sys.argv[1])
