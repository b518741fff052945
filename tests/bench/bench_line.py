"""LINE: time a campaign sent to N linked guests (push per guest, personal text) through
line-bot-sdk to the stand-in API on 127.0.0.1, and N relay events pulled and applied.

    python -m tests.bench.bench_line [N]

Prints wall and CPU time (the machine may be shared: CPU time is the steadier figure).
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from shopcrm.domain.models import Campaign, Customer
from shopcrm.services import campaigns
from shopcrm.services.channels import line
from shopcrm.services.channels.line_relay import make_server, serve_in_thread
from shopcrm.store import campaign_records, customers, line_links, open_db, settings
from tests.services.line_standin import (
    CHANNEL_SECRET,
    TOKEN,
    LineApiStandIn,
    sign,
    use_file_keyring,
    user_id,
)
from tests.services.test_line import _event, _post


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(n: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    use_file_keyring(tmp)
    line.set_credentials(token=TOKEN, secret=CHANNEL_SECRET)
    db = open_db(tmp / "shop.db")
    relay = make_server("127.0.0.1", 0, db_path=tmp / "relay.db", channel_secret=CHANNEL_SECRET,
                        shared_secret="s")  # fmt: skip
    serve_in_thread(relay)
    api = LineApiStandIn(limit=None)
    settings.set_many(db, {"line_relay_url": relay.url, "line_relay_secret": "s",
                           "line_basic_id": "@123abcde"})  # fmt: skip
    people = [customers.create(db, Customer(name=f"客{i:05d}", dm_consent=True)) for i in range(n)]
    offers = [line_links.issue_code(db, p.id) for p in people]
    for start in range(0, n, 100):
        events = [
            _event("message", user_id(i + 1), f"Link code: {offers[i].shown}", n=i + 1)
            for i in range(start, min(n, start + 100))
        ]
        body = json.dumps({"events": events}).encode()
        assert _post(relay.url, body, sign(body)) == 200
    t0, c0 = time.perf_counter(), _cpu()
    pulled = line.pull(db)
    t1, c1 = time.perf_counter(), _cpu()
    assert len(pulled.linked) == n
    print(f"pull+link {n} events: wall {t1 - t0:.2f} s, CPU {c1 - c0:.2f} s")
    c = campaign_records.create(db, Campaign(name="bench", kind="custom", valid_days=30,
                                             template="{name}様 {coupon_code}"))  # fmt: skip
    issued = len(campaigns.issue(db, c, today=dt.date.today()).issued)  # less the control group
    t0, c0 = time.perf_counter(), _cpu()
    result = line.send(db, c, api_host=api.host)
    t1, c1 = time.perf_counter(), _cpu()
    assert result.sent == issued, (result.summary(), result.failed[:2])
    print(f"send {issued} pushes: wall {t1 - t0:.2f} s, CPU {c1 - c0:.2f} s (client and stand-in)")
    api.stop()
    relay.shutdown()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
