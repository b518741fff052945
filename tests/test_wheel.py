"""The released package works outside the checkout: build the sdist, build the wheel from it (as
``python -m build`` does for a release), install the wheel into a fresh venv in a temporary folder
and use it there: Japanese UI strings, icons, the font embedded in a printed PDF.

The fresh venv gets the project's dependencies from the running environment (a ``.pth`` file naming
its site-packages), so nothing is downloaded and the test works offline and in CI; the wheel itself
is installed with ``pip --no-index --no-deps``. The build needs setuptools/wheel/Babel from the
configured index (pip's cache or a local mirror offline). About 30 s.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import sysconfig
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

CHECK = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    import shopcrm
    from shopcrm import i18n, resources
    home = Path(shopcrm.__file__).resolve()
    assert str(home).startswith(sys.prefix), home
    assert resources.is_package_data(), resources.root()
    i18n.set_language("ja")
    print("name=" + i18n._("Name"))
    print("babel_parsed=" + str("babel.messages.pofile" in sys.modules))
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from shopcrm.ui import theme
    icon = theme.icon("today")
    print("icon=" + str(not icon.isNull() and not icon.pixmap(24, 24).isNull()))
    print("desktop=" + str(resources.path("linux", "shopcrm.desktop").is_file()))
    """
)


def _run(cmd, cwd, env=None, timeout=300):
    out = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert out.returncode == 0, f"{cmd}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out.stdout


@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    pytest.importorskip("build")
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], cwd=ROOT)
    (sdist,) = out.glob("shopcrm-*.tar.gz")
    (wheel,) = out.glob("shopcrm-*.whl")
    return sdist, wheel


def test_the_sdist_carries_the_resource_sources(dists):
    sdist, _wheel = dists
    with tarfile.open(sdist) as tar:
        names = tar.getnames()
    top = names[0].split("/")[0]
    assert f"{top}/setup.py" in names
    assert f"{top}/resources/i18n/ja/base.po" in names
    assert f"{top}/resources/icons/today.svg" in names


def test_the_wheel_holds_compiled_catalogs_and_icons_but_no_po(dists):
    _sdist, wheel = dists
    names = zipfile.ZipFile(wheel).namelist()
    assert "shopcrm/_resources/i18n/ja/LC_MESSAGES/shopcrm.mo" in names
    icons = [n for n in names if n.startswith("shopcrm/_resources/icons/") and n.endswith(".svg")]
    assert len(icons) == len(list((ROOT / "resources" / "icons").glob("*.svg")))
    assert "shopcrm/_resources/linux/shopcrm.desktop" in names
    assert not [n for n in names if n.endswith(".po")]


def test_the_installed_wheel_translates_shows_icons_and_embeds_the_font(dists, tmp_path):
    _sdist, wheel = dists
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=tmp_path,
        ).strip()
    )
    # The dependencies (PySide6, reportlab, ...) from this environment, after the venv's own.
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_shopcrm_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-index",
            "--no-deps",
            "--quiet",
            str(wheel),
        ],
        cwd=tmp_path,
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SHOPCRM_DB")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        SHOPCRM_DATA_DIR=str(tmp_path / "data"),
        SHOPCRM_CACHE_DIR=str(tmp_path / "cache"),
        SHOPCRM_LANG="ja",
    )
    work = tmp_path / "work"  # outside the checkout: nothing can come from its shopcrm/
    work.mkdir()
    script = work / "check.py"
    script.write_text(CHECK, encoding="utf-8")
    out = _run([str(python), "-I", str(script)], cwd=work, env=env)
    assert "name=氏名" in out
    assert "babel_parsed=False" in out  # the compiled .mo, not the .po sources
    assert "icon=True" in out
    assert "desktop=True" in out
    assert not (tmp_path / "cache").exists()  # nothing compiled at run time

    shopcrm = str(bindir / "shopcrm")
    db = str(tmp_path / "shop.db")
    _run([shopcrm, "--db", db, "demo"], cwd=work, env=env)
    search = _run([shopcrm, "--lang", "ja", "--db", db, "customers", "search", "たなか"], work, env)
    assert "氏名" in search
    pdf = tmp_path / "report.pdf"
    last_month = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    _run([shopcrm, "--db", db, "report", "--month", last_month, "-o", str(pdf)], work, env)
    from pypdf import PdfReader

    fonts = set()
    for page in PdfReader(pdf).pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts") or [font]
            for desc in descendants:
                desc = desc.get_object()
                fd = desc.get("/FontDescriptor")
                if fd is not None and any(
                    k in fd.get_object() for k in ("/FontFile2", "/FontFile")
                ):
                    fonts.add(str(font["/BaseFont"]))
    assert any("IPAexGothic" in name for name in fonts), fonts
