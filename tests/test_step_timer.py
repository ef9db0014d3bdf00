"""`evaluate.LazyStepAlarm` (scoring `timer`): the same per-step limits as `StepAlarm` with one timer
per DAG; `evaluate.run_plan` (scoring `plan`): what `run_dag` gives, the batch resolved once. A
runaway step is that step's `timeout`, the next step gets its full limit, and a step that clears,
blocks or replaces the alarm cannot switch off the limit of the steps after it."""

from __future__ import annotations

import signal
import time

import pytest

from solver_core import dsl, program
from solver_core.generator import GeneratorConfig, generate_batch
from solver_core.pipeline.evaluate import Failure, LazyStepAlarm, StepTimeout, plan_dag, run_dag, run_plan
from solver_core.pipeline.score import drop_memo, sample_jobs, score_sample
from solver_core.program import Step
from solver_core.solvers import library_programs
from solver_core.tasks import get_task
from solver_core.types import Grid

GRID = ((1, 2), (3, 4))


def t_spin(grid: Grid) -> Grid:
    while True:
        pass


def t_nap(grid: Grid) -> Grid:
    """Busy for 0.15 s: under a limit of 0.25 s, but two in a row are over it."""
    end = time.perf_counter() + 0.15
    while time.perf_counter() < end:
        pass
    return grid


def t_clear_timer(grid: Grid) -> Grid:
    signal.setitimer(signal.ITIMER_REAL, 0)
    return grid


def t_late_timer(grid: Grid) -> Grid:
    signal.setitimer(signal.ITIMER_REAL, 1000)
    return grid


def t_block_alarm(grid: Grid) -> Grid:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    return grid


def t_ignore_alarm(grid: Grid) -> Grid:
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    return grid


_MINE = {f.__name__: f for f in (t_spin, t_nap, t_clear_timer, t_late_timer, t_block_alarm, t_ignore_alarm)}


@pytest.fixture
def hostile():
    dsl.PRIMITIVES.update(_MINE)
    program.reset_namespace()
    yield
    for name in _MINE:
        dsl.PRIMITIVES.pop(name, None)
    program.reset_namespace()


def _steps(*names: str) -> tuple[Step, ...]:
    return tuple(Step(n, ("I",)) for n in names)  # independent steps: none inherits another's failure


@pytest.mark.parametrize("lazy", [False, True])
def test_a_runaway_step_is_its_own_timeout_and_the_next_runs(hostile, lazy):
    handler = signal.getsignal(signal.SIGALRM)
    values = run_dag(_steps("t_nap", "t_spin", "t_nap", "t_spin"), {"I": GRID}, step_timeout=0.25, lazy_alarm=lazy)
    assert values == [GRID, Failure("timeout", 1), GRID, Failure("timeout", 3)]
    assert signal.getsignal(signal.SIGALRM) is handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("lazy", [False, True])
def test_each_step_gets_its_full_limit(hostile, lazy):
    """Two 0.15 s steps in a row under a 0.25 s limit: the timer set at the first step's start fires
    during the second, which is not yet past its own limit and goes on."""
    values = run_dag(_steps("t_nap", "t_nap", "t_nap"), {"I": GRID}, step_timeout=0.25, lazy_alarm=lazy)
    assert values == [GRID, GRID, GRID]


@pytest.mark.parametrize("first", ["t_clear_timer", "t_late_timer", "t_block_alarm", "t_ignore_alarm"])
def test_a_step_cannot_switch_off_the_limit_of_the_next(hostile, first):
    handler = signal.getsignal(signal.SIGALRM)
    values = run_dag(_steps(first, "t_spin"), {"I": GRID}, step_timeout=0.2, lazy_alarm=True)
    assert values == [GRID, Failure("timeout", 1)]
    assert signal.getsignal(signal.SIGALRM) is handler
    assert signal.SIGALRM not in signal.pthread_sigmask(signal.SIG_BLOCK, ())


def test_the_alarm_between_steps_raises_nothing():
    """A timer that fires when no step runs (deadline infinite) is dropped; `arm` sets it again."""
    with LazyStepAlarm(0.05) as alarm:
        alarm.arm()
        alarm.disarm()
        time.sleep(0.1)  # the timer fires here: no step runs, nothing is raised
        alarm.arm()
        with pytest.raises(StepTimeout):
            while True:
                pass
        alarm.disarm()
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_inactive_without_limit():
    with LazyStepAlarm(None) as alarm:
        alarm.arm()
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        alarm.disarm()
        alarm.reset()


# ------------------------------------------------------------------ plan scoring: the batch resolved once
@pytest.mark.parametrize("first", ["t_clear_timer", "t_late_timer", "t_block_alarm", "t_ignore_alarm"])
def test_a_plan_step_cannot_switch_off_the_limit_of_the_next(hostile, first):
    handler = signal.getsignal(signal.SIGALRM)
    steps = _steps("t_nap", first, "t_spin", "t_nap", "t_spin")
    plan = plan_dag(steps, ("I",))
    assert run_plan(plan, {"I": GRID}, 0.2) == [GRID, GRID, Failure("timeout", 2), GRID, Failure("timeout", 4)]
    assert signal.getsignal(signal.SIGALRM) is handler
    assert signal.SIGALRM not in signal.pthread_sigmask(signal.SIG_BLOCK, ())
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("task_id,seed", [("007bbfb7", 0), ("007bbfb7", 3), ("0dfd9992", 1), ("06df4c85", 2)])
def test_plan_and_nested_scoring_give_the_outcomes_of_shared_and_lean_scoring(task_id, seed):
    """Same outcomes, matches, cells and differ scores on every sample; failures name the same steps."""
    task = get_task(task_id)
    batch = generate_batch(task.id, library_programs(), seed, GeneratorConfig(parents=8, mutants=4))
    scored = {}
    for strategy in ("shared", "lean", "plan", "nested"):
        drop_memo()
        scored[strategy] = [score_sample(j) for kind in ("demo", "test")
                            for j in sample_jobs(task, batch, kind, strategy, True, 60.0)]
    drop_memo()
    for strategy in ("lean", "plan", "nested"):
        for mine, ref in zip(scored[strategy], scored["shared"], strict=True):
            assert (mine.kind, mine.index, mine.outcomes) == (ref.kind, ref.index, ref.outcomes)
            assert (mine.matched, mine.cells, mine.differs) == (ref.matched, ref.cells, ref.differs)


def test_run_plan_equals_run_dag_with_and_without_wanted():
    task = get_task("0dfd9992")
    batch = generate_batch(task.id, library_programs(), 5, GeneratorConfig(parents=6, mutants=4))
    wanted = sorted({c.t_n for c in batch.candidates})
    for pair in task.demo[:2]:
        inputs = {"I": pair.input, "S": task.demo_samples}
        for want in (wanted, None, wanted[:3]):
            mine = run_plan(plan_dag(batch.steps, ("I", "S"), want), inputs, 60.0)
            assert _values(mine) == _values(run_dag(batch.steps, inputs, want, 60.0))


def _values(values: list) -> list:
    """Step values with every function (a fresh closure in each run) as one marker."""
    return ["<function>" if callable(v) else v for v in values]
