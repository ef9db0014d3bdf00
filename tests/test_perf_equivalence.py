"""The performance steps change how results are computed, never what: `memo`/`lean` scoring against
`shared`, validation read back from the memo against validation that runs every solver, and the cheaper
DSL primitive bodies against plain reference implementations written here (random grids, hypothesis)."""

from __future__ import annotations

import gc
from dataclasses import replace

import pytest

from solver_core.generator import GeneratorConfig, generate_batch
from solver_core.pipeline import score as score_mod
from solver_core.pipeline.evaluate import Failure
from solver_core.pipeline.score import (
    TaskMemo,
    active_memo,
    drop_memo,
    gc_paused,
    sample_jobs,
    score_sample,
    task_memo,
)
from solver_core.pipeline.validate import ValidateJob, from_memo, validate
from solver_core.program import Program, Step, extract
from solver_core.solvers import library_programs
from solver_core.tasks import Task, get_task

CONFIG = GeneratorConfig(parents=6, mutants=4)


@pytest.fixture(scope="module")
def task() -> Task:
    return get_task("007bbfb7")


@pytest.fixture(scope="module")
def scored(task: Task) -> dict[str, list]:
    """Every sample of one small batch scored with each strategy (the memo of `memo` kept)."""
    batch = generate_batch(task.id, library_programs(), 0, CONFIG)
    out: dict[str, list] = {}
    for strategy in ("shared", "lean", "memo"):  # `memo` last: its memo stays for the validation tests
        out[strategy] = [score_sample(j) for kind in ("demo", "test")
                         for j in sample_jobs(task, batch, kind, strategy, True, 60.0)]
    out["batch"] = [batch]
    return out


def test_memo_scoring_gives_shared_scoring_outcomes(scored):
    for strategy in ("memo", "lean"):
        for mine, ref in zip(scored[strategy], scored["shared"], strict=True):
            assert (mine.kind, mine.index) == (ref.kind, ref.index)
            assert mine.outcomes == ref.outcomes
            assert mine.matched == ref.matched and mine.cells == ref.cells and mine.differs == ref.differs


def _jobs(task: Task, scored, early_exit: bool) -> list[ValidateJob]:
    (batch,) = scored["batch"]
    outcomes = [s.outcomes for s in scored["memo"]]
    return [ValidateJob(t, extract(batch.steps, t), task.samples, len(task.demo), task.demo_samples,
                        tuple(o[t] == p.output for o, p in zip(outcomes, task.samples, strict=True)), 60.0,
                        early_exit)
            for t in sorted({c.t_n for c in batch.candidates})]


@pytest.mark.parametrize("early_exit", [False, True])
def test_validation_read_back_from_the_memo_equals_running_every_solver(task, scored, early_exit):
    memo = active_memo(task.demo_samples)
    assert memo is not None  # a new `demo_samples` tuple around the same grids finds the task's memo
    for job in _jobs(task, scored, early_exit):
        recorded = from_memo(job, memo, 0)
        assert recorded is not None
        drop_memo()
        try:
            ran = validate(job)
        finally:
            _ACTIVE_restore(memo)
        assert (recorded.status, recorded.work, recorded.grade, recorded.pairs_run, recorded.disagreements) == \
               (ran.status, ran.work, ran.grade, ran.pairs_run, ran.disagreements), job.t_n


def _ACTIVE_restore(memo: TaskMemo) -> None:
    score_mod._ACTIVE[:] = [memo]


def test_from_memo_declines_what_it_does_not_hold(task, scored):
    memo = active_memo(task.demo_samples)
    assert memo is not None
    job = _jobs(task, scored, True)[0]
    assert from_memo(replace(job, program=Program((Step("identity", ("I",)),))), memo, 0) is None
    assert from_memo(replace(job, t_n=10**6), memo, 0) is None
    other = get_task("00d62c1b")
    assert active_memo(other.demo_samples) is None


def test_task_memo_runs_calls_of_stable_arguments_once_and_replays_failures(task):
    drop_memo()
    memo = task_memo(task.demo_samples, ())
    calls = []

    def spy(*args):
        calls.append(args)
        if args[0] == 0:
            raise ZeroDivisionError("boom")
        return ("value", *args)

    wrapped = memo._wrap(spy)
    one, zero = 1, 0  # small ints are interned: the namespace's ONE and ZERO
    first = wrapped(one, memo.demo)
    assert wrapped(one, memo.demo) is first and len(calls) == 1  # stable arguments: once
    assert wrapped(first) is wrapped(first) and len(calls) == 2  # a memoised result is stable too
    grid = ((1, 2), (3, 4))
    wrapped(grid)
    wrapped(grid)
    assert len(calls) == 4  # a sample's own data is never memoised
    for _ in range(2):
        with pytest.raises(Exception) as caught:
            wrapped(zero)
        assert type(caught.value).__name__ == "ZeroDivisionError"
        assert caught.value.__traceback__ is not None
    assert len(calls) == 5
    assert memo.hits == 3 and memo.misses == 3
    drop_memo()
    assert active_memo(task.demo_samples) is None


def test_gc_paused_restores_the_collector():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested: the outer block decides
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError
    assert gc.isenabled()
    with gc_paused(False):
        assert gc.isenabled()


def test_failures_in_memo_scoring_name_the_same_step(task):
    batch = generate_batch(task.id, library_programs(), 3, CONFIG)
    ref = [score_sample(j) for j in sample_jobs(task, batch, "demo", "shared", True, 60.0)]
    mine = [score_sample(j) for j in sample_jobs(task, batch, "demo", "lean", True, 60.0)]
    failures = [(t, o) for s in ref for t, o in s.outcomes.items() if type(o) is Failure]
    assert failures  # the batch has failing candidates
    assert [s.outcomes for s in mine] == [s.outcomes for s in ref]
    drop_memo()
