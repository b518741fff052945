"""Benchmark: import 50,000 customers (and 50,000 visits) from CSV, dry run and write.

Run on demand: ``python tests/bench/bench_import.py [rows]``. Prints wall and CPU seconds per
step: customers as the command line imports them (one reading of the file, checking and writing
in one transaction) and as the import dialog does (the dry run, then the write).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

SURNAMES = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
]
KANA = [
    "サトウ",
    "スズキ",
    "タカハシ",
    "タナカ",
    "イトウ",
    "ワタナベ",
    "ヤマモト",
    "ナカムラ",
    "コバヤシ",
    "カトウ",
    "ヨシダ",
    "ヤマダ",
    "ササキ",
    "ヤマグチ",
    "マツモト",
]
GIVEN = ["太郎", "花子", "一郎", "美咲", "健太", "陽菜", "翔太", "結衣", "大輔", "さくら"]
GIVEN_KANA = [
    "タロウ",
    "ハナコ",
    "イチロウ",
    "ミサキ",
    "ケンタ",
    "ヒナ",
    "ショウタ",
    "ユイ",
    "ダイスケ",
    "サクラ",
]


def customers_csv(path: Path, n: int, rng: random.Random) -> None:
    lines = ["会員番号,氏名,フリガナ,電話番号,誕生日,郵便番号,住所,メール,DM可,タグ,メモ"]
    for i in range(n):
        s, g = rng.randrange(len(SURNAMES)), rng.randrange(len(GIVEN))
        era, year = rng.choice([("S", rng.randint(20, 63)), ("H", rng.randint(2, 30))])
        lines.append(
            f"M{i:06d},{SURNAMES[s]} {GIVEN[g]},{KANA[s]} {GIVEN_KANA[g]},"
            f"090-{rng.randrange(10000):04d}-{i % 10000:04d},{era}{year}."
            f"{rng.randint(1, 12)}.{rng.randint(1, 28)},{rng.randint(100, 999)}-"
            f"{rng.randint(0, 9999):04d},東京都港区芝公園{rng.randint(1, 4)}-{rng.randint(1, 20)},"
            f"user{i}@example.jp,{rng.choice('○×')},常連、日本酒,窓際の席が好き"
        )
    path.write_text("\n".join(lines), encoding="cp932")


def visits_csv(path: Path, n: int, customers: int, rng: random.Random) -> None:
    lines = ["会員番号,来店日時,金額,人数,注文"]
    for _i in range(n):
        lines.append(
            f"M{rng.randrange(customers):06d},2026-{rng.randint(1, 11):02d}-"
            f"{rng.randint(1, 28):02d} {rng.randint(17, 23)}:{rng.randint(0, 59):02d},"
            f"{rng.randint(20, 200) * 100},{rng.randint(1, 6)},生ビール×2、枝豆"
        )
    path.write_text("\n".join(lines), encoding="utf-8")


def main(rows: int = 50_000) -> None:
    os.environ.setdefault("SHOPCRM_DATA_DIR", tempfile.mkdtemp())
    # imported here: SHOPCRM_DATA_DIR must be in place before shopcrm loads
    from shopcrm.services import transfer
    from shopcrm.store import open_db

    rng = random.Random(1)
    folder = Path(tempfile.mkdtemp())
    db = open_db(folder / "bench.db")
    csv = folder / "customers.csv"
    customers_csv(csv, rows, rng)

    def clock() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    print(f"customers: {rows} rows, {csv.stat().st_size / 1e6:.1f} MB Shift_JIS CSV")
    t0 = clock()
    report = transfer.import_file(db, csv, "customers")
    t1 = clock()
    assert report.imported == rows, report.summary()
    print(f"  one reading   {t1[0] - t0[0]:6.2f} s wall {t1[1] - t0[1]:6.2f} s CPU (import_file)")
    other = open_db(folder / "dialog.db")
    t0 = clock()
    plan = transfer.plan_import(other, transfer.open_file(csv), "customers")
    t1 = clock()
    report = transfer.apply_import(other, plan)
    t2 = clock()
    assert report.imported == rows, report.summary()
    print(f"  dry run       {t1[0] - t0[0]:6.2f} s wall {t1[1] - t0[1]:6.2f} s CPU")
    print(f"  write         {t2[0] - t1[0]:6.2f} s wall {t2[1] - t1[1]:6.2f} s CPU")
    other.close()

    vis = folder / "visits.csv"
    visits_csv(vis, rows, rows, rng)
    t0 = time.perf_counter()
    report = transfer.import_file(db, vis, "visits")
    t1 = time.perf_counter()
    assert report.imported == rows, report.summary()
    print(f"visits: {rows} rows imported in {t1 - t0:.2f} s = {rows / (t1 - t0):,.0f} rows/s")

    t0 = time.perf_counter()
    transfer.export(db, "customers", folder / "out.xlsx")
    t1 = time.perf_counter()
    transfer.export(db, "customers", folder / "out.csv")
    t2 = time.perf_counter()
    print(f"export customers: xlsx {t1 - t0:.2f} s, csv {t2 - t1:.2f} s")
    db.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
