"""Consent per channel in the database: today's DM consent becomes the post row (with its date
and how), stays mirrored from the customer row, and e-mail has its own consent."""

from __future__ import annotations

import datetime as dt

from shopcrm.domain.models import Customer
from shopcrm.services.channels import reach
from shopcrm.store import consents, customers, migrations


def test_migration_copies_dm_consent_date_and_how_into_post_rows(db):
    yes = customers.create(db, Customer(name="佐藤", dm_consent=True,
                                        dm_consent_at=dt.datetime(2025, 3, 1, 18, 30),
                                        dm_consent_channel="Paper form"))  # fmt: skip
    no = customers.create(db, Customer(name="鈴木"))
    # a shop from before 0060: no consents table yet, then the migration runs
    for sql in ("DROP TRIGGER consents_post_ai", "DROP TRIGGER consents_post_au",
                "DROP TABLE consents"):  # fmt: skip
        db.execute(sql)
    with db.atomic():
        migrations.m0060_channel_consents(db)
    post = consents.get(db, yes.id, "post")
    assert post.consented and post.how == "Paper form"
    assert post.consented_at == dt.datetime(2025, 3, 1, 18, 30)
    assert not consents.get(db, no.id, "post").consented
    assert not consents.get(db, yes.id, "email").consented  # DM consent was for post only


def test_post_row_follows_the_customer_row_and_give_post_writes_it(db):
    c = customers.create(db, Customer(name="高橋"))
    consents.give(db, c.id, "post", "In person", dt.datetime(2026, 6, 1, 12))
    again = customers.get(db, c.id)
    assert again.dm_consent and again.dm_consent_channel == "In person" and again.can_mail
    again.dm_consent = False
    customers.update(db, again)
    assert not consents.get(db, c.id, "post").consented


def test_one_place_decides_who_a_channel_reaches(db):
    c = customers.create(db, Customer(name="田中", email="t@example.jp", dm_consent=True))
    assert reach.leave_out_reason(c, "post", None) is None
    assert reach.leave_out_reason(c, "email", consents.get(db, c.id, "email")) == reach.NO_CONSENT
    consents.give(db, c.id, "email", "web form")
    assert reach.leave_out_reason(c, "email", consents.get(db, c.id, "email")) is None
    consents.unsubscribe(db, c.id, "email")
    got = consents.get(db, c.id, "email")
    assert reach.leave_out_reason(c, "email", got) == reach.UNSUBSCRIBED
    assert reach.leave_out_reason(c, "post", None) is None  # e-mail unsubscribe leaves post
    consents.give(db, c.id, "email", "asked again in person")  # a new, explicit consent
    assert reach.leave_out_reason(c, "email", consents.get(db, c.id, "email")) is None
    assert reach.leave_out_reason(c, "line", None) == reach.NOT_LINKED
