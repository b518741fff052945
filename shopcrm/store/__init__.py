"""The only code that runs SQL. Functions take ``db`` (a ``sqlite_utils.Database``) first and return
dataclasses from ``shopcrm.domain.models``."""

from shopcrm.store.db import Database, atomic
from shopcrm.store.opener import open_db

__all__ = ["Database", "atomic", "open_db"]
