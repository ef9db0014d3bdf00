"""The solver library: format (straight-line DSL programs) and correctness on real ARC data."""

from __future__ import annotations

import ast
import inspect

import pytest

from solver_core.program import ProgramFormatError, parse_function
from solver_core.solvers import _batches, _modules, library, library_programs, verify_library
from solver_core.tasks import get_task

SOLVERS = library()
EVAL_SOLVERS = library("arc1-eval")


def test_library_has_at_least_60_solvers_including_007bbfb7():
    assert len(SOLVERS) >= 60
    assert "007bbfb7" in SOLVERS


@pytest.mark.parametrize("task_id", sorted(SOLVERS))
def test_solver_is_correct_on_every_pair(task_id):
    task = get_task(task_id, "arc1-train")
    solver = SOLVERS[task_id]
    for n, pair in enumerate(task.samples):
        assert solver(pair.input) == pair.output, f"{task_id}: pair {n} ({len(task.demo)} demo pairs first)"


def _format_problems(fn) -> list[str]:
    where = f"{fn.__module__}.{fn.__name__}"
    try:
        name, params, program = parse_function(inspect.getsource(fn), where=where)
    except ProgramFormatError as exc:
        return [str(exc)]
    problems = []
    if params != ("I",):
        problems.append(f"{where}: must take exactly `I`")
    source = inspect.getsource(fn)
    variables = [ast.unparse(s.targets[0]) for s in ast.parse(source).body[0].body if isinstance(s, ast.Assign)]
    expected = [f"x{k}" for k in range(1, len(program.steps))] + ["O"]
    if variables != expected:
        problems.append(f"{where}: variables must be x1..x{len(program.steps) - 1} then O, got {variables}")
    return problems


def test_every_solver_is_a_straight_line_dsl_program():
    problems = [p for fn in SOLVERS.values() for p in _format_problems(fn)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("body,problem", [
    ("    x1 = rot90(rot90(I))\n    return x1", "argument `rot90(I)` is not a bare name"),
    ("    x1 = upscale(I, 2)\n    return x1", "argument `2` is not a bare name"),
    ("    x1 = mystery(I)\n    return x1", "`mystery` is not a DSL primitive"),
    ("    x1 = rot90(J)\n    return x1", "`J` is not an earlier variable"),
    ("    x1 = I.__class__(I)\n    return x1", "is not a DSL primitive name"),
    ("    import os\n    return I", "expected `name = primitive(...)`"),
    ("    x1 = rot90(I)\n    x1 = rot90(x1)\n    return x1", "assigned twice"),
    ("    x1 = rot90(I)\n    x2 = rot180(x1)\n    return x1", "must return the last step"),
    ("    x1 = upscale(I, factor=TWO)\n    return x1", "keyword arguments"),
    ("    x1 = rot90(I)\n    if x1:\n        x2 = rot90(x1)\n    return x1", "expected `name = primitive(...)`"),
])
def test_format_check_rejects_with_line(body, problem):
    source = f"def solve_bad(I):\n{body}\n"
    with pytest.raises(ProgramFormatError) as info:
        parse_function(source, where="bad.py")
    assert problem in str(info.value)
    assert str(info.value).startswith("bad.py:")


def test_batches_define_only_solvers():
    for module in _batches():
        own = [n for n, v in vars(module).items() if callable(v) and getattr(v, "__module__", "") == module.__name__]
        assert all(n.startswith("solve_") for n in own), module.__name__


def test_verify_library_reports_all_passing():
    report = verify_library("arc1-train")
    assert report.total == len(SOLVERS)
    assert report.passed == report.total, report.failures
    assert report.pairs >= 2 * report.total


# --------------------------------------------------------------------------- the evaluation-set library


def test_eval_library_has_at_least_40_solvers():
    assert len(EVAL_SOLVERS) >= 40


@pytest.mark.parametrize("task_id", sorted(EVAL_SOLVERS))
def test_eval_solver_is_correct_on_every_pair(task_id):
    task = get_task(task_id, "arc1-eval")
    solver = EVAL_SOLVERS[task_id]
    for n, pair in enumerate(task.samples):
        assert solver(pair.input) == pair.output, f"{task_id}: pair {n} ({len(task.demo)} demo pairs first)"


def test_every_eval_solver_is_a_straight_line_dsl_program():
    problems = [p for fn in EVAL_SOLVERS.values() for p in _format_problems(fn)]
    assert not problems, "\n".join(problems)


def test_eval_modules_define_only_solvers():
    modules = _modules("arc1-eval")
    assert modules and all(m.__name__.rsplit(".", 1)[1].startswith("eval_") for m in modules)
    for module in modules:
        own = [n for n, v in vars(module).items() if callable(v) and getattr(v, "__module__", "") == module.__name__]
        assert all(n.startswith("solve_") for n in own), module.__name__


def test_default_library_is_the_training_library_only():
    assert library() is library("arc1-train")
    assert not set(SOLVERS) & set(EVAL_SOLVERS)
    assert all(fn.__module__.rsplit(".", 1)[1].startswith("batch_") for fn in SOLVERS.values())
    assert list(library_programs()) == list(SOLVERS)
    assert list(library_programs("arc1-eval")) == list(EVAL_SOLVERS) == sorted(EVAL_SOLVERS)


def test_unknown_library_is_refused():
    with pytest.raises(ValueError, match="no solver library for dataset 'arc2-eval'"):
        library("arc2-eval")


def test_verify_library_on_the_evaluation_set():
    report = verify_library("arc1-eval")
    assert report.total == len(EVAL_SOLVERS)
    assert report.passed == report.total, report.failures
    assert report.pairs >= 2 * report.total
