"""What a coupon gives, in words: the one wording for the campaign editor, the coupon lists, the
command line, the DM text (``{discount}``) and every printed piece (postcard, ticket, letter).

The wording reads both on its own (a postcard's offer line) and inside a sentence
(``{discount}のクーポンをお贈りします``): ``10%引き`` / ``10% off``, ``500円引き`` / ``¥500 off``,
``枝豆を1品サービス`` / ``a free 枝豆``.
"""

from __future__ import annotations

from shopcrm.domain.models import Campaign
from shopcrm.domain.money import format_money, format_yen_ja
from shopcrm.i18n import _, using_language


def discount_text(campaign: Campaign | None, lang: str | None = None) -> str:
    """The offer of ``campaign`` in ``lang`` (default: the current language); "" for none."""
    if campaign is None:
        return ""
    with using_language(lang) as used:
        if campaign.discount_type == "percent":
            return _("{percent}% off").format(percent=campaign.discount_value)
        if campaign.discount_type == "amount":
            value = campaign.discount_value
            amount = format_yen_ja(value) if used == "ja" else format_money(value)
            return _("{amount} off").format(amount=amount)
        if campaign.discount_item.strip():
            return _("a free {item}").format(item=campaign.discount_item.strip())
        return _("a free item")
