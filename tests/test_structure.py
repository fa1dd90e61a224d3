"""The structure, checked on the source (AST): no import cycle inside the packages, and the layering.

Cycles are looked for among the imports that run when a module is imported: those at module level,
including inside top-level `if`/`try` blocks and class bodies, but not inside functions (they run
later, once every module has loaded) nor under `if TYPE_CHECKING:` (never run). Only those cycles
break: whichever module of the cycle is imported first meets the others half-initialised
(`ImportError: cannot import name ... (most likely due to a circular import)`), depending on import
order. An import inside a function is the codebase's way to defer heavy packages and cannot
fail that way, so it is left out on purpose.

The layering rules look at every import anywhere in a file, functions included (a deferred
`import textual` is still a dependency): `agent/` and `arc_client/` never import `textual` (nor the
app); `arc_client/` never imports `agent` or `torch`. And the sealed games (`arc_client.games.sealed`, the
test set) stay out of the agent: no file of `agent/` or `configs/` names one, and `agent/` imports only their tag.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("agent", "arc_client", "aria_tui")
FORBIDDEN = {
    "arc_client": {"agent", "aria_tui", "torch", "textual"},
    "agent": {"aria_tui", "textual"},
}


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Every module of `packages` under `root`, by dotted name (a package is its __init__)."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if "environment_files" not in path.parts:  # game files the toolkit loads by path, never imported
                found[module_name(root, path)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_time_nodes(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements run when the module is imported (function bodies and TYPE_CHECKING left out)."""
    for node in body:
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            blocks = [node.orelse]
        else:
            blocks = [getattr(node, name, None) for name in ("body", "orelse", "finalbody")]
            blocks += [handler.body for handler in getattr(node, "handlers", None) or []]
        for block in blocks:
            if isinstance(block, list):
                yield from import_time_nodes(block)


def imported_names(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """Dotted names an import statement asks for (relative imports resolved); [] for other nodes.

    `from a.b import c` gives `a.b.c` (a submodule, or a name of `a.b`) then `a.b`."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".") if is_package else module.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        return [f"{source}.{alias.name}" for alias in node.names] + [source]
    return []


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the modules of the same packages it imports at import time."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges: set[str] = set()
        for node in import_time_nodes(tree.body):
            wanted = imported_names(node, name, path.name == "__init__.py")
            if isinstance(node, ast.ImportFrom):
                # `from a.b import c`: the submodule a.b.c when there is one, else the module a.b
                edges |= {w for w in wanted[:-1] if w in modules} or ({wanted[-1]} & modules.keys())
            else:
                edges |= set(wanted) & modules.keys()
        graph[name] = edges - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def imported_roots(path: Path) -> set[str]:
    """Top-level package of every import anywhere in a file, plus `import_module("x")` calls."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__")):
            roots.add(node.args[0].value.split(".")[0])
    return roots


def test_the_packages_have_no_import_cycle() -> None:
    modules = package_modules(REPO, PACKAGES)
    assert {"agent.cli", "arc_client.session", "aria_tui"} <= modules.keys()
    assert cycles(import_graph(modules)) == []


def test_the_cycle_finder_sees_a_cycle_and_ignores_deferred_imports(tmp_path: Path) -> None:
    """The checks above on a made-up package, so that a finder that sees nothing cannot pass."""
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from .a import A\n")
    (pkg / "a.py").write_text("from pkg.sub import b\nA = 1\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "b.py").write_text("try:\n    from .. import c\nexcept ImportError:\n    pass\n")
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import d\n"
                              "class C:\n    from . import a\n")
    (pkg / "d.py").write_text("def late():\n    from pkg import c\n")
    graph = import_graph(package_modules(tmp_path, ("pkg",)))
    assert graph["pkg.c"] == {"pkg.a"} and graph["pkg.d"] == set()
    assert cycles(graph) == [["pkg.a", "pkg.c", "pkg.sub.b"]]
    assert imported_roots(pkg / "d.py") == {"pkg"}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_packages_import_only_what_their_layer_allows(package: str) -> None:
    files = sorted((REPO / package).rglob("*.py"))
    assert files
    offenders = {str(f.relative_to(REPO)): sorted(imported_roots(f) & FORBIDDEN[package]) for f in files}
    assert {f: bad for f, bad in offenders.items() if bad} == {}


def sealed_uses(path: Path, names: set[str]) -> list[str]:
    """What a file takes of the sealed games: names imported from `arc_client.games.sealed` (or its modules)
    and string constants holding one of the sealed games' ids."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("arc_client.games.sealed"):
            found += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("arc_client.games.sealed")]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += sorted(name for name in names if name in node.value.lower())
    return found


def test_the_agent_and_its_presets_know_no_sealed_game(tmp_path: Path) -> None:
    """The sealed games are measured, never developed on: nothing in `agent/` or `configs/` names one, and
    `agent/` takes nothing of their package but its tag (which `--games all` leaves out)."""
    from arc_client.games.sealed import SEALED

    names = {cls.NAME for cls in SEALED}
    assert len(names) >= 3
    uses = {str(f.relative_to(REPO)): sealed_uses(f, names) for f in sorted((REPO / "agent").rglob("*.py"))}
    assert {f: u for f, u in uses.items() if u} == {
        "agent/evaluation/run.py": ["arc_client.games.sealed.SEALED_TAG"]}
    presets = sorted((REPO / "configs").glob("*.toml"))
    assert presets and not [p.name for p in presets if any(n in p.read_text().lower() for n in names)]
    # the check sees what it looks for
    probe = tmp_path / "probe.py"
    probe.write_text('from arc_client.games.sealed.flood import LEVELS\nGAME = "XA01-4ce9ed56"\n')
    assert sealed_uses(probe, names) == ["arc_client.games.sealed.flood.LEVELS", "xa01"]
