"""A large generated shop for the speed benchmarks: deterministic (a seed) and fast.

``python tests/bench/shopgen.py /tmp/shop.db --customers 200000 --visits 4000000`` writes a
migrated database with that many guests and visits (a chain's worth: about 1 minute), and with
``--csv visits.csv`` also (or only, with ``--visits 0``) a CSV of visits to import. Visits are
spread unevenly, like a real shop: a few regulars have hundreds, most guests a handful, some
none. They end yesterday, so "today" has no visit yet (the case that was slow).

Rows go in through ``store.bulk`` (multi-row INSERTs, the figures set once), not the demo code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SURNAMES = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
    ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
    ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"),
]  # fmt: skip
GIVEN = [
    ("太郎", "タロウ"), ("花子", "ハナコ"), ("一郎", "イチロウ"), ("美咲", "ミサキ"),
    ("健太", "ケンタ"), ("陽菜", "ヒナ"), ("翔太", "ショウタ"), ("結衣", "ユイ"),
]  # fmt: skip
ITEMS = [("生ビール", 600), ("ハイボール", 500), ("枝豆", 400), ("焼き鳥盛り合わせ", 1200)]
YEARS = 5


def customers(db, n: int, seed: int) -> list[int]:
    from shopcrm.domain.models import Customer
    from shopcrm.store import bulk

    rng = np.random.default_rng(seed)
    now = dt.datetime.now().replace(microsecond=0)
    channels = list(bulk.channel_ids(db).values())
    sn, gn = rng.integers(len(SURNAMES), size=n), rng.integers(len(GIVEN), size=n)
    months, days = rng.integers(1, 13, size=n), rng.integers(1, 29, size=n)
    years = rng.integers(1950, 2005, size=n)
    phone = rng.integers(10**8, size=n)
    flags = rng.random((n, 4))
    rows = []
    for i in range(n):
        (s, sk), (g, gk) = SURNAMES[sn[i]], GIVEN[gn[i]]
        rows.append(
            Customer(
                name=f"{s} {g}",
                kana=f"{sk} {gk}",
                phone=f"090{phone[i]:08d}" if flags[i, 0] < 0.8 else "",
                code=f"M{i:07d}",
                birth_year=int(years[i]) if flags[i, 1] < 0.5 else None,
                birth_month=int(months[i]) if flags[i, 2] < 0.9 else None,
                birth_day=int(days[i]) if flags[i, 2] < 0.9 else None,
                channel_id=channels[i % len(channels)] if channels else None,
                dm_consent=bool(flags[i, 3] < 0.6),
                dm_consent_at=now if flags[i, 3] < 0.6 else None,
                created_at=now,
                updated_at=now,
            )
        )
    return bulk.insert_customers(db, rows)


def visit_rows(guests: int, n: int, seed: int, batch: int = 200_000):
    """(customer index 0..guests-1, 'YYYY-MM-DD HH:MM:SS', amount, party, item index) in batches;
    how often a guest comes follows a heavy-tailed distribution (regulars and one-timers)."""
    rng = np.random.default_rng(seed + 1)
    weight = np.minimum(rng.pareto(1.3, size=guests) + 0.05, 40.0)
    weight[rng.random(guests) < 0.1] = 0  # some guests never came
    weight /= weight.sum()
    end = dt.date.today() - dt.timedelta(days=1)
    first = end - dt.timedelta(days=365 * YEARS)
    base = np.datetime64(first.isoformat())
    for start in range(0, n, batch):
        k = min(batch, n - start)
        who = rng.choice(guests, size=k, p=weight)
        day = base + rng.integers(0, (end - first).days + 1, size=k).astype("timedelta64[D]")
        minute = rng.integers(17 * 60, 23 * 60 + 60, size=k) % (24 * 60)
        stamp = day.astype("datetime64[m]") + minute.astype("timedelta64[m]")
        texts = np.datetime_as_string(stamp, unit="s")
        amount = rng.integers(2, 120, size=k) * 100
        party = rng.integers(1, 7, size=k)
        item = rng.integers(len(ITEMS), size=k)
        yield [
            (int(who[j]), texts[j].replace("T", " "), int(amount[j]), int(party[j]), int(item[j]))
            for j in range(k)
        ]


def visits(db, ids: list[int], n: int, seed: int) -> int:
    from shopcrm.store import bulk

    with db.atomic(), bulk.visit_loader(db) as load:
        for rows in visit_rows(len(ids), n, seed):
            for who, stamp, amount, party, item in rows:
                name, price = ITEMS[item]
                load.add(ids[who], stamp, amount, party, "", "", stamp, [(None, name, 1, price)])
    return n


def write_csv(path: Path, guests: int, n: int, seed: int) -> None:
    """Visits to import, by membership code (the codes ``customers`` gives)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("会員番号,来店日時,金額,人数,注文\n")
        for rows in visit_rows(guests, n, seed + 100):
            f.write(
                "".join(
                    f"M{who:07d},{stamp[:16]},{amount},{party},{ITEMS[item][0]}×2、枝豆\n"
                    for who, stamp, amount, party, item in rows
                )
            )


def build(path: Path, n_customers: int, n_visits: int, seed: int = 14) -> None:
    from shopcrm.store import open_db

    db = open_db(path)
    try:
        t0 = time.perf_counter()
        ids = customers(db, n_customers, seed)
        t1 = time.perf_counter()
        print(f"{len(ids):,} customers in {t1 - t0:.1f} s", flush=True)
        if n_visits:
            visits(db, ids, n_visits, seed)
            print(f"{n_visits:,} visits in {time.perf_counter() - t1:.1f} s", flush=True)
        db.execute("ANALYZE")
    finally:
        db.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--csv", type=Path, help="also write this many visits as a CSV")
    parser.add_argument("--csv-visits", type=int, default=None)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)
    os.environ.setdefault("SHOPCRM_DATA_DIR", tempfile.mkdtemp())
    if args.db.exists():
        sys.exit(f"{args.db} exists: give a new path")
    build(args.db, args.customers, args.visits, args.seed)
    if args.csv:
        t0 = time.perf_counter()
        count = args.csv_visits if args.csv_visits is not None else args.visits
        write_csv(args.csv, args.customers, count, args.seed)
        print(f"{count:,} visits written to {args.csv} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main()
