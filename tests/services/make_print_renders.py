"""Render the hard cases of names and addresses to PNGs for the docs:
``python tests/services/make_print_renders.py docs/`` writes docs/print-hard-*.png (address sides of
a long address, a person at a company, an organisation, a household of four and 𠮷田, and a label
sheet of real addresses broken at their parts)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from shopcrm.domain.models import Customer
from shopcrm.i18n import set_language
from shopcrm.services.printing import address_side, labels
from shopcrm.services.printing.layout import Piece
from shopcrm.services.printing.pieces import SAMPLE_SHOP


def guest(name: str, i: int = 1, **fields) -> Customer:
    values = dict(postal_code="1500001", prefecture="東京都", city="渋谷区",
                  street="神宮前4-2-8", building="", dm_consent=True)  # fmt: skip
    values.update(fields)
    return Customer(name=name, id=i, **values)


CASES = {
    "long-address": [
        guest(
            "山田 太郎",
            postal_code="6008216",
            prefecture="京都府",
            city="京都市下京区",
            street=("七条通烏丸東入真苧屋町" + "一丁目二番三号" * 7)[:60],
            building="グリーンハイツ富士見ヶ丘 北棟 203号室",
        )
    ],
    "company": [
        guest("株式会社まるや 営業部 佐藤 健"),
    ],
    "organisation": [guest("一般社団法人日本居酒屋振興協会")],
    "household": [
        guest(n, i)
        for i, n in enumerate(["鈴木 一郎", "鈴木 花子", "鈴木 健太郎", "鈴木 みゆき"], 1)
    ],
    "yoshida": [guest("𠮷田 花子", postal_code="1760021", city="練馬区", street="貫井1-36-18")],
}

LABEL_PEOPLE = [
    guest("山田 太郎", 1, postal_code="4600008", prefecture="愛知県", city="名古屋市中区",
          street="栄三丁目4番5号", building="名古屋栄ビルディング12階"),
    guest("佐藤 花子", 2, postal_code="1760021", city="練馬区", street="貫井1-36-18",
          building="富士見ハイツ101号室"),
    guest("株式会社まるや 佐藤 健", 3, postal_code="6008216", prefecture="京都府",
          city="京都市下京区", street="七条通烏丸東入真苧屋町201"),
    guest("𠮷田 一郎", 4, postal_code="1000005", city="千代田区", street="丸の内一丁目9番1号",
          building="丸の内中央ビル8階"),
    guest("医療法人社団 健康会", 5, postal_code="2200012", prefecture="神奈川県",
          city="横浜市西区", street="みなとみらい二丁目2番1号", building="ランドマークタワー"),
    guest("鈴木 一郎", 6), guest("鈴木 花子", 7), guest("鈴木 健太郎", 8), guest("鈴木 みゆき", 9),
]  # fmt: skip


def main(out: str) -> None:
    set_language("ja")
    folder = Path(out)
    with tempfile.TemporaryDirectory() as tmp:
        for key, people in CASES.items():
            pdf = Path(tmp) / f"{key}.pdf"
            address_side.build([Piece(c) for c in people], pdf, shop=SAMPLE_SHOP)
            _png(pdf, folder / f"print-hard-{key}.png", 100)
        pdf = Path(tmp) / "labels.pdf"
        labels.build([Piece(c) for c in LABEL_PEOPLE], pdf, sheet="a-one-28185", outlines=True)
        _png(pdf, folder / "print-hard-labels.png", 90, crop="-x 0 -y 0 -W 745 -H 560")


def _png(pdf: Path, dest: Path, dpi: int, crop: str = "") -> None:
    stem = dest.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-singlefile", *crop.split(), str(pdf), str(stem)],
        check=True,
    )
    print(dest)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs")
