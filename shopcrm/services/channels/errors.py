"""What went wrong reaching a guest or the mail server, in the user's language."""

from __future__ import annotations

from shopcrm.domain.errors import ValidationError
from shopcrm.i18n import N_, _

# kinds of SMTP trouble: what the owner can do about each differs
CONFIG = "config"  # a setting is missing (server, sender address)
CONNECT = "connect"  # the server cannot be reached
TLS = "tls"  # the encrypted connection failed
AUTH = "auth"  # user name or password refused
TEMPORARY = "temporary"  # 4xx or a dropped connection: try again later
PERMANENT = "permanent"  # 5xx for this recipient: the address does not work

FIELD_LABELS = {
    "smtp_password": N_("SMTP password"),
    "smtp": N_("E-mail"),
    "email": N_("E-mail"),
}


class EmailError(ValidationError):
    """An e-mail problem: ``kind`` is one of the kinds above; ``str()`` is translated."""

    def __init__(self, kind: str, message: str, field: str = "smtp", **params: object):
        super().__init__(field, message, **params)
        self.kind = kind

    @property
    def field_label(self) -> str:
        return _(FIELD_LABELS.get(self.field, N_("E-mail")))

    @property
    def temporary(self) -> bool:
        return self.kind in (TEMPORARY, CONNECT)
