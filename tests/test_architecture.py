"""The codebase's shape: no import cycles, modules and functions within their size limits, one declared
list of phases that the variants, the README and check_batt agree with, and no test hook in the product."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from solver_core.pipeline.phases import CHECK_BATT, PHASE_NAMES, changed_phases
from solver_core.variants import VARIANTS

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("harness", "solver_core")
#: Outside the size limits by design: the DSL and the solver library.
EXEMPT = ("solver_core/dsl.py", "solver_core/solvers/")
#: Over the module limit today, owned by another change (listed so that it is seen, not hidden).
KNOWN_LARGE: set[str] = set()
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for p in (ROOT / package).rglob("*.py"):
            parts = list(p.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = p
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules `name` imports (anywhere but `if TYPE_CHECKING:`), its own ancestor packages left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for b in node.body for n in ast.walk(b)}
    targets: list[str] = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            targets += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            targets += [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                        for a in node.names]
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "_LAZY" for t in node.targets):
            targets += [v.value for v in node.value.values if isinstance(v, ast.Constant)]  # type: ignore[attr-defined]
    out = set()
    for t in targets:
        while t and t not in modules:
            t = t.rpartition(".")[0]
        if t and t != name and not name.startswith(t + "."):
            out.add(t)
    return out


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    modules = _modules()
    edges = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert sum(map(len, edges.values())) > 100  # the scan sees the imports
    assert _cycles(edges) == []


def test_module_and_function_sizes() -> None:
    too_big = []
    for p in _modules().values():
        rel = p.relative_to(ROOT).as_posix()
        if rel.startswith(EXEMPT):
            continue
        text = p.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES and rel not in KNOWN_LARGE:
            too_big.append(f"{rel}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    too_big.append(f"{rel}:{node.lineno} {node.name}: {n} lines")
    assert too_big == []


def test_changed_phases_derive_from_the_declared_phases() -> None:
    for a in VARIANTS.values():
        for b in VARIANTS.values():
            assert changed_phases(a, b) == a.changed_phases(b), (a.name, b.name)


def test_readme_phase_table_lists_the_declared_phases_in_order() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("| span | what it does |"):].split("\n\n")[0]
    named = [n for line in table.splitlines()[2:] for n in re.findall(r"`([a-z0-9_]+)`", line.split("|")[1])]
    assert [n for n in named if n != "generate"] == list(PHASE_NAMES)


def test_check_batt_runs_the_declared_phases_in_order(tmp_path: Path, task_007, small_config) -> None:
    from solver_core.pipeline import RunSettings, run_pipeline
    from solver_core.variants import get_variant

    result = run_pipeline([task_007], RunSettings(get_variant("baseline"), tmp_path, generator=small_config))
    (check,) = [n for n in result.recorder.tree.walk() if n.name == "check_batt"]
    assert [c.name for c in check.children.values()] == list(CHECK_BATT)


@pytest.mark.parametrize("module", ["solver_core/program.py", "solver_core/pipeline/task.py", "harness/cli/gate.py"])
def test_no_test_hook_reads_the_environment(module: str) -> None:
    text = (ROOT / module).read_text(encoding="utf-8")
    assert "PHASEBENCH_PRIMITIVES" not in text and "PHASEBENCH_INJECT_SLOWDOWN" not in text
    assert not (ROOT / "solver_core" / "hostile.py").exists()
