"""The SMTP password in the OS keychain (``keyring``): never in the settings table or a backup.

The entry is the service ``shopcrm-smtp`` with the user name ``user@host``, so a change of server
or account asks for its own password. Tests set a file keyring in tmp_path (``keyrings.alt``).
"""

from __future__ import annotations

import contextlib

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from shopcrm.i18n import N_
from shopcrm.services.channels.errors import CONFIG, EmailError

SERVICE = "shopcrm-smtp"


def _account(user: str, host: str) -> str:
    return f"{user}@{host}"


def get_password(user: str, host: str) -> str:
    """The stored password, "" when none is stored; ``ValidationError`` when no keychain works."""
    try:
        return keyring.get_password(SERVICE, _account(user, host)) or ""
    except KeyringError as exc:
        raise EmailError(
            CONFIG,
            N_("The system keychain cannot be read: {error}"),
            "smtp_password",
            error=str(exc),
        ) from None


def set_password(user: str, host: str, password: str) -> None:
    """Store (or, with "", remove) the password for this user at this server."""
    try:
        if password:
            keyring.set_password(SERVICE, _account(user, host), password)
        else:
            with contextlib.suppress(PasswordDeleteError):  # nothing stored: nothing to remove
                keyring.delete_password(SERVICE, _account(user, host))
    except KeyringError as exc:
        raise EmailError(
            CONFIG,
            N_("The system keychain cannot store the password: {error}"),
            "smtp_password",
            error=str(exc),
        ) from None  # fmt: skip
