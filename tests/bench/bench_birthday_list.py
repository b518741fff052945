"""Benchmark: the printed birthday list for N guests (default 1,000) as an A4 PDF.

Run: ``python tests/bench/bench_birthday_list.py [N]``. Layout only (no database): the rows are
made in memory; font registration (once per process) is timed apart.
"""

from __future__ import annotations

import datetime as dt
import sys
import time


def main(n: int = 1000) -> None:
    from shopcrm.domain.models import Customer
    from shopcrm.services.campaigns import BirthdayRow
    from shopcrm.services.printing import birthday_list, fonts
    from shopcrm.services.printing.layout import Shop

    t = time.perf_counter()
    fonts.register()
    print(f"font registration (once per process): {time.perf_counter() - t:.2f} s")
    rows = [
        BirthdayRow(
            Customer(
                id=i,
                name=f"山田 太郎{i}",
                kana="ヤマダ タロウ",
                phone="09012345678",
                dm_consent=i % 3 > 0,
                birth_year=1970 + i % 40,
                birth_month=12,
                birth_day=1 + i % 31,
            ),
            dt.date(2026, 12, 1 + i % 31),
            56 - i % 40,
            10,
            i % 20,
            dt.datetime(2026, 10, 1, 19),
        )
        for i in range(n)
    ]
    favourites = {i: "純米吟醸（一合）" for i in range(0, n, 2)}
    t, c = time.perf_counter(), time.process_time()
    result = birthday_list.build(
        rows,
        None,
        filters=birthday_list.ListFilters(month=12, consent=True),
        shop=Shop(name="居酒屋 まるや"),
        favourites=favourites,
        today=dt.date(2026, 11, 23),
    )
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    size = len(result.pdf) / 1024
    print(f"birthday list, {n} guests, {result.pages} pages: {wall:.2f} s ({cpu:.2f} s CPU), "
          f"{size:.0f} KB")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
