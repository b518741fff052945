"""A stand-in for LINE's Messaging API on 127.0.0.1, and helpers for LINE tests.

It answers as LINE's reference documents: ``GET /v2/bot/message/quota`` ({"type": "limited",
"value": N} or {"type": "none"}), ``GET /v2/bot/message/quota/consumption`` ({"totalUsage": N}),
``POST /v2/bot/message/push`` (200 {"sentMessages": [...]}) and ``/multicast`` (200 {}), 400 for a
bad request (a malformed user ID, more than 500 recipients) with "message" and "details", 429
"You have reached your monthly limit." past the quota, 401 for a wrong token, and the retry key:
a request whose X-Line-Retry-Key was accepted before is answered 409 with
``x-line-accepted-request-id`` and is not delivered again. ``accept_then_fail`` makes it accept
a request and still answer 500 (the case the retry key exists for).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import keyring
from keyrings.alt.file import PlaintextKeyring

USER = re.compile(r"^U[0-9a-f]{32}$")
TOKEN = "test-channel-access-token"
CHANNEL_SECRET = "test-channel-secret-0123456789ab"


def user_id(n: int) -> str:
    return "U" + f"{n:032x}"


def sign(body: bytes, secret: str = CHANNEL_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def use_file_keyring(tmp_path):
    """The keychain for a test: keyrings.alt's file backend in tmp_path."""
    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "keyring.cfg")
    keyring.set_keyring(ring)
    return ring


class LineApiStandIn(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, *, limit: int | None = 1000, used: int = 0):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.limit = limit  # None: no monthly limit ({"type": "none"})
        self.used = used
        self.requests: list[dict] = []  # every request: method, path, headers, body
        self.delivered: list[tuple[str, str]] = []  # (user ID, text) actually sent
        self.accepted: dict[str, str] = {}  # retry key -> request id
        self.accept_then_fail = 0  # next N sends: accept, then answer 500
        self.fail_next: list[int] = []  # next sends: answer this status, accept nothing
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def host(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def sends(self) -> list[dict]:
        return [r for r in self.requests if r["method"] == "POST"]


class _Handler(BaseHTTPRequestHandler):
    server: LineApiStandIn
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # headers and body in one write (no Nagle/delayed-ACK wait per answer)

    def log_message(self, *args) -> None:
        pass

    def _answer(self, status: int, payload: dict, headers: dict | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-line-request-id", str(uuid.uuid4()))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _record(self, body: bytes) -> dict:
        entry = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": json.loads(body) if body else None,
        }
        self.server.requests.append(entry)
        return entry

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._answer(
                401,
                {
                    "message": "Authentication failed. Confirm that the access token"
                    " in the authorization header is valid."
                },
            )
            return False
        return True

    def do_GET(self) -> None:
        s = self.server
        with s.lock:
            self._record(b"")
            if not self._authorised():
                return
            if self.path == "/v2/bot/message/quota":
                if s.limit is None:
                    self._answer(200, {"type": "none"})
                else:
                    self._answer(200, {"type": "limited", "value": s.limit})
            elif self.path == "/v2/bot/message/quota/consumption":
                self._answer(200, {"totalUsage": s.used})
            else:
                self._answer(404, {"message": "Not found"})

    def do_POST(self) -> None:
        s = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with s.lock:
            entry = self._record(body)
            if not self._authorised():
                return
            if self.path not in ("/v2/bot/message/push", "/v2/bot/message/multicast"):
                self._answer(404, {"message": "Not found"})
                return
            key = self.headers.get("X-Line-Retry-Key")
            if key and key in s.accepted:
                self._answer(
                    409,
                    {"message": "The retry key is already accepted"},
                    {"x-line-accepted-request-id": s.accepted[key]},
                )
                return
            if s.fail_next:
                self._answer(s.fail_next.pop(0), {"message": "An error occurred."})
                return
            data = entry["body"]
            to = [data["to"]] if self.path.endswith("/push") else list(data["to"])
            bad = [u for u in to if not USER.match(str(u))]
            if bad or not to or len(to) > 500 or not data.get("messages"):
                self._answer(
                    400,
                    {
                        "message": "The request body has 1 error(s)",
                        "details": [{"message": "invalid recipient", "property": "to"}],
                    },
                )
                return
            n = len(to) * len(data["messages"])
            if s.limit is not None and s.used + n > s.limit:
                self._answer(429, {"message": "You have reached your monthly limit."})
                return
            s.used += n
            for u in to:
                for m in data["messages"]:
                    s.delivered.append((u, m["text"]))
            request_id = str(uuid.uuid4())
            if key:
                s.accepted[key] = request_id
            if s.accept_then_fail:
                s.accept_then_fail -= 1
                self._answer(500, {"message": "An error occurred in the server."})
                return
            if self.path.endswith("/push"):
                self._answer(200, {"sentMessages": [{"id": "1", "quoteToken": "q"}]})
            else:
                self._answer(200, {})
