"""Speed of the domain normalisers and of filling the demo shop (run on demand):

    /work/venv/bin/python tests/bench/bench_domain.py

Targets: search_key well under 20 µs per field (50,000 customers × 6 fields re-indexed in a few
seconds); the demo fill in a few seconds.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from shopcrm.domain.dates import parse_birthday
from shopcrm.domain.kana import search_key
from shopcrm.domain.rules import normalize_phone


def _per_call(fn, values, rounds=5) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for v in values:
            fn(v)
        best = min(best, (time.perf_counter() - start) / len(values))
    return best * 1e6


def main() -> None:
    names = ["ﾀﾅｶ ﾀﾛｳ", "たなか　たろう", "田中 太郎", "090-1234-5678", "taro@example.jp"] * 2000
    print(f"search_key:      {_per_call(search_key, names):6.2f} µs per call")
    phones = ["090-1234-5678", "(03) 1234-5678", "０９０ー１２３４ー５６７８"] * 3000
    print(f"normalize_phone: {_per_call(normalize_phone, phones):6.2f} µs per call")
    days = ["1980-03-10", "S55.3.10", "令和元年5月1日", "3/10"] * 2000
    print(f"parse_birthday:  {_per_call(parse_birthday, days):6.2f} µs per call")

    from shopcrm.services import demo
    from shopcrm.store import open_db

    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "demo.db")
        start_cpu, start = time.process_time(), time.perf_counter()
        counts = demo.fill(db, seed=1, today=dt.date(2026, 11, 23))
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        print(
            f"demo.fill:       {wall:6.2f} s wall, {cpu:.2f} s CPU "
            f"({counts['customers']} customers, {counts['visits']} visits, "
            f"{counts['visit_items']} items, {counts['coupons']} coupons)"
        )
        db.close()


if __name__ == "__main__":
    main()
