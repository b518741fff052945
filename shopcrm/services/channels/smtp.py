"""The shop's SMTP server: connecting (STARTTLS on 587, TLS on 465, plain for a local relay),
logging in, sending one message, and turning what went wrong into words the owner can act on
(cannot connect, TLS failed, user or password refused, a temporary or a permanent refusal).
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from sqlite_utils import Database

from shopcrm.i18n import N_
from shopcrm.services.channels import keychain
from shopcrm.services.channels.errors import (
    AUTH,
    CONFIG,
    CONNECT,
    PERMANENT,
    TEMPORARY,
    TLS,
    EmailError,
)
from shopcrm.store import settings

TIMEOUT = 30.0  # seconds for connecting and each command


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # settings.SMTP_SECURITY
    user: str = ""
    password: str = ""
    sender_name: str = ""
    sender_address: str = ""
    reply_address: str = ""
    per_minute: int = 20
    timeout: float = TIMEOUT

    @property
    def domain(self) -> str:
        """The sender's domain (the right side of Message-IDs)."""
        return self.sender_address.rpartition("@")[2]


def config_from(db: Database) -> SmtpConfig:
    """The settings and the keychain's password; ``EmailError`` (config) when one is missing."""
    s = settings.get_all(db)
    if not s["smtp_host"].strip():
        raise EmailError(CONFIG, N_("Enter the SMTP server in Settings → E-mail."))
    if not s["email_sender_address"]:
        raise EmailError(CONFIG, N_("Enter the sender address in Settings → E-mail."))
    user = s["smtp_user"].strip()
    password = keychain.get_password(user, s["smtp_host"].strip()) if user else ""
    if user and not password:
        raise EmailError(
            CONFIG, N_("No password is stored for {user}: enter it in Settings → E-mail."),
            "smtp_password", user=user,
        )  # fmt: skip
    return SmtpConfig(
        host=s["smtp_host"].strip(),
        port=s["smtp_port"],
        security=s["smtp_security"],
        user=user,
        password=password,
        sender_name=s["email_sender_name"] or s["shop_name"],
        sender_address=s["email_sender_address"],
        reply_address=s["email_reply_address"] or s["email_sender_address"],
        per_minute=s["email_per_minute"],
    )


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{exc.smtp_code} {text}".strip()


class Connection:
    """One logged-in session with the server; ``with Connection(cfg) as c: c.send(msg)``."""

    def __init__(self, cfg: SmtpConfig):
        self.cfg = cfg
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Connection:
        self.open()
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def open(self) -> None:
        cfg = self.cfg
        try:
            if cfg.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    cfg.host, cfg.port, timeout=cfg.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
            self.smtp = smtp
            smtp.ehlo()
            if cfg.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise EmailError(
                        TLS, N_("The server {host}:{port} does not offer STARTTLS; try port 465"
                                " with SSL."), host=cfg.host, port=cfg.port,
                    )  # fmt: skip
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if cfg.user:
                smtp.login(cfg.user, cfg.password)
        except EmailError:
            self.close()
            raise
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            raise EmailError(
                AUTH, N_("The server refused the user name or password ({reply}). Gmail and"
                         " Outlook need an app password."), "smtp_password", reply=_reply(exc),
            ) from None  # fmt: skip
        except (ssl.SSLError, ssl.CertificateError) as exc:
            self.close()
            raise EmailError(
                TLS, N_("The encrypted connection to {host}:{port} failed ({error}). Check the"
                        " port and security: 587 with STARTTLS or 465 with SSL."),
                error=str(exc), host=cfg.host, port=cfg.port,
            ) from None  # fmt: skip
        except smtplib.SMTPNotSupportedError as exc:
            self.close()
            raise EmailError(
                AUTH, N_("The server does not accept a login here ({error}); check the port and"
                         " security."), error=str(exc),
            ) from None  # fmt: skip
        except (OSError, smtplib.SMTPException) as exc:  # refused, unknown host, timeout
            self.close()
            raise EmailError(
                CONNECT, N_("Cannot connect to the mail server {host}:{port} ({error})."),
                error=_plain_error(exc), host=cfg.host, port=cfg.port,
            ) from None  # fmt: skip

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()

    def _drop(self) -> None:
        smtp, self.smtp = self.smtp, None  # gone: the next send reconnects
        if smtp is not None:
            smtp.close()

    def send(self, msg: EmailMessage) -> None:
        """Send one message; ``EmailError`` temporary (4xx, dropped) or permanent (5xx)."""
        if self.smtp is None:
            self.open()
        assert self.smtp is not None
        try:
            refused = self.smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise _refusal(code, text) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise _refusal(exc.smtp_code, exc.smtp_error) from None
        except smtplib.SMTPResponseException as exc:  # before OSError: it is one
            if exc.smtp_code in (421, -1):  # the server is closing the connection
                self._drop()
            raise _refusal(exc.smtp_code, exc.smtp_error) from None
        except OSError as exc:  # SMTPServerDisconnected, reset, timeout
            self._drop()
            raise EmailError(
                TEMPORARY, N_("The connection to the mail server dropped ({error})."),
                error=_plain_error(exc),
            ) from None  # fmt: skip
        if refused:  # only with several recipients; we send one at a time
            code, text = next(iter(refused.values()))
            raise _refusal(code, text)


def _plain_error(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return "unknown host"
    return str(exc) or type(exc).__name__


def _refusal(code: int, text: bytes | str) -> EmailError:
    reply = f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
    if 500 <= code < 600:
        return EmailError(
            PERMANENT, N_("The mail server refused the message permanently: {reply}"), reply=reply
        )
    return EmailError(
        TEMPORARY, N_("The mail server asked to try again later: {reply}"), reply=reply
    )
