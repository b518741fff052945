"""Every mailing carries the channel it went by, so postage and print are counted on posted pieces
only: a LINE message or an e-mail is never priced as a postcard."""

import datetime as dt

from shopcrm.domain.models import Customer, Mailing
from shopcrm.store import campaign_records, customers, mailings


def test_each_piece_is_recorded_with_its_channel_and_only_post_is_costed(anydb):
    guest = customers.create(anydb, Customer(name="山田 花子"))
    birthday = campaign_records.get(anydb, "birthday")
    at = dt.datetime(2026, 11, 3, 19, 30)
    pieces = ["postcard", "letter", "line"]
    mailings.record(
        anydb,
        [
            Mailing(customer_id=guest.id, piece=p, sent_at=at, campaign_id=birthday.id)
            for p in pieces
        ],
    )
    mailings.record_email(
        anydb, customer_id=guest.id, campaign_id=birthday.id, coupon_id=None, batch="run-1"
    )
    rows = anydb.execute(
        "SELECT piece, channel FROM mailings WHERE customer_id = ? ORDER BY id", [guest.id]
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("postcard", "post"),
        ("letter", "post"),
        ("line", "line"),
        ("email", "email"),
    ]
    assert mailings.count_for_campaign(anydb, birthday.id) == 2
    assert mailings.count_for_campaign(anydb, birthday.id, "line") == 1
    assert mailings.count_for_campaign(anydb, birthday.id, "email") == 1
    assert {m.piece for m in mailings.for_customer(anydb, guest.id)} == set(pieces) | {"email"}
