"""Owner PIN prompt. Placeholder until the privacy work lands: no PIN can be set yet."""

from __future__ import annotations


def ask_owner_pin(ctx, parent=None) -> bool:
    return not ctx.owner_pin_set()
