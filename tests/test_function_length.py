"""No function of the application code is longer than a screen: at most MAX_BODY_LINES
lines of body (its docstring not counted). Every app is read with `ast`, the demo
seeding included; tests and migrations are not. A longer function is split along its
sub-steps (see the rules in intake/placement/policy.py, the seeding steps in demo/sizes/)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_BODY_LINES = 80


def application_files() -> list[Path]:
    """Every .py file of iop/ and of each app (a top-level folder with an apps.py),
    migrations left out."""
    packages = ["iop", *sorted(path.parent.name for path in ROOT.glob("*/apps.py"))]
    return [
        path
        for package in packages
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    ]


def body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the first statement after the docstring to the function's end."""
    body = node.body
    first = body[0]
    has_docstring = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    if has_docstring and len(body) > 1:
        first = body[1]
    assert node.end_lineno is not None
    return node.end_lineno - first.lineno + 1


def too_long(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name}() has {body_lines(node)} lines"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and body_lines(node) > MAX_BODY_LINES
    ]


def test_no_function_is_longer_than_a_screen():
    found = [line for path in application_files() for line in too_long(path)]
    assert not found, (
        f"functions over {MAX_BODY_LINES} lines of body (split them by sub-step):\n"
        + "\n".join(found)
    )


def test_the_check_reads_the_apps_and_counts_lines():
    files = {str(path.relative_to(ROOT)) for path in application_files()}
    assert {"intake/placement/policy.py", "demo/sizes/seeding.py", "iop/settings.py"} <= files
    assert not any("/migrations/" in name for name in files)
    source = "def f():\n    '''Doc.'''\n" + "    x = 1\n" * 81
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    assert body_lines(node) == 81
