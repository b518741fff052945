"""The LINE webhook relay: a small HTTP server (stdlib only, no Qt) for any small host.

LINE delivers webhook events only to an internet-reachable HTTPS URL; the counter PC has none.
The relay runs on a small host behind HTTPS (Caddy, Cloud Run, fly.io), and:

* ``POST /webhook``: checks ``X-Line-Signature`` (HMAC-SHA256 of the body with the channel
  secret, base64; line-bot-sdk's ``SignatureValidator``). A wrong or missing signature is
  answered 400 and nothing is kept. Otherwise the follow, unfollow and text-message events are
  kept in the relay's SQLite file and LINE gets 200 at once (no other work is done per request).
  Of a text message only the link codes it holds are kept; other messages are not kept at all.
* ``GET /events?after=N``: the events numbered after N (at most 500), for the counter PC, with
  ``Authorization: Bearer <shared secret>`` (compared in constant time); 401 otherwise.
* ``GET /health``: 200, for the host's health check.

The relay holds only LINE user IDs and the link codes guests sent; no names, no shop data.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from shopcrm.store.line_links import codes_in_text
from shopcrm.store.relay_events import RelayStore

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # LINE's webhook bodies are a few kB
PULL_LIMIT = 500
KEPT_TYPES = ("follow", "unfollow", "message")


def events_from_body(payload: dict) -> list[dict]:
    """The events of a webhook body the relay keeps, flattened (a text message's text only)."""
    kept = []
    for e in payload.get("events") or []:
        kind = e.get("type")
        user_id = (e.get("source") or {}).get("userId") or ""
        if kind not in KEPT_TYPES or not user_id:
            continue
        text = ""
        if kind == "message":
            message = e.get("message") or {}
            if message.get("type") != "text":
                continue
            # Only the link codes in it: what else a guest writes to the shop is not kept here.
            text = " ".join(codes_in_text(str(message.get("text") or "")[:1000]))
            if not text:
                continue
        kept.append(
            {
                "webhook_event_id": e.get("webhookEventId") or None,
                "type": kind,
                "user_id": str(user_id),
                "text": text,
                "timestamp": int(e.get("timestamp") or 0),
            }
        )
    return kept


class RelayServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        *,
        store: RelayStore,
        channel_secret: str,
        shared_secret: str,
        keep_days: int = 30,
    ):
        if not channel_secret or not shared_secret:
            raise ValueError("the relay needs the channel secret and a shared secret")
        # Lazy, on purpose: linebot.v3.webhook takes ~0.3 s to import (its event models) and only
        # the relay needs it, not every start of ``shopcrm``.
        from linebot.v3.webhook import SignatureValidator  # lazy: ~0.3 s, only the relay needs it

        super().__init__(address, _Handler)
        self.store = store
        self.validator = SignatureValidator(channel_secret)
        self.shared_secret = shared_secret
        self.keep_days = keep_days

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{name}:{port}"


class _Handler(BaseHTTPRequestHandler):
    server: RelayServer
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # headers and body in one write (no Nagle/delayed-ACK wait per answer)

    def log_message(self, format: str, *args) -> None:
        log.info("%s " + format, self.address_string(), *args)

    def _answer(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        if urlparse(self.path).path != "/webhook":
            self._answer(404, {"message": "not found"})
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._answer(413, {"message": "body too large"})
            return
        raw = self.rfile.read(length)
        signature = self.headers.get("X-Line-Signature") or ""
        try:
            body = raw.decode("utf-8")
            valid = bool(signature) and self.server.validator.validate(body, signature)
        except (UnicodeDecodeError, ValueError):
            valid = False
        if not valid:
            log.warning("webhook refused: wrong or missing signature")
            self._answer(400, {"message": "invalid signature"})
            return
        try:
            events = events_from_body(json.loads(body))
        except (ValueError, TypeError, AttributeError):
            self._answer(400, {"message": "invalid body"})
            return
        self.server.store.add(events, keep_days=self.server.keep_days)
        self._answer(200, {})

    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path == "/health":
            self._answer(200, {"status": "ok"})
            return
        if url.path != "/events":
            self._answer(404, {"message": "not found"})
            return
        given = (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), self.server.shared_secret.encode()):
            self._answer(401, {"message": "wrong shared secret"})
            return
        try:
            after = int((parse_qs(url.query).get("after") or ["0"])[0])
        except ValueError:
            self._answer(400, {"message": "after must be a number"})
            return
        events = self.server.store.after(after, PULL_LIMIT)
        last = events[-1]["id"] if events else after
        self._answer(200, {"events": events, "last": last, "more": len(events) == PULL_LIMIT})


def make_server(
    host: str,
    port: int,
    *,
    db_path: Path | str,
    channel_secret: str,
    shared_secret: str,
    keep_days: int = 30,
) -> RelayServer:
    return RelayServer(
        (host, port),
        store=RelayStore(db_path),
        channel_secret=channel_secret,
        shared_secret=shared_secret,
        keep_days=keep_days,
    )


def serve_in_thread(server: RelayServer) -> threading.Thread:
    """Serve in a daemon thread (tests, or an app that hosts the relay itself)."""
    thread = threading.Thread(target=server.serve_forever, name="line-relay", daemon=True)
    thread.start()
    return thread
