"""Benchmark: the customer search box on 50,000 generated guests and on the demo izakaya.

Run on demand: ``/work/venv/bin/python tests/bench/bench_search.py [customers] [repeats]``
(default 50,000 customers, 15 repeats). Builds a temporary database (``customers.insert_many``:
one transaction, executemany), then times what the customer table does on each keystroke:
``count()`` plus the first page of 50, for 1-, 2- and 3+-character queries, kana in every width,
phone digits, each quick filter, sorted columns and a deep page. Prints the median in ms.
Aim: every query under 50 ms (type-as-you-search feels instant), most far below.

``fill_customers(db, n)`` is reusable by other benchmarks (e.g. the UI's lazy table).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

FAMILY = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
    ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
    ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"),
    ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"), ("井上", "イノウエ"),
    ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"), ("清水", "シミズ"),
    ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"),
    ("阿部", "アベ"), ("石川", "イシカワ"), ("山下", "ヤマシタ"), ("中島", "ナカジマ"),
    ("石井", "イシイ"), ("小川", "オガワ"), ("前田", "マエダ"), ("岡田", "オカダ"),
    ("長谷川", "ハセガワ"), ("藤田", "フジタ"), ("後藤", "ゴトウ"), ("近藤", "コンドウ"),
]  # fmt: skip
GIVEN = [
    ("太郎", "タロウ"), ("花子", "ハナコ"), ("一郎", "イチロウ"), ("健太", "ケンタ"),
    ("翔太", "ショウタ"), ("大輔", "ダイスケ"), ("誠", "マコト"), ("陽子", "ヨウコ"),
    ("美咲", "ミサキ"), ("由美", "ユミ"), ("直樹", "ナオキ"), ("恵", "メグミ"),
    ("拓也", "タクヤ"), ("愛", "アイ"), ("裕子", "ユウコ"), ("浩", "ヒロシ"),
    ("明美", "アケミ"), ("隆", "タカシ"), ("彩", "アヤ"), ("翼", "ツバサ"),
    ("真由美", "マユミ"), ("達也", "タツヤ"), ("さくら", "サクラ"), ("蓮", "レン"),
]  # fmt: skip


def fill_customers(db, n: int = 50_000, *, seed: int = 1, today: dt.date | None = None) -> float:
    """Insert ``n`` realistic guests with visit figures; returns the seconds it took."""
    from shopcrm.domain.models import Customer
    from shopcrm.store import customers
    from shopcrm.store.dialect import executemany

    rng = random.Random(seed)
    today = today or dt.date.today()
    start = time.perf_counter()
    rows = []
    for i in range(n):
        family, family_kana = rng.choice(FAMILY)
        given, given_kana = rng.choice(GIVEN)
        prefix = rng.choice(("090", "080", "070"))
        rows.append(
            Customer(
                name=f"{family} {given}",
                kana=f"{family_kana} {given_kana}",
                phone=f"{prefix}{rng.randrange(10**8):08d}",
                email=f"guest{i}@example.jp" if rng.random() < 0.4 else "",
                code=f"M{i:06d}" if rng.random() < 0.3 else None,
                birth_month=rng.randint(1, 12),
                birth_day=rng.randint(1, 28),
                dm_consent=rng.random() < 0.6,
                created_at=dt.datetime.combine(today, dt.time(12)) - dt.timedelta(days=i % 1000),
            )
        )
    customers.insert_many(db, rows)
    # Visit figures as the triggers would keep them (a benchmark of search, not of triggers).
    figures = []
    for cid in range(1, n + 1):
        days = min(int(rng.paretovariate(1.2)) - 1, 200)
        if days == 0:
            continue
        last = today - dt.timedelta(days=rng.randrange(0, 700))
        first = last - dt.timedelta(days=rng.randrange(0, 700))
        figures.append(
            (days, days, days * rng.randrange(2000, 8000), f"{first} 19:00:00", f"{last} 20:00:00",
             cid)
        )  # fmt: skip
    with db.atomic():
        executemany(
            db,
            "UPDATE customers SET visit_count = ?, visit_days = ?, total_spent = ?,"
            " first_visit_at = ?, last_visit_at = ? WHERE id = ?",
            figures,
        )
    return time.perf_counter() - start


CASES: list[tuple[str, str, dict]] = [
    ("empty box (all guests)", "", {}),
    ("1 char kanji 田", "田", {}),
    ("1 char kana た", "た", {}),
    ("2 chars 田中", "田中", {}),
    ("2 chars kana たな", "たな", {}),
    ("3 chars kana たなか", "たなか", {}),
    ("half-width ﾀﾅｶ", "ﾀﾅｶ", {}),
    ("full reading タナカタロウ", "タナカタロウ", {}),
    ("name substring 中太郎", "中太郎", {}),
    ("phone prefix 090", "090", {}),
    ("phone 7 digits 0901234", "0901234", {}),
    ("phone with hyphens 090-1234-5678", "090-1234-5678", {}),
    ("full-width digits ０９０１２", "０９０１２", {}),
    ("membership code M00012", "M00012", {}),
    ("email guest123@", "guest123@", {}),
    ("two words 田中 090", "田中 090", {}),
    ("no match 佐藤花子様", "佐藤花子様", {}),
    ("filter regulars", "", {"filter": "regulars"}),
    ("filter lapsed_90", "", {"filter": "lapsed_90"}),
    ("filter birthday_month", "", {"filter": "birthday_month"}),
    ("filter no_consent", "", {"filter": "no_consent"}),
    ("たなか + regulars", "たなか", {"filter": "regulars"}),
    ("た + birthday_month", "た", {"filter": "birthday_month"}),
    ("sorted by kana", "", {"order_by": "kana"}),
    ("sorted by total spent desc", "", {"order_by": "total_spent", "descending": True}),
    ("deep page (offset 25,000, kana)", "", {"order_by": "kana", "offset": 25_000}),
]


def time_cases(db, repeats: int, today: dt.date) -> list[tuple[str, int, float, float]]:
    """(label, matches, median ms of count + first page, median ms of the page alone)."""
    from shopcrm.store import customers

    results = []
    for label, query, opts in CASES:
        flt = opts.get("filter")
        search_opts = {k: v for k, v in opts.items() if k != "filter"}
        both, page_only = [], []
        total = 0
        for _ in range(repeats):
            t0 = time.perf_counter()
            total = customers.count(db, query, filter=flt, today=today)
            t1 = time.perf_counter()
            customers.search(db, query, filter=flt, limit=50, today=today, **search_opts)
            t2 = time.perf_counter()
            both.append((t2 - t0) * 1000)
            page_only.append((t2 - t1) * 1000)
        results.append((label, total, statistics.median(both), statistics.median(page_only)))
    return results


def report(title: str, results) -> None:
    print(f"\n{title}")
    print(f"{'query':38} {'matches':>8} {'count+page ms':>14} {'page ms':>9}")
    for label, total, both, page in results:
        print(f"{label:38} {total:>8,} {both:>14.1f} {page:>9.1f}")
    worst = max(r[2] for r in results)
    print(
        f"median of medians {statistics.median(r[2] for r in results):.1f} ms, worst {worst:.1f} ms"
    )


def main(argv: list[str]) -> None:
    from shopcrm.store import open_db

    n = int(argv[1]) if len(argv) > 1 else 50_000
    repeats = int(argv[2]) if len(argv) > 2 else 15
    today = dt.date.today()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        seconds = fill_customers(db, n, today=today)
        print(f"generated {n:,} customers in {seconds:.1f} s")
        report(
            f"{n:,} generated customers, median of {repeats} runs", time_cases(db, repeats, today)
        )
        db.close()
        try:
            from shopcrm.services import demo
        except ImportError:
            print("\n(demo shop not available)")
            return
        db = open_db(Path(tmp) / "demo.db")
        start = time.perf_counter()
        counts = demo.fill(db, seed=1, today=today)
        print(f"\ndemo shop filled in {time.perf_counter() - start:.1f} s: {counts}")
        report(f"demo izakaya, median of {repeats} runs", time_cases(db, repeats, today))
        db.close()


if __name__ == "__main__":
    main(sys.argv)
