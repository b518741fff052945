"""Every field an error can name has a label in the user's language, so no one ever reads a raw
field name like "cost_per_piece: ..." in an error message.

The code is scanned (ast) for
- ``ValidationError("<field>", ...)`` and every subclass (``CampaignError``, ``PrintOptionError``,
  ...; ``CouponError`` always names "coupon_code"), positional or ``field=``;
- calls of helpers that take the field as a parameter named ``field`` or ``field_name`` (e.g.
  ``_whole_number(n, "party_size")``, ``_date(value, "from")``) with a literal there.
Each field is then put into a real error of that class: its ``field_label`` must not be the raw
name, and the label must have a Japanese translation.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import shopcrm
from shopcrm import i18n
from shopcrm.domain.rules import ValidationError

ROOT = Path(shopcrm.__file__).resolve().parent
FIELD_PARAMS = ("field", "field_name")


def _import_all() -> None:
    """Import every non-UI module so every ValidationError subclass exists."""
    for info in pkgutil.walk_packages([str(ROOT)], "shopcrm."):
        if info.name.startswith(("shopcrm.ui", "shopcrm.app", "shopcrm.__main__")):
            continue
        importlib.import_module(info.name)


def _error_classes() -> dict[str, type[ValidationError]]:
    _import_all()
    found: dict[str, type[ValidationError]] = {"ValidationError": ValidationError}
    todo = [ValidationError]
    while todo:
        for sub in todo.pop().__subclasses__():
            found[sub.__name__] = sub
            todo.append(sub)
    return found


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _callee(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _trees() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(ROOT.rglob("*.py"))]


def _field_helpers(trees, classes) -> dict[str, tuple[int, str]]:
    """Functions with a ``field``/``field_name`` parameter: name -> (its position, the error class
    the function raises with it; ValidationError unless its body says otherwise)."""
    helpers: dict[str, tuple[int, str]] = {}
    for _path, tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            params = [a.arg for a in node.args.posonlyargs + node.args.args]
            if params and params[0] in ("self", "cls"):
                params = params[1:]
            for name in FIELD_PARAMS:
                if name not in params or node.name == "__init__":
                    continue
                raised = "ValidationError"
                for call in ast.walk(node):
                    if (
                        isinstance(call, ast.Call)
                        and _callee(call) in classes
                        and call.args
                        and isinstance(call.args[0], ast.Name)
                        and call.args[0].id == name
                    ):
                        raised = _callee(call)
                helpers[node.name] = (params.index(name), raised)
    return helpers


def fields_in_code() -> dict[tuple[str, str], list[str]]:
    """(error class name, field) -> where it is used."""
    classes = _error_classes()
    trees = _trees()
    helpers = _field_helpers(trees, classes)
    found: dict[tuple[str, str], list[str]] = {}
    for path, tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _callee(node)
            where = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
            keywords = {k.arg: k.value for k in node.keywords}
            if name == "CouponError":
                found.setdefault((name, "coupon_code"), []).append(where)
            elif name in classes:
                field = _literal(node.args[0] if node.args else keywords.get("field"))
                if field is not None:
                    found.setdefault((name, field), []).append(where)
            elif name in helpers:
                pos, raised = helpers[name]
                arg = node.args[pos] if len(node.args) > pos else None
                for kw in FIELD_PARAMS:
                    arg = arg or keywords.get(kw)
                field = _literal(arg)
                if field is not None:
                    found.setdefault((raised, field), []).append(where)
    return found


def test_the_scan_finds_the_fields():
    fields = fields_in_code()
    names = {f for _cls, f in fields}
    # literal constructors, a subclass's own fields, and fields passed through helpers
    assert {"phone", "coupon_code", "cost_per_piece", "party_size", "from", "as_of"} <= names
    assert ("CampaignError", "cost_per_piece") in fields
    assert len(fields) > 30


def test_every_field_in_an_error_has_a_translated_label():
    classes = _error_classes()
    catalog = i18n.load_catalog("ja")
    unlabelled, untranslated = [], []
    for (cls_name, field), where in sorted(fields_in_code().items()):
        cls = classes[cls_name]
        err = cls("malformed", "x") if cls_name == "CouponError" else cls(field, "x")
        i18n.set_language("en")
        label = err.field_label
        if label == field:
            unlabelled.append(f"{cls_name}({field!r}) at {where[0]}")
            continue
        if label not in catalog._messages:
            untranslated.append(f"{label!r} ({field}, {where[0]})")
    assert unlabelled == [], "fields without a label (add them to FIELD_LABELS):\n" + "\n".join(
        unlabelled
    )
    assert untranslated == [], "labels without Japanese:\n" + "\n".join(untranslated)


def test_campaign_money_options_name_their_own_field(db_path):
    """``campaigns add --cost abc`` says "Cost per piece", not the generic "Amount"."""
    from click.testing import CliRunner

    from shopcrm.cli import cli

    def add(*args, lang="en"):
        base = ["--db", str(db_path), "--lang", lang, "campaigns", "add", "秋の感謝祭"]
        return CliRunner().invoke(cli, [*base, "--kind", "custom", *args])

    result = add("--cost", "abc")
    assert result.exit_code == 2
    assert "Cost per piece: must be a number" in result.output
    assert "cost_per_piece" not in result.output
    result = add("--amount", "五百", lang="ja")
    assert result.exit_code == 2 and "特典" in result.output, result.output
