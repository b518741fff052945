"""Build the desktop bundle: ``pip install pyinstaller`` then ``python packaging/build.py``.

Writes ``dist/shopcrm-<version>/`` (Windows/Linux folder app) or ``dist/shopcrm.app`` (macOS).
The resources folder sits at ``_internal/resources`` inside the bundle, which is where
``shopcrm.i18n`` looks for it (next to the ``shopcrm`` package).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    spec = ROOT / "packaging" / "shopcrm.spec"
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", str(spec)]
    return subprocess.call(cmd, cwd=ROOT)


if __name__ == "__main__":
    raise SystemExit(main())
