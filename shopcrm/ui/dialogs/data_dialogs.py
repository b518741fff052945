"""Import, export, backup, restore and check-database entry points for the main window's menus.

Placeholder until the data-safety work lands: each function shows its dialog and returns.
"""

from __future__ import annotations


def import_data(ctx, parent=None) -> None: ...


def export_data(ctx, parent=None) -> None: ...


def backup_now(ctx, parent=None) -> None: ...


def restore(ctx, parent=None) -> None: ...


def check_database(ctx, parent=None) -> None: ...
