"""``Changes``: what a write changed, so every page refreshes from that and nothing else.

A write (a background ``CollectionOp`` or a quick save on the main thread) ends with one
``ctx.changed.emit(Changes(...))``; each page looks at the kinds it shows. Qt-free, so services and
tests can build it too.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

KINDS = ("customers", "visits", "coupons", "campaigns", "settings", "menu", "mailings")


@dataclass(frozen=True)
class Changes:
    customers: bool = False  # a guest added, edited, merged or erased (also their tags, notes)
    visits: bool = False  # a visit recorded, edited or deleted
    coupons: bool = False  # coupons issued, redeemed or voided
    campaigns: bool = False  # a campaign created, edited or deleted
    settings: bool = False  # shop settings, PIN, business day, printer offsets
    menu: bool = False  # menu categories and items
    mailings: bool = False  # a mailing recorded for guests (printed DMs)

    @classmethod
    def everything(cls) -> Changes:
        """All of it (a restored backup, an import of a whole shop)."""
        return cls(**dict.fromkeys(KINDS, True))

    def __or__(self, other: Changes) -> Changes:
        return replace(self, **{k: True for k in other.kinds()})

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def kinds(self) -> tuple[str, ...]:
        """The names of what changed, in ``KINDS`` order."""
        return tuple(k for k in KINDS if getattr(self, k))

    def any_of(self, *kinds: str) -> bool:
        """True if any of ``kinds`` changed (``changes.any_of("visits", "customers")``)."""
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown change kinds: {sorted(unknown)}")
        return any(getattr(self, k) for k in kinds)
