"""Speed of the coupon work on a shop-sized database: run ``python tests/bench/bench_coupons.py``.

Targets (a counter PC): checking a typed code well under a millisecond; issuing 5,000 coupons
in one transaction under 2 s; a birthday list of the next 30 days and its CSV under 0.5 s.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from shopcrm.domain import codes
from shopcrm.domain.models import Campaign, Customer
from shopcrm.services import campaigns
from shopcrm.store import campaign_records, coupons, customers, open_db

N = 5000


def timed(label: str, fn, *args, **kw):
    start = time.perf_counter()
    result = fn(*args, **kw)
    print(f"{label:<58} {time.perf_counter() - start:8.3f} s")
    return result


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    db = open_db(tmp / "bench.db")
    rng = random.Random(1)

    def make_customers():
        with db.atomic():
            for i in range(N):
                customers.create(
                    db,
                    Customer(
                        name=f"客 {i}",
                        birth_month=rng.randint(1, 12),
                        birth_day=rng.randint(1, 28),
                        birth_year=rng.choice([None, 1970, 1985, 1999]),
                        dm_consent=i % 5 != 0,
                        postal_code="1500001",
                        prefecture="東京都",
                        city="渋谷区",
                        street="1-2-3",
                    ),
                )

    timed(f"create {N} customers (setup)", make_customers)
    typed = [codes.generate_code(rng).lower().replace("-", " ") for _ in range(100_000)]
    timed("check_code on 100,000 typed codes", lambda: [codes.check_code(t) for t in typed])
    camp = campaign_records.create(db, Campaign(name="bench", kind="custom", template="{name}"))
    ids = list(range(1, N + 1))
    result = timed(
        f"issue to {N} customers (one transaction)", campaigns.issue, db, camp, customer_ids=ids
    )
    print(f"  issued {len(result.issued)}, left out {len(result.skipped)}")
    timed(f"issue again (idempotent, {N} already)", campaigns.issue, db, camp, customer_ids=ids)
    sample = [c.code for c in result.issued[:1000]]
    timed("coupons.check on 1,000 codes", lambda: [coupons.check(db, c) for c in sample])
    timed("coupons.for_campaign (all)", coupons.for_campaign, db, camp.id)
    texts = timed(
        "messages_for 1,000 coupons (favourites looked up)",
        campaigns.messages_for,
        db,
        camp,
        result.issued[:1000],
    )
    assert len(texts) == 1000
    rows = timed(
        "birthday_list next 30 days",
        campaigns.birthday_list,
        db,
        days=30,
        today=dt.date(2026, 12, 20),
    )
    timed(f"birthday_csv ({len(rows)} rows)", campaigns.birthday_csv, rows, tmp / "b.csv")
    rows = timed(
        "birthday_list month=12 with filters",
        campaigns.birthday_list,
        db,
        month=12,
        require_consent=True,
        require_address=True,
    )
    db.close()


if __name__ == "__main__":
    main()
