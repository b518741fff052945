"""Errors the store raises besides ``ValidationError``."""

from __future__ import annotations


class NotFound(KeyError):
    """No row with that id (or code)."""

    def __init__(self, what: str, key: object):
        super().__init__(f"{what} {key!r} not found")
        self.what = what
        self.key = key


class UnsafeLocation(OSError):
    """The database is somewhere it cannot be kept safely (a network share); ``str()`` is a
    sentence for the owner saying what to do instead (``store.location``)."""
