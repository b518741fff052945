"""Move function-local imports to the top of their module, then let ruff sort and merge them.

    python -m tests.tools.hoist_imports [--exclude PATH ...] [--check] [PATH ...]

Default PATH: the whole ``shopcrm`` package. Hoisted: every import inside a function (shopcrm's
own modules, the standard library, third-party libraries), except
- one marked lazy: ``# lazy: <reason>`` on its line or the line above (matplotlib, scipy, ...:
  measure with ``python -X importtime`` and give the figure in the reason);
- one inside ``try:`` with an ``except ImportError`` (an optional library, guarded on purpose);
- one under ``if TYPE_CHECKING:``;
- one of a module that exists on one platform only (``fcntl``, ``msvcrt``, ...): listed;
- one under an ``if`` inside the function (``if os.name == "nt": import msvcrt``) unless it is
  ours, a library the module already imports at its top, or a standard module every platform
  has: listed, to be marked lazy with its reason or moved by hand;
- one whose name would clash: the module already binds that name to something else (a function,
  a variable, another import), another function imports a different thing under the same name,
  or the function itself also assigns the name. These are listed; rename one side by hand.
Afterwards ``ruff check --fix --select I,F401`` and ``ruff format`` run on the changed files.

Idempotent: a second run finds nothing to move and changes nothing. ``--check`` moves nothing
and exits 1 if something would move (for a test or CI). Shares its reading of imports with
``tests/tools/import_graph.py``.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.tools.import_graph import LAZY_MARK, PKG, ROOT, is_ours, lazy_reason

IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}
# Standard modules that exist on one platform only: never moved out of their ``if``.
PLATFORM_ONLY = set(
    [
        "msvcrt",
        "winreg",
        "winsound",
        "_winapi",
        "nt",
        "fcntl",
        "termios",
        "tty",
        "pty",
        "pwd",
        "grp",
        "resource",
        "posix",
        "syslog",
        "crypt",
        "spwd",
        "readline",
    ]
)


@dataclass
class Candidate:
    node: ast.Import | ast.ImportFrom
    function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    body: list[ast.stmt]  # the statement list holding the import
    conditional: bool  # under an ``if`` (or ``match``) inside the function


def _catches_import_error(node: ast.Try) -> bool:
    for handler in node.handlers:
        kinds = handler.type
        names = []
        if isinstance(kinds, ast.Tuple):
            names = [k.id for k in kinds.elts if isinstance(k, ast.Name)]
        elif isinstance(kinds, ast.Name):
            names = [kinds.id]
        if IMPORT_ERRORS & set(names):
            return True
    return False


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _candidates(tree: ast.Module) -> list[Candidate]:
    found: list[Candidate] = []

    def walk_body(body: list[ast.stmt], function, guarded: bool, under_if: bool = False) -> None:
        for stmt in body:
            visit(stmt, body, function, guarded, under_if)

    def visit(node: ast.AST, body, function, guarded: bool, under_if: bool) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            if function is not None and not guarded:
                found.append(Candidate(node, function, body, under_if))
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            walk_body(node.body, node, guarded)
            return
        if isinstance(node, ast.Try):
            inner = guarded or _catches_import_error(node)
            walk_body(node.body, function, inner, under_if)
            for handler in node.handlers:
                walk_body(handler.body, function, guarded, under_if)
            walk_body(node.orelse, function, guarded, under_if)
            walk_body(node.finalbody, function, guarded, under_if)
            return
        if isinstance(node, ast.If):
            if _is_type_checking(node.test):
                walk_body(node.body, function, True, under_if)
            else:
                walk_body(node.body, function, guarded, function is not None)
            walk_body(node.orelse, function, guarded, under_if or function is not None)
            return
        for field in ("body", "orelse", "finalbody"):
            value = getattr(node, field, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                walk_body(value, function, guarded, under_if)
        for handler in getattr(node, "handlers", []) or []:
            walk_body(handler.body, function, guarded, under_if)
        for case in getattr(node, "cases", []) or []:
            walk_body(case.body, function, guarded, function is not None)

    walk_body(tree.body, None, False)
    return found


def _bindings(node: ast.Import | ast.ImportFrom) -> dict[str, str]:
    """name bound -> what it is bound to (comparable between statements)."""
    out: dict[str, str] = {}
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                out[alias.asname] = f"module {alias.name}"
            else:
                top = alias.name.split(".")[0]
                out[top] = f"module {top}"  # ``import a.b`` binds ``a``
    else:
        base = "." * node.level + (node.module or "")
        for alias in node.names:
            out[alias.asname or alias.name] = f"from {base} import {alias.name}"
    return out


def _top_level_bindings(tree: ast.Module) -> dict[str, set[str]]:
    """Names the module binds at its top level, with what (imports) or "local" (anything else)."""
    out: dict[str, set[str]] = {}

    def add(name: str, what: str) -> None:
        out.setdefault(name, set()).add(what)

    def targets(t: ast.expr) -> None:
        if isinstance(t, ast.Name):
            add(t.id, "local")
        elif isinstance(t, ast.Tuple | ast.List):
            for e in t.elts:
                targets(e)
        elif isinstance(t, ast.Starred):
            targets(t.value)

    def scan(body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                for name, what in _bindings(stmt).items():
                    add(name, what)
            elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                add(stmt.name, "local")
            elif isinstance(stmt, ast.Assign):
                for t in stmt.targets:
                    targets(t)
            elif isinstance(stmt, ast.AnnAssign | ast.AugAssign):
                targets(stmt.target)
            elif isinstance(stmt, ast.For | ast.AsyncFor):
                targets(stmt.target)
                scan(stmt.body)
                scan(stmt.orelse)
            elif isinstance(stmt, ast.With | ast.AsyncWith):
                for item in stmt.items:
                    if item.optional_vars is not None:
                        targets(item.optional_vars)
                scan(stmt.body)
            elif isinstance(stmt, ast.If | ast.While):
                scan(stmt.body)
                scan(stmt.orelse)
            elif isinstance(stmt, ast.Try):
                scan(stmt.body)
                for h in stmt.handlers:
                    if h.name:
                        add(h.name, "local")
                    scan(h.body)
                scan(stmt.orelse)
                scan(stmt.finalbody)

    scan(tree.body)
    return out


def _assigned_in(function, name: str, own: set[int]) -> bool:
    """Whether ``function`` binds ``name`` other than by the imports being moved (``own``)."""
    args = function.args
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    if args.vararg:
        params.append(args.vararg)
    if args.kwarg:
        params.append(args.kwarg)
    if any(a.arg == name for a in params):
        return True
    for node in ast.walk(function):
        if node is function:
            continue
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            return True
        if (
            isinstance(node, ast.Import | ast.ImportFrom)
            and id(node) not in own
            and name in _bindings(node)
        ):
            return True
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and (
            node.name == name
        ):
            return True
        if isinstance(node, ast.ExceptHandler) and node.name == name:
            return True
        if isinstance(node, ast.Global | ast.Nonlocal) and name in node.names:
            return True
    return False


def _rel(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def _ours(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or is_ours(node.module or "")
    return all(is_ours(alias.name) for alias in node.names)


def _packages(node: ast.Import | ast.ImportFrom) -> set[str]:
    if isinstance(node, ast.ImportFrom):
        return {(node.module or "").split(".")[0]} if node.level == 0 else {"shopcrm"}
    return {alias.name.split(".")[0] for alias in node.names}


def _safe_anywhere(node: ast.Import | ast.ImportFrom, top_packages: set[str]) -> bool:
    """An import under an ``if`` that can move to the top: ours, a library the module already
    imports at its top, or a standard module that every platform has."""
    if _ours(node):
        return True
    return all(p in top_packages or p in sys.stdlib_module_names for p in _packages(node))


def _lazy(lines: list[str], node: ast.stmt) -> bool:
    return lazy_reason(lines, node.lineno, node.end_lineno or node.lineno) is not None


@dataclass
class Plan:
    moves: list[Candidate]
    clashes: list[str]


def plan(text: str, path: Path) -> Plan:
    tree = ast.parse(text)
    lines = text.splitlines()
    top_packages = {
        what.split()[1].lstrip(".").split(".")[0]
        for whats in _top_level_bindings(tree).values()
        for what in whats
        if what != "local"
    }
    found = [c for c in _candidates(tree) if not _lazy(lines, c.node)]
    top_packages |= {p for c in found if not c.conditional for p in _packages(c.node)}
    cands, clashes = [], []
    for c in found:
        if _packages(c.node) & PLATFORM_ONLY:
            clashes.append(
                f"{_rel(path)}:{c.node.lineno}: not moved, a module of one platform only: mark it"
                f" ``{LAZY_MARK} <platform> only``"
            )
            continue
        if c.conditional and not _safe_anywhere(c.node, top_packages):  # ``import msvcrt``
            clashes.append(
                f"{_rel(path)}:{c.node.lineno}: not moved, imported under a condition: move it"
                f" by hand or mark it ``{LAZY_MARK} <reason>``"
            )
            continue
        cands.append(c)
    top = _top_level_bindings(tree)
    # what each name is bound to by the candidates; a name bound to two things stays put
    wanted: dict[str, set[str]] = {}
    for c in cands:
        for name, what in _bindings(c.node).items():
            wanted.setdefault(name, set()).add(what)
    own = {id(c.node) for c in cands}
    moves = []
    for c in cands:
        bad = []
        for name, what in _bindings(c.node).items():
            if len(wanted[name]) > 1:
                bad.append(f"{name} (imported as {' and as '.join(sorted(wanted[name]))})")
            elif name in top and top[name] != {what}:
                bad.append(f"{name} (the module binds it at its top level)")
            elif isinstance(c.function, ast.FunctionDef | ast.AsyncFunctionDef) and _assigned_in(
                c.function, name, own
            ):
                bad.append(f"{name} (assigned in {c.function.name})")
        if bad:
            clashes.append(f"{_rel(path)}:{c.node.lineno}: not moved, name clash: {', '.join(bad)}")
        else:
            moves.append(c)
    return Plan(moves, clashes)


def _insert_at(tree: ast.Module) -> int:
    """0-based line index where new imports go: before the first top-level import that is not
    ``from __future__``, else after the docstring / ``__future__`` imports."""
    after = 0
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
            after = stmt.end_lineno or stmt.lineno
            continue
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            return stmt.lineno - 1
        if (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
            and stmt is tree.body[0]
        ):
            after = stmt.end_lineno or stmt.lineno
            continue
        break
    return after


def rewrite(text: str, moves: list[Candidate]) -> str:
    if not moves:
        return text
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    removed: set[int] = set()
    replaced: dict[int, str] = {}
    for c in moves:
        start, end = c.node.lineno - 1, (c.node.end_lineno or c.node.lineno) - 1
        others = [s for s in c.body if s is not c.node and id(s) not in {id(m.node) for m in moves}]
        if not others and c.node is c.body[0]:
            indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
            replaced[start] = f"{indent}pass\n"  # the block held nothing else
            removed.update(range(start + 1, end + 1))
            continue
        removed.update(range(start, end + 1))
        nxt = end + 1
        before = start - 1
        while before in removed:
            before -= 1
        prev_line = lines[before].strip() if before >= 0 else ""
        if (
            nxt < len(lines)
            and not lines[nxt].strip()
            and (not prev_line or prev_line.endswith((":", '"""', "'''")))
        ):
            removed.add(nxt)  # no blank line left at the top of the block
    seen: set[str] = set()
    new_imports: list[str] = []
    for c in moves:
        stmt = ast.unparse(c.node)
        if stmt not in seen:
            seen.add(stmt)
            new_imports.append(stmt + "\n")
    at = _insert_at(tree)
    out: list[str] = []
    for i, line in enumerate(lines):
        if i == at:
            if at > 0 and lines[at - 1].strip():
                out.append("\n")
            out.extend(new_imports)
            if line.strip() and not line.startswith(("import ", "from ")):
                out.append("\n")
        if i in replaced:
            out.append(replaced[i])
        elif i not in removed:
            out.append(line)
    if at >= len(lines):
        out.append("\n")
        out.extend(new_imports)
    return "".join(out)


def _ruff(paths: list[Path]) -> None:
    if not paths:
        return
    names = [str(p) for p in paths]
    ruff = [sys.executable, "-m", "ruff"]
    subprocess.run([*ruff, "check", "--quiet", "--fix", "--select", "I,F401", *names], cwd=ROOT)
    subprocess.run([*ruff, "format", "--quiet", *names], cwd=ROOT, check=True)


def files(paths: list[Path], exclude: list[Path]) -> list[Path]:
    out = []
    skip = {p.resolve() for p in exclude}
    for p in paths:
        for f in sorted(p.rglob("*.py")) if p.is_dir() else [p]:
            r = f.resolve()
            if r in skip or any(s in r.parents for s in skip):
                continue
            out.append(f)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[PKG])
    parser.add_argument("--exclude", action="append", type=Path, default=[])
    parser.add_argument("--check", action="store_true", help="change nothing; 1 if anything would")
    args = parser.parse_args(argv)
    changed: list[Path] = []
    moved = 0
    clashes: list[str] = []
    for path in files(args.paths, args.exclude):
        text = path.read_text(encoding="utf-8")
        p = plan(text, path.resolve())
        clashes += p.clashes
        if not p.moves:
            continue
        moved += len(p.moves)
        if not args.check:
            path.write_text(rewrite(text, p.moves), encoding="utf-8")
        changed.append(path)
    if not args.check:
        _ruff(changed)
    for line in clashes:
        print(line)
    verb = "would move" if args.check else "moved"
    print(f"hoist_imports: {verb} {moved} imports in {len(changed)} files; {len(clashes)} left")
    return 1 if args.check and moved else 0


if __name__ == "__main__":
    sys.exit(main())
