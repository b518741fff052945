"""Sending a campaign by e-mail to a real SMTP server on 127.0.0.1, read back as it arrived."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from shopcrm.services import campaigns
from shopcrm.services.channels import email_run, reach, smtp
from shopcrm.services.channels.errors import AUTH, CONNECT, EmailError
from shopcrm.store import consents, coupons, email_ledger, mailings, settings
from tests.services.test_email_fixtures import *  # noqa: F403
from tests.services.test_email_fixtures import set_login


def _cfg(db):
    return smtp.config_from(db)


def test_plan_says_who_is_reached_and_who_is_left_out_before_sending(db, shop, smtp_server):
    p = email_run.plan(db, shop["campaign"], period_key=shop["period"])
    people = shop["people"]
    assert {r.customer.id for r in p.recipients} == {
        people[k].id for k in ("sato", "suzuki", "brown")
    }
    assert {c.id: why for c, why in p.left_out} == {
        people["no_mail"].id: reach.NO_ADDRESS,
        people["no_consent"].id: reach.NO_CONSENT,
        people["gone"].id: reach.UNSUBSCRIBED,
    }
    assert p.post_reach == 6
    assert smtp_server.arrived == []  # nothing sent by planning


def test_sent_mail_has_japanese_subject_body_qr_and_unsubscribe(db, shop, smtp_server):
    p = email_run.plan(db, shop["campaign"], period_key=shop["period"])
    result = email_run.send(db, p, _cfg(db))
    assert result.sent == 3 and not result.failed and not result.deferred
    assert len(smtp_server.arrived) == 3
    sato = shop["people"]["sato"]
    (got,) = smtp_server.to("hanako@example.jp")
    raw_headers = got.raw.split(b"\r\n\r\n", 1)[0]
    assert b"=?utf-8?" in raw_headers.lower()  # the Japanese subject is encoded, not raw bytes
    msg = got.message
    code = coupons.for_customer(db, sato.id)[0].code
    assert msg["Subject"] == "居酒屋まるやより 秋の感謝祭 のご案内"
    assert msg["From"].addresses[0].addr_spec == "shop@example.jp"
    assert msg["From"].addresses[0].display_name == "まるや"
    assert msg["List-Unsubscribe"] == f"<mailto:stop@example.jp?subject=unsubscribe%20{code}>"
    assert "List-Unsubscribe-Post" not in msg
    plain = msg.get_body(("plain",)).get_content()
    assert "佐藤 花子様" in plain and code in plain
    assert "〒251-0025 神奈川県藤沢市鵠沼石上1-2-3" in plain  # 特定電子メール法: the address
    assert "0466-12-3456" in plain and "stop@example.jp" in plain
    assert "配信停止" in plain or "配信を希望されない" in plain
    html_part = msg.get_body(("html",))
    assert msg.get_content_type() == "multipart/alternative"
    related = [p for p in msg.walk() if p.get_content_type() == "multipart/related"]
    assert related, "the HTML and its QR image are multipart/related"
    (image,) = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    cid = image["Content-ID"].strip("<>")
    assert f"cid:{cid}" in html_part.get_content()
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_content())))
    assert [b.text for b in decoded] == [code]
    # the English guest gets English
    (en,) = smtp_server.to("emily@example.com")
    assert en.message["Subject"] == "秋の感謝祭 from 居酒屋まるや"
    assert "To receive no more e-mail from us" in en.message.get_body(("plain",)).get_content()
    # every sent mail is a mailing of the campaign, channel e-mail
    sent = mailings.for_campaign(db, shop["campaign"].id)
    assert sorted(m.customer_id for m in sent) == sorted(r.customer.id for r in p.recipients)
    assert {m.piece for m in sent} == {"email"}
    assert mailings.count_for_campaign(db, shop["campaign"].id) == 0  # e-mail costs no postage
    ledger = email_ledger.for_run(db, p.run_key)
    assert {r.state for r in ledger.values()} == {"sent"}
    assert ledger[sato.id].message_id == msg["Message-ID"]


def test_a_second_run_mails_nobody_again(db, shop, smtp_server):
    p = email_run.plan(db, shop["campaign"], period_key=shop["period"])
    email_run.send(db, p, _cfg(db))
    again = email_run.plan(db, shop["campaign"], period_key=shop["period"])
    assert again.recipients == [] and again.already_sent == 3
    email_run.send(db, again, _cfg(db))
    assert len(smtp_server.arrived) == 3


def test_temporary_refusal_is_retried_and_permanent_is_recorded(db, shop, smtp_server):
    smtp_server.rcpt_replies["ichiro@example.jp"] = ["451 4.7.1 try later", "451 4.7.1 again"]
    smtp_server.rcpt_replies["emily@example.com"] = ["550 5.1.1 no such user"]
    waits = []
    p = email_run.plan(db, shop["campaign"], period_key=shop["period"])
    result = email_run.send(db, p, _cfg(db), sleep=lambda s: waits.append(s), backoff=0.01)
    assert result.sent == 2
    assert [(c.email, "550" in why) for c, why in result.failed] == [("emily@example.com", True)]
    assert len(smtp_server.to("ichiro@example.jp")) == 1
    ledger = email_ledger.for_run(db, p.run_key)
    suzuki, brown = shop["people"]["suzuki"], shop["people"]["brown"]
    assert ledger[suzuki.id].state == "sent" and ledger[suzuki.id].attempts == 3
    assert ledger[brown.id].state == "failed" and "550" in ledger[brown.id].last_error
    bounced = consents.get(db, brown.id, "email")
    assert bounced.bounced_at is not None and "no such user" in bounced.bounce_reason
    # the bounced guest is left out of the next campaign run, with the reason shown
    later = email_run.plan(db, shop["campaign"], period_key=shop["period"])
    assert later.failed_before == 1 and later.recipients == []
    assert reach.leave_out_reason(brown, "email", bounced) == reach.BOUNCED


def test_temporary_failure_that_lasts_leaves_the_guest_pending_for_later(db, shop, smtp_server):
    smtp_server.rcpt_replies["hanako@example.jp"] = ["452 mailbox busy"] * 10
    p = email_run.plan(db, shop["campaign"], period_key=shop["period"])
    result = email_run.send(db, p, _cfg(db), sleep=lambda s: None, backoff=0.0, max_attempts=2)
    assert [c.email for c, _w in result.deferred] == ["hanako@example.jp"]
    row = email_ledger.for_run(db, p.run_key)[shop["people"]["sato"].id]
    assert row.state == "pending" and "452" in row.last_error
    smtp_server.rcpt_replies.clear()
    retry = email_run.plan(db, shop["campaign"], period_key=shop["period"])
    assert [r.customer.email for r in retry.recipients] == ["hanako@example.jp"]
    email_run.send(db, retry, _cfg(db))
    assert len(smtp_server.to("hanako@example.jp")) == 1


def test_unsubscribe_by_address_or_code_stops_later_mail(db, shop, smtp_server):
    sato, suzuki = shop["people"]["sato"], shop["people"]["suzuki"]
    assert email_run.unsubscribe(db, "HANAKO@example.jp") == [sato.id]
    code = coupons.for_customer(db, suzuki.id)[0].code
    assert email_run.unsubscribe(db, f"unsubscribe {code}") == [suzuki.id]
    assert email_run.unsubscribe(db, "nobody@example.jp") == []
    p = email_run.plan(db, shop["campaign"], period_key=shop["period"])
    assert [r.customer.email for r in p.recipients] == ["emily@example.com"]
    assert dict(p.reasons)[reach.UNSUBSCRIBED] == 3


def test_test_mail_and_what_went_wrong(db, shop, smtp_server, ja):
    cfg = _cfg(db)
    assert email_run.send_test(cfg) == "shop@example.jp"
    assert smtp_server.to("shop@example.jp")[0].message["Subject"] == "shopcrm テストメール"
    set_login(db, password="wrong")
    with pytest.raises(EmailError) as err:
        email_run.send_test(_cfg(db))
    assert err.value.kind == AUTH and "パスワード" in str(err.value)
    set_login(db)
    assert email_run.send_test(_cfg(db)) == "shop@example.jp"
    settings.set(db, "smtp_port", 1)  # nothing listens there
    with pytest.raises(EmailError) as err:
        email_run.send_test(_cfg(db))
    assert err.value.kind == CONNECT and "接続できません" in str(err.value)
    settings.set(db, "smtp_port", smtp_server.port)
    settings.set(db, "smtp_security", "starttls")  # the test server offers no STARTTLS
    with pytest.raises(EmailError) as err:
        email_run.send_test(_cfg(db))
    assert "STARTTLS" in str(err.value)


def test_password_is_in_the_keychain_not_the_settings(db, shop):
    set_login(db)
    stored = " ".join(v for (v,) in db.execute("SELECT value FROM settings"))
    assert "app-password" not in stored
    assert _cfg(db).password == "app-password"


def test_a_later_period_is_a_new_run_each_guest_mailed_once_per_period(db, shop, smtp_server):
    camp, people = shop["campaign"], shop["people"]
    ids = [people[k].id for k in ("sato", "suzuki", "brown")]
    first = email_run.plan(db, camp)  # all periods
    assert email_run.send(db, first, _cfg(db)).sent == 3
    later = campaigns.issue(db, camp, customer_ids=ids, period_key="2027-01")
    again = {c.customer_id for c in later.issued}  # (a holdout may keep one back)
    assert again
    second = email_run.plan(db, camp)
    assert {r.customer.id for r in second.recipients} == again
    assert second.already_sent == 3 - len(again)
    assert {r.coupon.period_key for r in second.recipients} == {"2027-01"}
    assert email_run.send(db, second, _cfg(db)).sent == len(again)
    third = email_run.plan(db, camp)
    assert third.recipients == [] and third.already_sent == 3
    assert len(smtp_server.arrived) == 3 + len(again)
    for g in (people[k] for k in ("sato", "suzuki", "brown")):
        codes = {a.message["List-Unsubscribe"] for a in smtp_server.to(g.email)}
        assert len(codes) == len(smtp_server.to(g.email)) == (2 if g.id in again else 1)
