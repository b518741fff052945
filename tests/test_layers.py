"""The layers stay clean: domain <- store <- services <- ui <- app (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "shopcrm"

# For each layer, the shopcrm packages it must never import.
FORBIDDEN = {
    "domain": ("shopcrm.store", "shopcrm.services", "shopcrm.ui", "shopcrm.app", "shopcrm.cli"),
    "store": ("shopcrm.services", "shopcrm.ui", "shopcrm.app", "shopcrm.cli"),
    "services": ("shopcrm.ui", "shopcrm.app", "shopcrm.cli"),
    "cli": ("shopcrm.ui",),
}


def _modules():
    for path in sorted(PKG.rglob("*.py")):
        yield path, path.relative_to(PKG.parent).with_suffix("")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _is_ui(rel: Path) -> bool:
    return rel.parts[:2] == ("shopcrm", "ui") or rel.as_posix() == "shopcrm/app"


def test_the_scan_sees_the_package():
    files = [rel for _, rel in _modules()]
    assert any(_is_ui(rel) for rel in files)
    assert any(rel.parts[1] == "store" for rel in files if len(rel.parts) > 1)


@pytest.mark.parametrize("path,rel", list(_modules()), ids=lambda v: str(v))
def test_only_ui_imports_qt(path, rel):
    if _is_ui(rel):
        return
    qt = [name for name in _imports(path) if name.split(".")[0] in ("PySide6", "shiboken6")]
    assert not qt, f"{rel} imports {qt}: only shopcrm/ui and shopcrm/app.py may import PySide6"


@pytest.mark.parametrize("path,rel", list(_modules()), ids=lambda v: str(v))
def test_layer_imports_point_left(path, rel):
    layer = rel.parts[1] if len(rel.parts) > 2 else None
    forbidden = FORBIDDEN.get(layer or "", ())
    bad = [n for n in _imports(path) if any(n == f or n.startswith(f + ".") for f in forbidden)]
    assert not bad, f"{rel} ({layer}) imports {bad}"


@pytest.mark.parametrize(
    "path,rel", [(p, r) for p, r in _modules() if _is_ui(r)], ids=lambda v: str(v)
)
def test_ui_runs_no_sql(path, rel):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("execute", "executescript", "executemany", "query")
    ]
    imports = [n for n in _imports(path) if n.split(".")[0] == "sqlite3"]
    assert not calls and not imports, f"{rel} runs SQL ({calls or imports}): use store/services"


def test_qt_free_modules_import_without_pyside(tmp_path):
    """Importing the core, services and CLI loads no Qt at all (fast CLI, headless servers)."""
    import subprocess
    import sys

    code = (
        "import sys, importlib, pkgutil, shopcrm\n"
        "for m in pkgutil.walk_packages(shopcrm.__path__, 'shopcrm.'):\n"
        "    if m.name.startswith('shopcrm.ui') or m.name == 'shopcrm.app':\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(k for k in sys.modules if k.startswith('PySide6')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert out.stdout.strip() == "[]", out.stdout
