"""STARTTLS (port 587 style) and SSL/TLS (port 465 style) against a real aiosmtpd server with a
certificate made by openssl for 127.0.0.1: an untrusted certificate is a plain TLS message; a
trusted one (SSL_CERT_FILE, read by the default context) carries the login and the test mail."""

from __future__ import annotations

import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller

from shopcrm.services.channels import email_run, keychain, smtp
from shopcrm.services.channels.errors import TLS, EmailError
from shopcrm.store import settings
from tests.services.test_email_fixtures import *  # noqa: F403
from tests.services.test_email_fixtures import SmtpRecorder, _authenticator, free_port


@pytest.fixture
def cert(tmp_path):
    key, crt = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(crt), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(crt, key)
    return crt, context


def _server(context, *, implicit: bool):
    handler = SmtpRecorder()
    port = free_port()
    # aiosmtpd counts only STARTTLS as encrypted for AUTH; with TLS from the start (465) the
    # session is encrypted too (the untrusted-certificate refusal below proves it)
    tls = (
        {"ssl_context": context, "auth_require_tls": False}
        if implicit
        else {"tls_context": context}
    )
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=_authenticator,
        auth_required=False, **tls,
    )  # fmt: skip
    controller.start()
    return controller, handler, port


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_login_and_test_mail(db, shop, cert, monkeypatch, security, ja):
    crt, context = cert
    controller, handler, port = _server(context, implicit=security == "ssl")
    try:
        settings.set_many(db, {"smtp_port": port, "smtp_security": security,
                               "smtp_user": "shop@example.jp"})  # fmt: skip
        keychain.set_password("shop@example.jp", "127.0.0.1", "app-password")
        with pytest.raises(EmailError) as err:  # the certificate is nobody's we trust
            email_run.send_test(smtp.config_from(db))
        assert err.value.kind == TLS and "暗号化接続" in str(err.value)
        monkeypatch.setenv("SSL_CERT_FILE", str(crt))
        assert email_run.send_test(smtp.config_from(db)) == "shop@example.jp"
        assert len(handler.arrived) == 1
    finally:
        controller.stop()
