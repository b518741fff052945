"""What a DM may call a guest's favourite: the menu entry as the guest would say it, and which
menu entries never count as a favourite unless the guest marked them.

A menu entry carries portion and size notes for the counter ("生ビール（中）", "焼き鳥盛り合わせ
（5本）", "純米酒（一合）"); in a DM the guest's favourite is "生ビール", "焼き鳥盛り合わせ".
When nothing is marked, the fallback is the item ordered most, but soft drinks, desserts and the
お通し table charge (an "other" item) say nothing about a guest and are never that fallback.
"""

from __future__ import annotations

import re

# A bracketed note that is a portion or a size: （中） （大） （5本） （一合） （2人前） (M) ...
_PORTION = re.compile(
    r"\s*[（(]\s*(?:"
    r"[大中小特並]|[SMLＳＭＬ]|ハーフ|フル|グラス|ボトル|ジョッキ|デカンタ|ピッチャー"
    r"|[0-9０-９一二三四五六七八九十半]+\s*(?:本|個|枚|貫|合|杯|人前|切れ|串|品|g|ｇ|ml|ｍｌ|cc|cm)?"
    r"|[0-9０-９一二三四五六七八九十]*\s*(?:合|人前|本|個|枚|貫)"
    r")\s*[）)]\s*"
)
# Menu categories whose items are never the fallback favourite (matched as parts of the name).
NOT_A_FAVOURITE = ("ソフトドリンク", "ソフト", "デザート", "甘味", "スイーツ", "soft drink",
                   "dessert", "sweets")  # fmt: skip


def dm_name(label: str) -> str:
    """The menu entry as a DM names it: portion and size notes dropped ("生ビール（中）" ->
    "生ビール"); other notes ("芋焼酎（ロック）") stay, they are part of what the guest drinks."""
    name = _PORTION.sub("", label or "").strip()
    return name or (label or "").strip()
