"""The LINE link slip: an A6 page the counter prints for a guest (the QR code of the shop's chat
with their one-time code, the code in large type, how to use it and until when).

Drawn with the printing fonts (IPAexGothic embedded) and the printing QR encoder, so it reads the
same as the coupons the shop prints.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from shopcrm.domain.models import Customer
from shopcrm.i18n import _, using_language
from shopcrm.services.channels.line import LinkOffer
from shopcrm.services.printing import fonts, layout, qr


def write_slip(path: Path | str, offer: LinkOffer, customer: Customer, shop_name: str) -> Path:
    """Write the slip as a one-page PDF at ``path`` (in the guest's language)."""
    path = Path(path)
    fonts.register()
    width, height = A6
    margin = 10 * mm
    c = canvas.Canvas(str(path), pagesize=A6, pageCompression=1)
    with using_language(customer.language or None):
        c.setTitle(_("LINE link code"))
        c.setAuthor(shop_name)
        y = height - margin
        if shop_name:
            y = layout.draw_lines(
                c, [shop_name], margin, y, 11, align="centre", width=width - 2 * margin
            )
        y = layout.draw_lines(
            c, [_("Link LINE — {name}").format(name=customer.name)], margin, y - 2 * mm, 9,
            align="centre", width=width - 2 * margin,
        )  # fmt: skip
        size = 52 * mm
        qr.draw(c, offer.url, (width - size) / 2, y - 2 * mm - size, size)
        y -= 2 * mm + size
        fonts.draw_string(c, width / 2, y - 9 * mm, offer.code.shown, 20, anchor="centre")
        y -= 13 * mm
        steps = _(
            "Scan the code with your phone: LINE opens our chat with the link code typed in. "
            "Send it, and you will get our coupons on LINE. You can stop them at any time by "
            "blocking the account."
        )
        lines = layout.wrap(steps, width - 2 * margin, 7.5)
        y = layout.draw_lines(c, lines, margin, y, 7.5, leading=1.45)
        until = _("Valid until {time}").format(time=f"{offer.code.expires_at:%Y-%m-%d %H:%M}")
        layout.draw_lines(
            c, [until], margin, y - 2 * mm, 7.5, align="centre", width=width - 2 * margin
        )
    c.showPage()
    c.save()
    return path
