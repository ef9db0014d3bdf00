"""Hostile candidates mixed into real batches: every run completes, each hostile candidate is recorded
with its reason, every other candidate's result is unchanged, for every variant; no leaks."""

from __future__ import annotations

import multiprocessing
import threading
from dataclasses import replace
from pathlib import Path

import hostile_primitives as hostile
import pytest

from solver_core.generator import GeneratorConfig
from solver_core.pipeline import RunSettings, run_pipeline
from solver_core.variants import VARIANTS, get_variant

TASKS = ("007bbfb7", "0d3d703e")
#: Hostile primitives a pure-Python time limit or exception handling contains (fast to test everywhere).
IN_PROCESS = ("spin", "memory_bomb", "recurse", "leave", "huge", "wrong_type", "explode", "die")
SMALL = GeneratorConfig(parents=6, mutants=2)
TIMEOUT = 0.2


@pytest.fixture
def hostile_primitives():
    """The hostile primitives in this process's DSL for the test (worker processes get them with the steps)."""
    hostile.install()
    yield
    hostile.uninstall()


def _extra(names):
    return tuple(hostile.hostile_step(name) for name in names)


def _run(variant: str, out: Path, names=(), tasks=TASKS, timeout=TIMEOUT):
    from solver_core.tasks import get_task

    config = replace(SMALL, extra=_extra(names))
    settings = RunSettings(get_variant(variant), out, timeout=timeout, generator=config)
    return run_pipeline([get_task(t) for t in tasks], settings)


def _hostile_steps(task, count):
    """The hostile candidates are appended last, one step each: the batch's last `count` steps."""
    last = max(task.scores)
    return list(range(last - count + 1, last + 1))


def _hostile_reasons(result, names):
    """Hostile candidate name -> the set of reasons it failed with, over all tasks and samples."""
    out: dict[str, set[str]] = {}
    for task in result.tasks:
        for t_n, name in zip(_hostile_steps(task, len(names)), names, strict=True):
            out.setdefault(name, set()).update(task.failures.get(t_n, ("<no failure>",)))
    return out


def _others(result, count=0):
    """Per task, the scores and failures of every candidate that is not hostile."""
    out = {}
    for task in result.tasks:
        hostile_steps = set(_hostile_steps(task, count)) if count else set()
        out[task.task_id] = (
            {t: s for t, s in task.scores.items() if t not in hostile_steps},
            {t: r for t, r in task.failures.items() if t not in hostile_steps},
        )
    return out


@pytest.fixture(scope="module")
def clean_runs(tmp_path_factory):
    return {v: _run(v, tmp_path_factory.mktemp(f"clean-{v}")) for v in ("baseline",)}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_hostile_candidates_are_contained_in_every_variant(variant, tmp_path, hostile_primitives, clean_runs):
    result = _run(variant, tmp_path, IN_PROCESS)
    reasons = _hostile_reasons(result, IN_PROCESS)
    for name in IN_PROCESS:
        assert reasons[name] == {hostile.EXPECTED_REASON[name]}, (name, reasons[name])
    # every other candidate's result is exactly what a run without hostile candidates gives
    assert _others(result, len(IN_PROCESS)) == _others(clean_runs["baseline"])


def test_hostile_runs_agree_across_variants(tmp_path, hostile_primitives):
    digests = {v: _run(v, tmp_path / v, IN_PROCESS).digest for v in ("baseline", "shared", "fast")}
    assert len(set(digests.values())) == 1, digests


@pytest.mark.parametrize("variant", ["baseline", "fast"])
def test_a_loop_in_c_is_killed_and_recorded(variant, tmp_path, hostile_primitives):
    names = ("spin_in_c",)
    # each sample discovers the hang anew (a worker is killed at every deadline): keep it small
    result = _run(variant, tmp_path, names, tasks=TASKS[:1], timeout=0.1)
    assert _hostile_reasons(result, names)["spin_in_c"] == {"killed"}
    clean = _run("baseline", tmp_path / "clean", tasks=TASKS[:1], timeout=0.1)
    assert _others(result, 1) == _others(clean)


def test_no_process_or_thread_left_after_hostile_runs(tmp_path, hostile_primitives):
    threads = threading.active_count()
    _run("phase4", tmp_path / "a", IN_PROCESS)
    _run("fast", tmp_path / "b", IN_PROCESS)
    assert multiprocessing.active_children() == []
    assert threading.active_count() == threads
