"""The shape of the import graph: no circles, imports at the top, no module too long to read.

Every module under shopcrm/ is read with ``ast`` (all imports: module level and inside functions;
tests/tools/import_graph.py). Three rules:

1. No cycle among shopcrm's modules. A cycle forces imports into functions and makes import
   order matter; move the shared thing to where both sides can import it.
2. No function-local import of a shopcrm module, and none of another library without a reason:
   ``# lazy: <reason>`` on its line or the line above (measured: ``python -X importtime``). The
   shopcrm ones that stay lazy are listed below, each with its reason.
   ``python -m tests.tools.hoist_imports`` moves the others to the top.
3. No module over 600 lines unless its docstring has a line starting ``Long module:`` saying why.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from tests.tools import hoist_imports
from tests.tools.import_graph import (
    PKG,
    ROOT,
    a_cycle,
    graph,
    is_ours,
    local_imports,
    modules,
    resolve,
    strongly_connected,
)

# Files other branches are rewriting: the lead re-runs tests/tools/hoist_imports.py on them at
# merge.
PENDING: dict[str, str] = {}
PENDING_CYCLES: dict[frozenset[str], str] = {}

# shopcrm imports that stay inside a function: (module, imported module) -> why.
LAZY_OURS = {
    ("shopcrm.app", "shopcrm.services.demo"): "the demo generator, only for --demo (0.3 s)",
    ("shopcrm.cli.root", "shopcrm.app"): "the desktop app (PySide6, every screen): no subcommand",
    ("shopcrm.services.campaigns", "shopcrm.services.printing.postcard"): "reportlab QR, 0.36 s",
    ("shopcrm.services.effect", "shopcrm.services.charts"): "matplotlib, 1.1 s",
    ("shopcrm.services.glossary", "shopcrm.services.analytics"): "with clv/effect: scipy, 0.4 s",
    ("shopcrm.services.glossary", "shopcrm.services.clv"): "scipy, 0.4 s",
    ("shopcrm.services.glossary", "shopcrm.services.effect"): "scipy, 0.4 s",
    # matplotlib/scipy wait until the dashboard first computes (test_dashboard_page.py::
    # test_start_up_does_not_import_matplotlib); the figures are built by then, so they cost nothing
    ("shopcrm.services.dashboard", "shopcrm.services.charts"): "matplotlib, 1.0 s",
    ("shopcrm.services.dashboard", "shopcrm.services.clv"): "scipy, 0.4 s",
    ("shopcrm.ui.pages.dashboard_page", "shopcrm.services.charts"): "matplotlib, 1.0 s",
    ("shopcrm.ui.pages.dashboard_page", "shopcrm.services.clv"): "scipy, 0.4 s",
    ("shopcrm.ui.pages.dashboard_page", "shopcrm.services.printing.monthly_report"): (
        "reportlab and matplotlib, 1.0 s: only when a monthly report is written"
    ),
    ("shopcrm.ui.widgets.chart_widget", "shopcrm.services.charts"): "matplotlib, 1.0 s",
}

LONG_LINES = 600
LONG_MARK = "Long module:"


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _targets(imp, known) -> set[str]:
    return resolve(imp, known)


# --- 1. cycles -----------------------------------------------------------------------------------


def test_the_package_has_no_import_cycle():
    edges = graph()
    assert len(edges) > 100, "the scan should see every module of shopcrm"
    found = [g for g in strongly_connected(edges) if frozenset(g) not in PENDING_CYCLES]
    assert not found, "import cycles (move what both sides need where both can import it):\n" + (
        "\n".join(" -> ".join(a_cycle(edges, g)) for g in found)
    )


def test_each_pending_cycle_is_still_there():
    groups = {frozenset(g) for g in strongly_connected(graph())}
    gone = [sorted(c) for c in PENDING_CYCLES if c not in groups]
    assert not gone, f"these cycles are broken now: take them out of PENDING_CYCLES: {gone}"


def test_a_cycle_through_a_function_local_import_is_found(tmp_path):
    pkg = tmp_path / "shopcrm"
    (pkg / "store").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "store" / "__init__.py").write_text("")
    (pkg / "store" / "a.py").write_text("from shopcrm.store import b\n")
    (pkg / "store" / "b.py").write_text("def f():\n    from shopcrm.store.c import x\n")
    (pkg / "store" / "c.py").write_text("import shopcrm.store.a\nx = 1\n")
    (pkg / "store" / "d.py").write_text("from shopcrm.store import a\n")  # into it, not part of it
    edges = graph(pkg)
    assert strongly_connected(edges) == [["shopcrm.store.a", "shopcrm.store.b", "shopcrm.store.c"]]
    assert a_cycle(edges, strongly_connected(edges)[0]) == [
        "shopcrm.store.a",
        "shopcrm.store.b",
        "shopcrm.store.c",
        "shopcrm.store.a",
    ]


# --- 2. imports at the top -----------------------------------------------------------------------


def test_no_function_local_imports_of_shopcrm_modules():
    known = modules()
    bad = []
    for name, path, imp, reason in local_imports():
        if _rel(path) in PENDING:
            continue
        for target in _targets(imp, known):
            if (name, target) in LAZY_OURS and reason:
                continue
            bad.append(f"{_rel(path)}:{imp.line}: {ast.unparse(imp.node)}")
    assert not bad, (
        "imports of shopcrm modules inside functions (python -m tests.tools.hoist_imports moves"
        " them to the top):\n" + "\n".join(sorted(set(bad)))
    )


def test_each_lazy_shopcrm_import_listed_is_still_there():
    known = modules()
    seen = {
        (name, t) for name, _p, imp, _r in local_imports() for t in _targets(imp, known)
    }  # fmt: skip
    gone = sorted(set(LAZY_OURS) - seen)
    assert not gone, f"no longer lazy: take them out of LAZY_OURS: {gone}"


def test_lazy_imports_of_other_libraries_say_why():
    bad = [
        f"{_rel(path)}:{imp.line}: {ast.unparse(imp.node)}"
        for _name, path, imp, reason in local_imports()
        if _rel(path) not in PENDING and not any(is_ours(t) for t in imp.targets) and not reason
    ]
    assert not bad, (
        "imports inside functions without a reason: move them to the top, or say why they wait"
        " (`# lazy: matplotlib costs 1.1 s at start-up`, on the line or the line above):\n"
        + "\n".join(bad)
    )


def test_the_hoist_tool_has_nothing_left_to_move(capsys):
    exclude = [ROOT / p for p in PENDING]
    assert hoist_imports.main(["--check", str(PKG), *[f"--exclude={p}" for p in exclude]]) == 0, (
        capsys.readouterr().out
    )


HOIST_BEFORE = '''\
"""A module."""

from __future__ import annotations

import os

from shopcrm.store import settings


def one(db):
    """Doc."""
    from shopcrm.store import customers

    return customers.count_all(db), os.sep, settings


def two(db):
    from shopcrm.store import customers
    from shopcrm.store.settings import get as setting

    return customers.count_all(db) + setting(db, "x")


def lazy():
    import matplotlib  # lazy: 1.1 s at start-up

    return matplotlib


def guarded():
    try:
        import optional_library
    except ImportError:
        return None
    return optional_library


def windows():
    if os.name == "nt":
        import msvcrt  # (Windows only, no reason given: listed, not moved)

        return msvcrt
    import fcntl

    return fcntl


def clash():
    from shopcrm.services import settings  # another ``settings`` than the top one

    return settings


def only():
    from shopcrm.store import menu
'''

HOIST_AFTER = '''\
"""A module."""

from __future__ import annotations

import os

from shopcrm.store import customers, settings
from shopcrm.store.settings import get as setting


def one(db):
    """Doc."""
    return customers.count_all(db), os.sep, settings


def two(db):
    return customers.count_all(db) + setting(db, "x")


def lazy():
    import matplotlib  # lazy: 1.1 s at start-up

    return matplotlib


def guarded():
    try:
        import optional_library
    except ImportError:
        return None
    return optional_library


def windows():
    if os.name == "nt":
        import msvcrt  # (Windows only, no reason given: listed, not moved)

        return msvcrt
    import fcntl

    return fcntl


def clash():
    from shopcrm.services import settings  # another ``settings`` than the top one

    return settings


def only():
    pass
'''


def test_the_hoist_tool_moves_what_it_may_and_is_idempotent(tmp_path, capsys):
    module = tmp_path / "module.py"
    module.write_text(HOIST_BEFORE)
    assert hoist_imports.main([str(module)]) == 0
    out = capsys.readouterr().out
    assert module.read_text() == HOIST_AFTER
    assert "module.py:40: not moved, a module of one platform only" in out
    assert "module.py:43: not moved, a module of one platform only" in out
    assert "module.py:49: not moved, name clash: settings" in out
    assert "moved 4 imports in 1 files" in out
    assert hoist_imports.main([str(module)]) == 0  # a second run changes nothing
    assert module.read_text() == HOIST_AFTER
    assert "moved 0 imports in 0 files" in capsys.readouterr().out


def test_the_hoist_tool_skips_excluded_files(tmp_path, capsys):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    text = textwrap.dedent("""\
        def f():
            import json

            return json
        """)
    (pkg / "a.py").write_text(text)
    (pkg / "b.py").write_text(text)
    assert hoist_imports.main([str(pkg), f"--exclude={pkg / 'b.py'}"]) == 0
    assert (pkg / "a.py").read_text().startswith("import json\n")
    assert (pkg / "b.py").read_text() == text
    assert hoist_imports.main(["--check", str(pkg)]) == 1
    assert "would move 1 imports in 1 files" in capsys.readouterr().out


# --- 3. module length ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(PKG.rglob("*.py")), ids=_rel)
def test_no_module_over_600_lines_without_a_reason(path):
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    if lines <= LONG_LINES:
        return
    doc = ast.get_docstring(ast.parse(text)) or ""
    reasons = [line for line in doc.splitlines() if line.strip().startswith(LONG_MARK)]
    assert reasons, (
        f"{_rel(path)} has {lines} lines: split it into cohesive modules, or say why it stays"
        f" whole in its docstring, on a line starting {LONG_MARK!r}"
    )
