"""The apps form layers: each imports only apps below it (README, "Layout"), `iop/`
reaches the apps only through their URLconfs, and no two modules import each other,
directly or round a circle. Imports are read with `ast` from every .py file of every
app (migrations, management commands and imports inside functions included), so a
lazy import cannot hide a dependency."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Bottom to top. A lower app learns what a higher one contributes through a registry
# filled in the higher app's AppConfig.ready (accounts/home.py, intake/records.py).
LAYERS = (
    "accounts",
    "programs",
    "intake",
    "scheduling",
    "treatment",
    "notes",
    "outcomes",
    "demo",
)
PROJECT = "iop"  # settings, URLs, WSGI/ASGI


def apps() -> list[str]:
    """Every app of the project: a top-level folder with an apps.py."""
    return sorted(path.parent.name for path in ROOT.glob("*/apps.py"))


def modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the apps and of iop/."""
    found = {}
    for package in [PROJECT, *apps()]:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except under `if TYPE_CHECKING:`."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def imported_names(name: str, path: Path) -> set[str]:
    """The dotted modules (or module.attribute) that module `name` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _import_nodes(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        found.add(base)
        found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def edges() -> dict[str, set[str]]:
    """module -> the project modules it imports (a `from package import name` counts
    as importing the submodule when there is one, else the package)."""
    known = modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in known.items():
        for target in imported_names(name, path):
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                graph[name].add(target)
    return graph


def _top(name: str) -> str:
    return name.split(".")[0]


def test_every_app_has_a_layer():
    missing = sorted(set(apps()) - set(LAYERS))
    assert not missing, f"add these apps to LAYERS (and to the README's Layout): {missing}"


def test_no_app_imports_an_app_above_it():
    rank = {app: n for n, app in enumerate(LAYERS)}
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in edges().items()
        for target in targets
        if _top(module) in rank and _top(target) in rank and rank[_top(target)] > rank[_top(module)]
    )
    assert not upward, "imports of a higher app:\n" + "\n".join(upward)


def _urlconf(name: str) -> bool:
    return name.rpartition(".")[2].endswith("urls")


def _included(path: Path) -> set[str]:
    """The dotted URLconfs named as strings in include("...") calls."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "include"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def test_the_project_package_reaches_apps_only_through_their_urlconfs():
    known = modules()
    wrong = sorted(
        f"{module} uses {target}"
        for module, targets in edges().items()
        if _top(module) == PROJECT
        for target in targets
        if _top(target) != PROJECT and not _urlconf(target)
    )
    wrong += sorted(
        f"{module} includes {target}"
        for module, path in known.items()
        if _top(module) == PROJECT
        for target in _included(path)
        if not _urlconf(target)
    )
    assert not wrong, "iop/ may use an app's URLconf only:\n" + "\n".join(wrong)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_import_cycle_between_modules():
    cycles = _cycles(edges())
    assert not cycles, "modules that import each other (directly or round a circle):\n" + "\n".join(
        " <-> ".join(group) for group in cycles
    )


def test_the_checks_see_a_cycle_and_an_upward_import():
    """The graph code itself: a made-up circle is found."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
    assert "intake.demo_gone" not in modules()
    graph = edges()
    assert "demo.schedule" in graph and "demo.intake" in graph["demo.schedule"]
