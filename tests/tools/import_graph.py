"""What shopcrm's modules import, read with ``ast``: the graph of shopcrm modules, its cycles, and
the imports that sit inside functions. Used by tests/test_import_graph.py and by
tests/tools/hoist_imports.py (one reader of imports for both).

    python -m tests.tools.import_graph      # print the cycles and the function-local imports
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "shopcrm"
TOP = "shopcrm"

# A lazy import must say why on its own line or the line above: ``# lazy: <reason>``.
LAZY_MARK = "# lazy:"


def module_name(path: Path, root: Path = ROOT) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(pkg: Path = PKG) -> dict[str, Path]:
    """Every module of the package: dotted name -> file."""
    root = pkg.parent
    return {module_name(p, root): p for p in sorted(pkg.rglob("*.py"))}


@dataclass(frozen=True)
class Import:
    """One import statement: the modules it names (absolute) and where it sits."""

    node: ast.Import | ast.ImportFrom
    targets: tuple[str, ...]  # absolute module names it may load (resolved later)
    local: bool  # inside a function (or a class body / block inside one)
    type_checking: bool  # under ``if TYPE_CHECKING:``

    @property
    def line(self) -> int:
        return self.node.lineno


def _absolute(node: ast.ImportFrom, current: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(tree: ast.Module, current: str, is_package: bool) -> list[Import]:
    """All imports in a module, module level and function-local, in source order."""
    found: list[Import] = []

    def visit(node: ast.AST, local: bool, tc: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                targets = tuple(alias.name for alias in child.names)
                found.append(Import(child, targets, local, tc))
            elif isinstance(child, ast.ImportFrom):
                base = _absolute(child, current, is_package)
                targets = (base, *tuple(f"{base}.{a.name}" for a in child.names if a.name != "*"))
                found.append(Import(child, targets, local, tc))
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, True, tc)
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                visit(child, local, True)
            else:
                visit(child, local, tc)

    visit(tree, False, False)
    found.sort(key=lambda imp: (imp.node.lineno, imp.node.col_offset))
    return found


def is_ours(name: str) -> bool:
    return name == TOP or name.startswith(TOP + ".")


def resolve(imp: Import, known: dict[str, Path]) -> set[str]:
    """The shopcrm modules an import loads by name: ``from a.b import c`` is ``a.b.c`` when that
    is a module, else ``a.b`` (a package's own code). Parent packages that Python runs on the way
    are not edges: a package ``__init__`` importing its own submodules would then always be a
    cycle."""
    out: set[str] = set()
    if isinstance(imp.node, ast.Import):
        for name in imp.targets:
            if is_ours(name) and name in known:
                out.add(name)
        return out
    base, names = imp.targets[0], imp.targets[1:]
    if not is_ours(base):
        return out
    plain = False
    for full in names:
        if full in known:
            out.add(full)
        else:
            plain = True
    if (plain or not names) and base in known:
        out.add(base)
    return out


def graph(pkg: Path = PKG, *, include_type_checking: bool = False) -> dict[str, set[str]]:
    """shopcrm module -> the shopcrm modules it imports (anywhere in the file)."""
    known = modules(pkg)
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deps: set[str] = set()
        for imp in imports_of(tree, name, path.name == "__init__.py"):
            if imp.type_checking and not include_type_checking:
                continue
            deps |= resolve(imp, known)
        deps.discard(name)
        edges[name] = deps
    return edges


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative): the groups of modules that import each other, size > 1."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in edges:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    group.append(top)
                    if top == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return sorted(groups)


def a_cycle(edges: dict[str, set[str]], group: list[str]) -> list[str]:
    """One concrete cycle inside a strongly connected group: a -> b -> ... -> a."""
    members = set(group)
    start = group[0]
    # Breadth-first from start back to start, inside the group: the shortest cycle through it.
    previous: dict[str, str] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        nxt = []
        for node in frontier:
            for child in sorted(edges[node] & members):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*list(reversed(path)), start]
                if child not in seen:
                    seen.add(child)
                    previous[child] = node
                    nxt.append(child)
        frontier = nxt
    return group


def lazy_reason(lines: list[str], first: int, last: int) -> str | None:
    """The ``# lazy: <reason>`` of the import on lines ``first``..``last`` (1-based): on one of
    its lines, or in the comment lines right above it or above the run of imports right before it
    (one comment, of one or more lines, covers a group of imports)."""
    for line in lines[first - 1 : last]:
        if LAZY_MARK in line:
            return line.split(LAZY_MARK, 1)[1].strip()
    at = first - 2
    while at >= 0:
        text = lines[at].strip()
        if LAZY_MARK in text:
            return text.split(LAZY_MARK, 1)[1].strip()
        if not text.startswith(("import ", "from ", "#")):
            return None
        at -= 1
    return None


def local_imports(pkg: Path = PKG) -> Iterator[tuple[str, Path, Import, str | None]]:
    """Every function-local import: (module, file, import, its lazy reason or None)."""
    for name, path in modules(pkg).items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        for imp in imports_of(tree, name, path.name == "__init__.py"):
            if imp.local:
                yield name, path, imp, lazy_reason(lines, imp.line, imp.node.end_lineno or imp.line)


def main() -> int:
    edges = graph()
    for group in strongly_connected(edges):
        print("cycle:", " -> ".join(a_cycle(edges, group)), f"({len(group)} modules)")
    ours = other = 0
    for _name, path, imp, reason in local_imports():
        if any(is_ours(t) for t in imp.targets):
            ours += 1
        elif not reason:
            other += 1
        print(f"{path.relative_to(ROOT)}:{imp.line}: {ast.unparse(imp.node)}")
    print(f"function-local imports: {ours} of shopcrm modules, {other} others without a reason")
    return 0


if __name__ == "__main__":
    sys.exit(main())
