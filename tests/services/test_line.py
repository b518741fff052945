"""LINE end to end: the real relay with signed webhooks, pulling and linking, and sending through
line-bot-sdk to a stand-in for LINE's API on 127.0.0.1 (quota, push, multicast, retry keys)."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request

import pytest

from shopcrm.domain.models import Campaign, Customer
from shopcrm.services import campaigns, privacy
from shopcrm.services.channels import line
from shopcrm.services.channels.line_relay import make_server, serve_in_thread
from shopcrm.store import campaign_records, customers, line_links, mailings, settings
from shopcrm.store.line_links import LineError
from shopcrm.store.relay_events import RelayStore
from tests.services.line_standin import (
    CHANNEL_SECRET,
    TOKEN,
    LineApiStandIn,
    sign,
    use_file_keyring,
    user_id,
)

SHARED = "relay-shared-secret-for-tests"


@pytest.fixture
def relay(tmp_path):
    server = make_server(
        "127.0.0.1",
        0,
        db_path=tmp_path / "relay.db",
        channel_secret=CHANNEL_SECRET,
        shared_secret=SHARED,
    )
    serve_in_thread(server)
    yield server
    server.shutdown()
    server.server_close()
    server.store.close()


@pytest.fixture
def api():
    server = LineApiStandIn(limit=1000, used=0)
    yield server
    server.stop()


@pytest.fixture
def shop(db, relay, tmp_path):
    use_file_keyring(tmp_path)
    line.set_credentials(token=TOKEN, secret=CHANNEL_SECRET)
    settings.set_many(
        db,
        {
            "shop_name": "居酒屋まるや",
            "line_relay_url": relay.url,
            "line_relay_secret": SHARED,
            "line_basic_id": "@123abcde",
        },
    )
    return db


def _post(url: str, body: bytes, signature: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Line-Signature"] = signature
    request = urllib.request.Request(f"{url}/webhook", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _event(kind: str, uid: str, text: str = "", n: int = 1) -> dict:
    e: dict = {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": uid},
        "webhookEventId": f"01H{n:023d}",
        "deliveryContext": {"isRedelivery": False},
    }
    if kind == "message":
        e["replyToken"] = "r"
        e["message"] = {"id": str(n), "type": "text", "quoteToken": "q", "text": text}
    return e


def _webhook(relay, *events: dict, secret: str = CHANNEL_SECRET) -> int:
    body = json.dumps({"destination": "Uxxx", "events": list(events)}).encode()
    return _post(relay.url, body, sign(body, secret))


def _guest(db, name, **kw) -> Customer:
    return customers.create(db, Customer(name=name, **kw))


# --- the relay ----------------------------------------------------------------------------------


def test_relay_keeps_signed_events_and_refuses_a_wrong_signature(relay):
    uid = user_id(1)
    assert _webhook(relay, _event("follow", uid, n=1)) == 200
    assert relay.store.count() == 1
    # wrong secret, missing signature, tampered body: 400 and nothing kept
    assert _webhook(relay, _event("follow", user_id(2), n=2), secret="not-the-secret") == 400
    body = json.dumps({"events": [_event("follow", user_id(3), n=3)]}).encode()
    assert _post(relay.url, body, None) == 400
    tampered = body.replace(user_id(3).encode(), user_id(4).encode())
    assert _post(relay.url, tampered, sign(body)) == 400
    assert relay.store.count() == 1
    # LINE's "verify" request (no events) is answered 200; a redelivery is kept once
    assert _webhook(relay) == 200
    assert _webhook(relay, _event("follow", uid, n=1)) == 200
    assert relay.store.count() == 1
    # stickers and chat are not kept; of a message with a link code only the code is
    sticker = _event("message", uid, n=5)
    sticker["message"] = {"id": "5", "type": "sticker", "packageId": "1", "stickerId": "1"}
    code = "42YE5KA"  # a well-formed link code (check character A)
    chat = _event("message", uid, "明日19時に2名で予約できますか", n=6)
    with_code = _event(
        "message", uid, f"Link code: {line_links.format_link_code(code)} よろしく", n=7
    )
    assert _webhook(relay, sticker, chat, with_code) == 200
    kept = relay.store.after(0)
    assert [(e["type"], e["text"]) for e in kept] == [("follow", ""), ("message", code)]


def test_relay_gives_events_only_with_the_shared_secret(relay):
    _webhook(relay, _event("follow", user_id(1), n=1), _event("unfollow", user_id(1), n=2))

    def get(secret, after=0):
        request = urllib.request.Request(
            f"{relay.url}/events?after={after}", headers={"Authorization": f"Bearer {secret}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, None

    assert get("wrong")[0] == 401
    assert get("")[0] == 401
    status, page = get(SHARED)
    assert status == 200
    assert [e["type"] for e in page["events"]] == ["follow", "unfollow"]
    first = page["events"][0]["id"]
    status, page = get(SHARED, after=first)
    assert [e["type"] for e in page["events"]] == ["unfollow"]
    assert page["last"] > first


def test_relay_store_survives_a_restart(tmp_path):
    store = RelayStore(tmp_path / "r.db")
    store.add([{"type": "follow", "user_id": user_id(1), "timestamp": 1, "webhook_event_id": "a"}])
    store.close()
    again = RelayStore(tmp_path / "r.db")
    assert [e["user_id"] for e in again.after(0)] == [user_id(1)]
    again.close()


# --- linking -----------------------------------------------------------------------------------


def test_link_flow_end_to_end(shop, relay):
    db = shop
    sato = _guest(db, "佐藤 花子")
    suzuki = _guest(db, "鈴木 一郎")
    offer = line.issue_link(db, sato)
    assert offer.url.startswith("https://line.me/R/oaMessage/%40123abcde/?")
    assert urllib.parse.unquote(offer.url.split("?", 1)[1]) == offer.text
    assert offer.code.shown in offer.text
    # the guest sends the prefilled text; someone else sends a made-up code
    uid = user_id(7)
    assert (
        _webhook(relay, _event("follow", uid, n=1), _event("message", uid, offer.text, n=2)) == 200
    )
    assert _webhook(relay, _event("message", user_id(8), "Link code: AAAA-AAA", n=3)) == 200
    result = line.pull(db)
    assert result.linked == [sato.id]
    link = line_links.link_for(db, sato.id)
    assert link is not None and link.user_id == uid and link.followed and link.how == "code"
    assert line_links.link_for(db, suzuki.id) is None
    # pulling again applies nothing twice; the used code does not link anyone else
    assert line.pull(db).events == 0
    assert _webhook(relay, _event("message", user_id(9), offer.text, n=4)) == 200
    assert line.pull(db).linked == []
    assert line_links.link_by_user(db, user_id(9)) is None
    # unfollow (or block) stops LINE messages; a new follow starts them again
    _webhook(relay, _event("unfollow", uid, n=5))
    assert line.pull(db).unfollowed == [sato.id]
    assert not line_links.link_for(db, sato.id).followed
    _webhook(relay, _event("follow", uid, n=6))
    assert line.pull(db).followed == [sato.id]
    assert line_links.link_for(db, sato.id).followed


def test_an_expired_code_links_nobody(shop, relay):
    db = shop
    guest = _guest(db, "田中 太郎")
    old = dt.datetime.now() - dt.timedelta(hours=25)
    offer = line.issue_link(db, guest, now=old)
    _webhook(relay, _event("message", user_id(3), offer.text, n=1))
    assert line.pull(db).linked == []
    # a new code replaces the old one; full-width and lower case still match
    fresh = line.issue_link(db, guest)
    typed = fresh.code.shown.lower().translate(
        str.maketrans(
            "abcdefghijklmnopqrstuvwxyz-0123456789",
            "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚー０１２３４５６７８９",
        )
    )
    _webhook(relay, _event("message", user_id(3), f"連携コード {typed}", n=2))
    assert line.pull(db).linked == [guest.id]


def test_without_a_relay_line_is_off_and_says_why(db, tmp_path):
    use_file_keyring(tmp_path)
    guest = _guest(db, "佐藤 花子")
    assert "no relay" in line.off_reason(db)
    with pytest.raises(LineError) as err:
        line.issue_link(db, guest)
    assert str(err.value).startswith("LINE relay: LINE is off: no relay is set up")
    with pytest.raises(LineError):
        line.pull(db)


def test_a_wrong_shared_secret_is_reported(shop):
    settings.set(shop, "line_relay_secret", "not-it")
    with pytest.raises(LineError, match="refused the shared secret"):
        line.pull(shop)


def test_relay_settings_are_checked(db):
    with pytest.raises(ValueError, match="LINE relay URL: must start with https://"):
        settings.set(db, "line_relay_url", "http://relay.example.com")
    settings.set(db, "line_relay_url", "https://relay.example.com/")
    assert settings.get(db, "line_relay_url") == "https://relay.example.com"
    settings.set(db, "line_basic_id", "123ABCDE")
    assert settings.get(db, "line_basic_id") == "@123abcde"
    with pytest.raises(ValueError, match="LINE basic ID"):
        settings.set(db, "line_basic_id", "@a b")


# --- sending ------------------------------------------------------------------------------------


def _linked_guests(db, n: int, start: int = 1, **kw) -> list[Customer]:
    people = []
    for i in range(start, start + n):
        c = _guest(db, f"客{i:03d}", dm_consent=True, **kw)
        code = line_links.issue_code(db, c.id)
        with db.atomic():
            line_links.use_code(db, code.code, user_id(i), dt.datetime.now())
        people.append(c)
    return people


def _campaign(db, template: str) -> Campaign:
    return campaign_records.create(
        db,
        Campaign(
            name="LINE秋",
            kind="custom",
            discount_type="percent",
            discount_value=10,
            valid_days=30,
            template=template,
        ),
    )


def test_send_pushes_personal_text_with_the_coupon_and_records_mailings(shop, api, today):
    db = shop
    people = _linked_guests(db, 3, language="ja")  # each guest's text in their language
    unlinked = _guest(db, "未連携 さん", dm_consent=True)
    c = _campaign(db, "{name}様\n{discount}のクーポンです。コード {coupon_code}")
    campaigns.issue(db, c, today=today)
    before = line.plan(db, c, today=today)
    assert len(before.recipients) == 3
    assert before.left_out == [(unlinked.id, unlinked.name, "not_linked")]
    result = line.send(db, c, today=today, api_host=api.host)
    assert result.sent == 3 and not result.failed and not result.waiting
    pushes = [r for r in api.sends() if r["path"] == "/v2/bot/message/push"]
    assert len(pushes) == 3
    keys = {r["headers"]["x-line-retry-key"] for r in pushes}
    assert len(keys) == 3  # one retry key per request
    by_user = dict(api.delivered)
    for person in people:
        coupon = next(k for k in line_links.sends(db, result.run_key) if k.customer_id == person.id)
        text = by_user[line_links.link_for(db, person.id).user_id]
        assert f"{person.name}様" in text and "10%引き" in text
        assert coupon.text == text
        sent = mailings.for_customer(db, person.id)
        assert [(m.piece, m.campaign_id) for m in sent] == [("line", c.id)]
    # a second run sends nothing again
    again = line.send(db, c, today=today, api_host=api.host)
    assert again.sent == 0 and len(api.delivered) == 3


def test_one_text_for_many_goes_as_multicast_of_at_most_500(shop, api, today):
    """Rows of one request share a retry key: 503 guests, the same text -> 500 + 3 (multicast)."""
    db = shop
    api.limit = 2000
    people = _linked_guests(db, 503)
    c = _campaign(db, "本日貸切です")
    keys = ["123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-426614174001"]
    rows = [
        {
            "run_key": "announce",
            "customer_id": p.id,
            "campaign_id": c.id,
            "coupon_id": None,
            "user_id": user_id(i),
            "text": "本日貸切です",
            "retry_key": keys[0] if i <= 500 else keys[1],
        }
        for i, p in enumerate(people, 1)
    ]
    line_links.plan_sends(db, rows)
    result = line.deliver(db, c.id, line._api(api.host), run_key="announce")
    assert result.sent == 503
    calls = api.sends()
    assert [r["path"] for r in calls] == ["/v2/bot/message/multicast"] * 2
    assert sorted(len(r["body"]["to"]) for r in calls) == [3, 500]
    assert {r["headers"]["x-line-retry-key"] for r in calls} == set(keys)
    assert len(api.delivered) == 503
    assert mailings.count_for_campaign(db, c.id, "line") == 503


def test_a_coupon_without_a_code_field_gets_the_code_added(shop, api, today):
    db = shop
    _linked_guests(db, 1)
    c = _campaign(db, "{name}様 今月のおすすめがあります。")
    issued = campaigns.issue(db, c, today=today).issued
    line.send(db, c, today=today, api_host=api.host)
    assert [text for _u, text in api.delivered] == [
        f"客001様 今月のおすすめがあります。\n\nCoupon code: {issued[0].code}"
        f" (valid until {campaigns.dates.format_date(issued[0].valid_until, 'en')})"
    ]


def test_a_run_over_the_quota_is_refused_with_the_number_left(shop, api, today):
    db = shop
    api.limit, api.used = 200, 198
    _linked_guests(db, 3)
    c = _campaign(db, "{name}様 {coupon_code}")
    campaigns.issue(db, c, today=today)
    with pytest.raises(LineError) as err:
        line.send(db, c, today=today, api_host=api.host)
    assert "needs 3 messages but only 2 are left" in str(err.value)
    assert str(err.value).startswith("LINE message quota:")
    assert api.sends() == [] and line_links.sends(db, "") == []
    assert mailings.count_for_campaign(db, c.id, "line") == 0


def test_quota_message_in_japanese(shop, api, today, ja):
    db = shop
    api.limit, api.used = 10, 10
    _linked_guests(db, 1)
    c = _campaign(db, "{name}様 {coupon_code}")
    campaigns.issue(db, c, today=today)
    with pytest.raises(LineError) as err:
        line.send(db, c, today=today, api_host=api.host)
    assert "今月の残りは0通" in str(err.value) and str(err.value).startswith("LINEメッセージ通数: ")


def test_a_resend_with_the_same_retry_key_is_not_doubled(shop, api, today):
    db = shop
    _linked_guests(db, 2)
    c = _campaign(db, "{name}様 {coupon_code}")
    campaigns.issue(db, c, today=today)
    api.accept_then_fail = 1  # LINE takes the first message, then the answer is lost (500)
    result = line.send(db, c, today=today, api_host=api.host)
    assert result.sent == 2 and result.already == 1
    first_key = api.sends()[0]["headers"]["x-line-retry-key"]
    retried = [r for r in api.sends() if r["headers"]["x-line-retry-key"] == first_key]
    assert len(retried) == 2  # sent again with the same key ...
    assert len(api.delivered) == 2  # ... and LINE did not deliver it twice
    assert len({u for u, _t in api.delivered}) == 2
    assert mailings.count_for_campaign(db, c.id, "line") == 2


def test_a_busy_line_leaves_the_rest_pending_and_a_later_run_resends_with_the_same_key(
    shop, api, today
):
    db = shop
    _linked_guests(db, 2)
    c = _campaign(db, "{name}様 {coupon_code}")
    campaigns.issue(db, c, today=today)
    api.fail_next = [500, 500, 500, 429]  # three tries fail, then the monthly limit
    result = line.send(db, c, today=today, api_host=api.host)
    assert result.sent == 0 and result.waiting == 2
    pending = line_links.pending_for_campaign(db, c.id)
    assert [p.attempts for p in pending] == [1, 1]
    keys = {p.retry_key for p in pending}
    again = line.send(db, c, today=today, api_host=api.host)
    assert again.sent == 2
    assert {r["headers"]["x-line-retry-key"] for r in api.sends()[-2:]} == keys
    assert len(api.delivered) == 2


def test_a_rejected_request_fails_for_good_and_is_reported(shop, api, today):
    db = shop
    _linked_guests(db, 1)
    c = _campaign(db, "{name}様 {coupon_code}")
    campaigns.issue(db, c, today=today)
    api.fail_next = [400]
    result = line.send(db, c, today=today, api_host=api.host)
    assert len(result.failed) == 1 and "400" in result.failed[0][1]
    assert line.send(db, c, today=today, api_host=api.host).sent == 0
    assert mailings.count_for_campaign(db, c.id, "line") == 0


def test_unfollowed_guests_are_left_out(shop, api, today):
    db = shop
    a, b = _linked_guests(db, 2)
    with db.atomic():
        line_links.set_followed(db, user_id(2), False, dt.datetime.now())
    c = _campaign(db, "{name}様 {coupon_code}")
    campaigns.issue(db, c, today=today)
    p = line.plan(db, c, today=today)
    assert [r.customer.id for r in p.recipients] == [a.id]
    assert p.left_out == [(b.id, b.name, "unfollowed")]
    assert "Unfollowed or blocked the shop on LINE: 1" in p.summary()


def test_sending_without_a_token_says_why(shop, tmp_path, today):
    use_file_keyring(tmp_path / "empty")
    (tmp_path / "empty").mkdir(exist_ok=True)
    assert "channel access token" in line.send_off_reason(shop)


def test_erasing_a_guest_forgets_their_line_user_id(shop, api, today):
    db = shop
    (guest,) = _linked_guests(db, 1)
    c = _campaign(db, "{name}様 {coupon_code}")
    campaigns.issue(db, c, today=today)
    line.send(db, c, today=today, api_host=api.host)
    privacy.erase(db, guest.id)
    assert line_links.link_for(db, guest.id) is None
    assert line_links.link_by_user(db, user_id(1)) is None
    result_key = mailings.for_campaign(db, c.id)[0].batch  # the run key
    (row,) = line_links.sends(db, result_key)
    assert row.user_id == "" and row.text == "" and row.state == "sent"
    assert mailings.count_for_campaign(db, c.id, "line") == 1  # the figures stay


def test_a_send_applies_the_relays_unfollows_first(shop, api, relay, today):
    db = shop
    _a, b = _linked_guests(db, 2)
    c = _campaign(db, "{name}様 {coupon_code}")
    campaigns.issue(db, c, today=today)
    assert _webhook(relay, _event("unfollow", user_id(2), n=1)) == 200  # b blocked the shop
    result = line.send(db, c, today=today, api_host=api.host)
    assert result.pulled is not None and result.pulled.unfollowed == [b.id]
    assert result.sent == 1 and [u for u, _t in api.delivered] == [user_id(1)]


def test_a_send_goes_ahead_when_the_relay_is_down_and_says_so(shop, api, relay, today):
    db = shop
    _linked_guests(db, 1)
    c = _campaign(db, "{name}様 {coupon_code}")
    campaigns.issue(db, c, today=today)
    relay.shutdown()
    relay.server_close()
    result = line.send(db, c, today=today, api_host=api.host)
    assert result.sent == 1
    assert "The relay could not be checked first: LINE relay: Cannot reach the relay" in (
        result.summary()
    )
