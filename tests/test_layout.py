"""The layout's own promises, checked on the source (the layer contract itself is `lint-imports`).

- Imports sit at the top of a module, so the dependency graph is visible and checkable; a
  function-level import is allowed only for an optional heavy library, with a comment saying why.
- No function is longer than about 80 lines of code unless a comment in it says why.
- The README's layout table names every module and sub-package of the package, and nothing else.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kvanalytics"
SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if "data" not in p.relative_to(PACKAGE).parts)
#: Longest function body, in lines of code (docstring, comments and blank lines not counted).
MAX_LINES = 80
#: A comment inside a longer function that starts like this says why it stays one function.
LONG_MARK = re.compile(r"#\s*(long|one function|kept (whole|together))\b", re.IGNORECASE)


def _code_lines(source_lines: list[str], node: ast.AST) -> int:
    """Lines of code in a function body: no docstring, comment-only or blank lines."""
    body = node.body  # type: ignore[attr-defined]
    first = body[0]
    value = getattr(first, "value", None)
    if (
        isinstance(first, ast.Expr)
        and isinstance(value, ast.Constant)
        and isinstance(value.value, str)
    ):
        body = body[1:]
    if not body:
        return 0
    lines = source_lines[body[0].lineno - 1 : node.end_lineno]  # type: ignore[attr-defined]
    return sum(1 for line in lines if line.strip() and not line.strip().startswith("#"))


def _comments(text: str) -> dict[int, str]:
    """Line number -> comment text, from the tokenizer (so strings holding '#' are not comments)."""
    out = {}
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.COMMENT:
            out[tok.start[0]] = tok.string
    return out


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_functions_are_short_or_say_why(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    comments = _comments(text)
    too_long = []
    for fn in _functions(ast.parse(text)):
        n = _code_lines(lines, fn)
        if n <= MAX_LINES:
            continue
        inside = [c for ln, c in comments.items() if fn.lineno <= ln <= fn.end_lineno]
        if not any(LONG_MARK.search(c) for c in inside):
            too_long.append(f"{fn.name} (line {fn.lineno}: {n} lines of code)")
    assert not too_long, (
        f"{path.relative_to(ROOT)}: functions over {MAX_LINES} lines of code with no comment "
        f"saying why ('# long because ...'): {', '.join(too_long)}; split them into named steps"
    )


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_are_at_module_level_or_say_why(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    comments = _comments(text)
    hidden = []
    for fn in _functions(ast.parse(text)):
        for node in ast.walk(fn):
            if isinstance(node, ast.Import | ast.ImportFrom):
                # the comment may stand on the import line or the line above it
                said = comments.get(node.lineno) or comments.get(node.lineno - 1)
                if not said:
                    hidden.append(f"{fn.name} (line {node.lineno})")
    assert not hidden, (
        f"{path.relative_to(ROOT)}: imports inside functions hide the dependency graph: "
        f"{', '.join(hidden)}; move them to the top of the module, or (for an optional heavy "
        "library only) add a comment on or above the import saying why"
    )


def _modules() -> set[str]:
    """Top-level modules and sub-packages of kvanalytics (public ones: no leading underscore)."""
    names = {p.stem for p in PACKAGE.glob("*.py") if not p.name.startswith("_")}
    names |= {p.parent.name for p in PACKAGE.glob("*/__init__.py") if p.parent.name != "data"}
    return names


def test_readme_layout_table_names_every_module() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    # first column of the table: `name`, `name/`, or several names separated by commas
    listed: set[str] = set()
    for row in re.findall(r"^\|([^|]+)\|", section, flags=re.MULTILINE):
        listed |= {n.strip("/") for n in re.findall(r"`([\w/]+)`", row)}
    modules = _modules()
    assert modules - listed == set(), f"README layout misses {sorted(modules - listed)}"
    assert listed - modules == set(), (
        f"README layout names what is not there: {sorted(listed - modules)}"
    )


def test_every_module_has_a_layer_in_the_import_contract() -> None:
    """A module missing from the layers contract would be unconstrained by `lint-imports`."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = pyproject["tool"]["importlinter"]["contracts"]
    layered = {
        name.strip().removeprefix("kvanalytics.")
        for contract in contracts
        if contract["type"] == "layers"
        for layer in contract["layers"]
        for name in re.split(r"[|:]", layer.strip("()"))
    }
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    modules |= {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert modules - layered == set(), f"not in the layers contract: {sorted(modules - layered)}"
