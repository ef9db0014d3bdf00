"""The library of hand-written solvers for real ARC-AGI-1 tasks, one library per dataset.

Each solver is a straight-line DSL program `solve_<task_id>(I)`: one DSL call per line
(`x1 = f(I)`, `x2 = g(x1, ...)`, ..., `O = h(...)`, `return O`), using only DSL primitives, DSL
constants and earlier variables. The `batch_*` modules hold the solvers for `arc1-train` tasks, the
`eval_*` modules those for `arc1-eval` tasks (`LIBRARY_MODULES`). `library(dataset)` (also
`SOLVERS`, the training library) maps task id to solver in task-id order; with no argument it is the
training library. `tests/test_solvers.py` checks the format and verifies every solver on every demo
and test pair of its task.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType

from solver_core.program import Program
from solver_core.types import Grid

SolverFn = Callable[[Grid], Grid]

TRAINING = "arc1-train"
#: Dataset -> prefix of the modules (in this package) that hold its solvers.
LIBRARY_MODULES: dict[str, str] = {TRAINING: "batch_", "arc1-eval": "eval_"}


def _prefix(dataset: str) -> str:
    try:
        return LIBRARY_MODULES[dataset]
    except KeyError:
        known = ", ".join(LIBRARY_MODULES)
        raise ValueError(f"no solver library for dataset {dataset!r} (libraries exist for: {known})") from None


def _modules(dataset: str = TRAINING) -> tuple[ModuleType, ...]:
    """The modules holding the solvers for `dataset`, sorted by name (imported here)."""
    import importlib
    import pkgutil

    prefix = _prefix(dataset)
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith(prefix))
    return tuple(importlib.import_module(f"{__name__}.{name}") for name in names)


def _batches() -> tuple[ModuleType, ...]:
    """The training library's modules (`batch_*`)."""
    return _modules(TRAINING)


def _collect(dataset: str) -> dict[str, SolverFn]:
    found: dict[str, SolverFn] = {}
    for module in _modules(dataset):
        for name, obj in vars(module).items():
            if name.startswith("solve_") and callable(obj) and obj.__module__ == module.__name__:
                task_id = name.removeprefix("solve_")
                if task_id in found:
                    raise ValueError(f"solver for {task_id} defined twice ({module.__name__})")
                found[task_id] = obj
    return dict(sorted(found.items()))


def library(dataset: str = TRAINING) -> dict[str, SolverFn]:
    """Task id -> solver for `dataset`'s tasks, sorted by task id (modules are imported on first use)."""
    return _library(dataset)  # an unknown dataset raises ValueError (and is not cached)


@cache
def _library(dataset: str) -> dict[str, SolverFn]:
    return _collect(dataset)


def __getattr__(name: str) -> object:
    if name == "SOLVERS":  # lazy, so that importing one batch never imports the others
        return library()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class VerifyReport:
    """Outcome of running every solver on all pairs of its task."""

    total: int
    passed: int
    pairs: int
    seconds: float
    failures: tuple[str, ...] = field(default=())


def verify_library(dataset: str = TRAINING, solvers_of: str | None = None) -> VerifyReport:
    """Run every solver of a library on every demo and test pair of its task in `dataset`; time it all.

    The library is `solvers_of`'s; by default `dataset`'s own when it has one (`LIBRARY_MODULES`),
    else the training library (e.g. for a folder holding copies of training tasks).
    """
    from solver_core.tasks import load_dataset, task_index

    index = task_index(load_dataset(dataset))
    failures: list[str] = []
    passed = pairs = 0
    start = time.perf_counter()
    solvers = library(solvers_of or (dataset if dataset in LIBRARY_MODULES else TRAINING))
    for task_id, solver in solvers.items():
        task = index.get(task_id)
        if task is None:
            failures.append(f"{task_id}: no such task in {dataset}")
            continue
        ok = True
        for n, pair in enumerate(task.samples):
            pairs += 1
            try:
                got = solver(pair.input)
            except Exception as exc:  # a broken solver is a reported failure, not a crash
                failures.append(f"{task_id}: pair {n} raised {type(exc).__name__}: {exc}")
                ok = False
                continue
            if got != pair.output:
                failures.append(f"{task_id}: pair {n} wrong output")
                ok = False
        passed += ok
    seconds = time.perf_counter() - start
    return VerifyReport(len(solvers), passed, pairs, seconds, tuple(failures))


def library_programs(dataset: str = TRAINING) -> Mapping[str, Program]:
    """Task id -> the solver parsed as a `Program` (the generator's parents), in task-id order."""
    return _library_programs(dataset)


@cache
def _library_programs(dataset: str) -> Mapping[str, Program]:
    import ast
    from pathlib import Path

    from solver_core.program import parse_function_node

    out: dict[str, Program] = {}
    for module in _modules(dataset):  # each module parsed once: much faster than a source lookup per solver
        assert module.__file__ is not None
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("solve_"):
                _name, _params, program = parse_function_node(node, where=f"{module.__name__}.{node.name}")
                out[node.name.removeprefix("solve_")] = program
    missing = set(library(dataset)) - set(out)
    if missing:
        raise ValueError(f"solvers defined other than by a plain `def`: {', '.join(sorted(missing))}")
    return dict(sorted(out.items()))
