"""Shared pieces of the e-mail tests: a real SMTP server on 127.0.0.1 (aiosmtpd) that records
what arrives and can refuse on cue, a file keyring in tmp_path, and a shop with a campaign whose
coupons are issued to guests with and without e-mail consent.

Import the fixtures with ``from tests.services.test_email_fixtures import *``.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import keyring
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from keyrings.alt.file import PlaintextKeyring

from shopcrm.domain.models import Campaign, Customer
from shopcrm.services import campaigns
from shopcrm.services.channels import keychain
from shopcrm.store import campaign_records, consents, customers, settings

__all__ = [
    "Arrived",
    "SmtpRecorder",
    "file_keyring",
    "shop",
    "smtp_server",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Arrived:
    rcpt: list[str]
    raw: bytes

    @property
    def message(self):
        return email.message_from_bytes(self.raw, policy=email.policy.default)


@dataclass
class SmtpRecorder:
    """aiosmtpd handler: keeps every message; ``rcpt_replies[address]`` is a list of replies
    given to RCPT for that address, one per try ('451 …', '550 …'), then it is accepted."""

    arrived: list[Arrived] = field(default_factory=list)
    rcpt_replies: dict[str, list[str]] = field(default_factory=dict)
    on_message: Callable[[int], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        replies = self.rcpt_replies.get(address)
        if replies:
            return replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.arrived.append(Arrived(list(envelope.rcpt_tos), envelope.original_content))
            n = len(self.arrived)
        if self.on_message is not None:
            self.on_message(n)
        return "250 Message accepted"

    def to(self, address: str) -> list[Arrived]:
        return [a for a in self.arrived if address in a.rcpt]


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"shop@example.jp" and auth_data.password == b"app-password"
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1: plain (no TLS), login optional, see ``SmtpRecorder``."""
    handler = SmtpRecorder()
    port = free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=_authenticator,
        auth_require_tls=False, auth_required=False,
    )  # fmt: skip
    controller.start()
    handler.port = port  # type: ignore[attr-defined]
    yield handler
    controller.stop()


@pytest.fixture
def file_keyring(tmp_path, monkeypatch):
    """A real keyring backend that needs no desktop: a plain file under tmp_path (the same
    file a child process finds through the two environment variables)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    yield keyring.get_keyring()
    keyring.set_keyring(previous)


TEMPLATE = "{name}様\nいつもありがとうございます。{favourite}をご用意してお待ちしております。"


@pytest.fixture
def shop(db, smtp_server, file_keyring, today):
    """Settings pointing at the test server, a campaign, six guests and their coupons."""
    settings.set_many(
        db,
        {
            "shop_name": "居酒屋まるや",
            "shop_postal_code": "2510025",
            "shop_address": "神奈川県藤沢市鵠沼石上1-2-3",
            "shop_phone": "0466-12-3456",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_server.port,
            "smtp_security": "none",
            "email_sender_name": "まるや",
            "email_sender_address": "shop@example.jp",
            "email_reply_address": "stop@example.jp",
            "email_per_minute": 600,
        },
    )
    people = {}

    def guest(key, name, mail, *, email_ok=True, **kw):
        kw.setdefault("dm_consent", True)
        c = customers.create(db, Customer(name=name, email=mail, **kw))
        if email_ok:
            consents.give(db, c.id, "email", "web form", dt.datetime(2026, 4, 1, 10))
        people[key] = c
        return c

    guest("sato", "佐藤 花子", "hanako@example.jp")
    guest("suzuki", "鈴木 一郎", "ichiro@example.jp")
    guest("brown", "Emily Brown", "emily@example.com", language="en")
    guest("no_mail", "高橋 次郎", "")
    guest("no_consent", "田中 三郎", "saburo@example.jp", email_ok=False)
    guest("gone", "伊藤 四郎", "shiro@example.jp")
    consents.unsubscribe(db, people["gone"].id, "email")
    camp = campaign_records.create(
        db, Campaign(name="秋の感謝祭", kind="custom", template=TEMPLATE, discount_value=10)
    )
    result = campaigns.issue(db, camp, today=today, customer_ids=[c.id for c in people.values()])
    assert len(result.issued) == 6
    return {"campaign": camp, "people": people, "period": result.issued[0].period_key}


def set_login(db, user="shop@example.jp", password="app-password"):
    settings.set(db, "smtp_user", user)
    keychain.set_password(user, "127.0.0.1", password)
