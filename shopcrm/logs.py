"""The log file: a rotating ``shopcrm.log`` in the user's log folder (``paths.log_dir``).

Qt-free, so the command line (``shopcrm data backup --unattended``) and the desktop app open the
same log the same way; ``app.run`` calls ``setup_logging`` first thing at start-up.
"""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from shopcrm import __version__
from shopcrm.paths import log_dir

log = logging.getLogger("shopcrm.app")  # the name the log has always shown for start-up lines

LOG_FILE = "shopcrm.log"
LOG_BYTES = 1_000_000  # per file; with LOG_KEEP older files, the log folder stays under 6 MB
LOG_KEEP = 5


def setup_logging(folder: Path | None = None) -> logging.Handler:
    """Once per process: a rotating ``shopcrm.log`` in the user's log folder (``paths.log_dir``)
    that every logger writes to at INFO and above. Returns the file handler."""
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "shopcrm_log", False):
            return handler

    path = Path(folder or log_dir()) / LOG_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_KEEP, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    handler.shopcrm_log = True
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    log.info(
        "shopcrm %s started (Python %s, %s)", __version__, sys.version.split()[0], sys.platform
    )
    return handler


def log_file() -> Path | None:
    for handler in logging.getLogger().handlers:
        if getattr(handler, "shopcrm_log", False):
            return Path(handler.baseFilename)
    return None
