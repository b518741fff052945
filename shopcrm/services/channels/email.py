"""One campaign e-mail: the guest's personal text, the coupon code in text and as an inline QR
image, and what Japan's 特定電子メール法 asks of a marketing mail.

The message is ``multipart/alternative``: a plain-text part, and an HTML part inside
``multipart/related`` whose QR image (``cid:``) is a PNG drawn from the same QR matrix the printed
coupons use (``services/printing/qr.py``), so a code scans the same on paper and on a phone; the
PNG is written here with zlib (no image library needed). The footer names the sender, the shop's
postal address and contact, says the guest can opt out and how: a ``mailto:`` link in the body
and a ``List-Unsubscribe`` header (no ``List-Unsubscribe-Post``: there is no https endpoint).
Headers are encoded by ``email.policy.SMTP`` (a Japanese subject as UTF-8 encoded-words).
"""

from __future__ import annotations

import datetime as dt
import html
import struct
import zlib
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import quote

from shopcrm.domain import dates
from shopcrm.domain.models import Campaign, Coupon, Customer
from shopcrm.domain.rules import format_postal_code
from shopcrm.i18n import _
from shopcrm.services import campaigns
from shopcrm.services.channels.smtp import SmtpConfig
from shopcrm.services.printing import qr

QR_SCALE = 6  # pixels per module: a 25-module code is 198 px with its quiet zone


def qr_png(text: str, scale: int = QR_SCALE) -> bytes:
    """The QR code of ``text`` as a black-and-white PNG (8-bit grey), with the quiet zone."""
    modules = qr.matrix(text)
    n = len(modules) + 2 * qr.QUIET_ZONE
    rows = []
    for y in range(n):
        my = y - qr.QUIET_ZONE
        line = bytearray()
        for x in range(n):
            mx = x - qr.QUIET_ZONE
            dark = 0 <= my < len(modules) and 0 <= mx < len(modules) and modules[my][mx]
            line += (b"\x00" if dark else b"\xff") * scale
        rows += [b"\x00" + bytes(line)] * scale  # filter byte 0 per row
    size = n * scale

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def unsubscribe_mailto(reply_address: str, code: str) -> str:
    """``mailto:`` the shop with the subject ``unsubscribe CODE`` (the guest's coupon code)."""
    subject = quote(f"unsubscribe {code}".strip())
    return f"mailto:{reply_address}?subject={subject}"


def shop_address_line(shop: dict) -> str:
    postal = format_postal_code(shop.get("shop_postal_code", ""))
    parts = [f"〒{postal}" if postal else "", shop.get("shop_address", ""),
             shop.get("shop_building", "")]  # fmt: skip
    return " ".join(p for p in parts if p).strip()


def subject(campaign: Campaign, shop_name: str) -> str:
    return _("{campaign} from {shop}").format(
        campaign=campaigns.display_name(campaign), shop=shop_name
    )


def footer_lines(cfg: SmtpConfig, shop: dict, code: str) -> list[str]:
    """The 特定電子メール法 footer: sender, postal address, contact, how to opt out (the
    ``mailto:`` link follows the last line)."""
    sender = shop.get("shop_name") or cfg.sender_name
    lines = [_("Sender: {name}").format(name=sender)]
    address = shop_address_line(shop)
    if address:
        lines.append(_("Address: {address}").format(address=address))
    contact = [cfg.reply_address]
    if shop.get("shop_phone"):
        contact.insert(0, shop["shop_phone"])
    lines.append(_("Contact: {contact}").format(contact=" / ".join(contact)))
    lines.append(_("You receive this e-mail because you agreed to receive our news by e-mail."))
    lines.append(
        _('To receive no more e-mail from us, send an e-mail to {address} with the subject'
          ' "{subject}", or use this link:').format(address=cfg.reply_address,
                                                    subject=f"unsubscribe {code}".strip())
    )  # fmt: skip
    return lines


def build(
    *,
    cfg: SmtpConfig,
    shop: dict,
    customer: Customer,
    coupon: Coupon | None,
    campaign: Campaign,
    text: str,
    message_id: str,
    lang: str,
    when: dt.datetime | None = None,
) -> EmailMessage:
    """The message to ``customer`` (call inside ``using_language(lang)``)."""
    code = coupon.code if coupon else ""
    mailto = unsubscribe_mailto(cfg.reply_address, code)
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = subject(campaign, shop.get("shop_name") or cfg.sender_name)
    msg["From"] = Address(display_name=cfg.sender_name, addr_spec=cfg.sender_address)
    msg["To"] = Address(display_name=customer.name, addr_spec=customer.email)
    if cfg.reply_address != cfg.sender_address:
        msg["Reply-To"] = Address(addr_spec=cfg.reply_address)
    msg["Date"] = format_datetime((when or dt.datetime.now()).astimezone())
    msg["Message-ID"] = message_id
    msg["List-Unsubscribe"] = f"<{mailto}>"
    msg["Content-Language"] = lang

    coupon_lines = []
    if coupon is not None:
        coupon_lines = [
            _("Coupon code: {code}").format(code=code),
            _("Valid until {date}").format(date=dates.format_date(coupon.valid_until, lang)),
        ]
    footer = footer_lines(cfg, shop, code)
    plain = "\n".join([text.strip(), "", *coupon_lines, "", "--", *footer, mailto]) + "\n"
    msg.set_content(plain, charset="utf-8")

    cid = message_id.strip("<>").replace("@", ".qr@")
    esc = html.escape
    body = "<br>".join(esc(line) for line in text.strip().splitlines())
    parts = [f'<html lang="{esc(lang)}"><body>', f"<p>{body}</p>"]
    if coupon is not None:
        parts += [
            f"<p><b>{esc(coupon_lines[0])}</b><br>{esc(coupon_lines[1])}</p>",
            f'<p><img src="cid:{esc(cid)}" alt="{esc(code)}" width="180" height="180"></p>',
        ]
    foot = "<br>".join(esc(line) for line in footer)
    link = _("Unsubscribe from e-mail")
    parts += [
        f'<hr><p style="font-size:small">{foot}<br><a href="{esc(mailto)}">{esc(link)}</a></p>',
        "</body></html>",
    ]
    msg.add_alternative("\n".join(parts), subtype="html", charset="utf-8")
    if coupon is not None:
        html_part = msg.get_body(("html",))
        assert isinstance(html_part, EmailMessage)  # the alternative added just above
        html_part.add_related(
            qr_png(code), maintype="image", subtype="png", cid=f"<{cid}>",
            filename="coupon-qr.png", disposition="inline",
        )  # fmt: skip
    return msg


def test_message(cfg: SmtpConfig, to: str, message_id: str) -> EmailMessage:
    """The settings' test mail: proves the server, the login and the sender address work."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = _("shopcrm test mail")
    msg["From"] = Address(display_name=cfg.sender_name, addr_spec=cfg.sender_address)
    msg["To"] = Address(addr_spec=to)
    msg["Date"] = format_datetime(dt.datetime.now().astimezone())
    msg["Message-ID"] = message_id
    msg.set_content(
        _("This test mail was sent by shopcrm through {host}:{port}. E-mail works.").format(
            host=cfg.host, port=cfg.port
        )
        + "\n",
        charset="utf-8",
    )
    return msg
