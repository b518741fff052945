"""Build the desktop bundle: ``pip install -e ".[packaging]"`` then ``python packaging/build.py``.

Writes ``dist/shopcrm-<version>/`` (Windows/Linux folder app) or ``dist/shopcrm.app`` (macOS).
The package data (compiled catalogs, icons, the compressed postal data) sits at
``_internal/shopcrm/_resources``, where ``shopcrm.resources`` finds it.

On Linux the bundle's binaries are then stripped of their symbols (libpython alone: 23 -> 5.5 MB)
one by one, each checked afterwards: libraries that auditwheel patched (numpy's and scipy's
OpenBLAS, ...) come out of ``strip`` with load segments the loader refuses ("ELF load command
address/offset not page-aligned"), so a file whose segments are no longer page-aligned keeps its
original. (PyInstaller's own ``strip=True`` strips everything and breaks numpy.)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_LOAD = re.compile(
    r"^\s*LOAD\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+\S+\s+\S+\s+\S+\s+.*?0x([0-9a-f]+)\s*$"
)


def segments_aligned(path: Path) -> bool:
    """Every LOAD segment's file offset and address agree modulo its alignment."""
    out = subprocess.run(["readelf", "-lW", str(path)], capture_output=True, text=True)
    if out.returncode != 0:
        return False
    loads = [_LOAD.match(line) for line in out.stdout.splitlines() if "LOAD" in line]
    if not loads or not all(loads):
        return False
    for m in loads:
        offset, vaddr, align = (int(g, 16) for g in m.groups())
        if align > 1 and (vaddr - offset) % align:
            return False
    return True


def strip_binaries(bundle: Path) -> tuple[int, int]:
    """Strip every ELF file in ``bundle`` that stays loadable; returns (files, bytes saved)."""
    if shutil.which("strip") is None or shutil.which("readelf") is None:
        print("strip/readelf not found: the bundle is left unstripped")
        return 0, 0
    done = saved = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(bundle.rglob("*")):
            if not path.is_file() or path.is_symlink():
                continue
            with path.open("rb") as fh:
                if fh.read(4) != b"\x7fELF":
                    continue
            trial = Path(tmp) / path.name
            shutil.copy2(path, trial)
            if subprocess.run(["strip", "--strip-unneeded", str(trial)]).returncode != 0:
                continue
            before, after = path.stat().st_size, trial.stat().st_size
            if after < before and segments_aligned(trial):
                shutil.copy2(trial, path)
                done += 1
                saved += before - after
            trial.unlink()
    return done, saved


def main() -> int:
    spec = ROOT / "packaging" / "shopcrm.spec"
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", str(spec)]
    rc = subprocess.call(cmd, cwd=ROOT)
    if rc == 0 and sys.platform.startswith("linux"):
        for bundle in sorted((ROOT / "dist").glob("shopcrm-*")):
            if bundle.is_dir():
                files, saved = strip_binaries(bundle)
                print(f"stripped {files} binaries in {bundle.name}: {saved / 1e6:.0f} MB saved")
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
