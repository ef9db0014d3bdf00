"""phase3a_validate: run each solver on every demo and test pair under a time limit that stops it.

The recorded outcome is deterministic whatever the strategy:
- `status`: `pass` when every demo pair matches, else the first demo pair that does not, as
  `demo[i]:mismatch`, `demo[i]:error:<Type>`, `demo[i]:invalid:<what>` or `demo[i]:timeout`;
- `work`: deterministic work units of the solver on the first demo pair (one per step plus the size
  of every container it produced), and `grade = work.bit_length()`: the speed grade used in the
  store layout. Wall-clock time (`elapsed_ns`) is recorded too, but never used in the results: a
  grade from a clock would make the store layout depend on the machine and its load.
- `disagreements`: samples on which validation and the batch's scoring disagree (always reported).

With `early_exit`, a solver stops at its first mismatching demo pair; without it every pair runs
(and the status is still the first failure), so both strategies record the same outcome.

When `memo` scoring ran this task in this process, its `TaskMemo` is still there (`score.active_memo`)
with every candidate's outcome on every pair and the size of every step's value on the first demo pair:
the solver (the dependency cone of its batch step) would make exactly the calls the DAG made, so its
status, work units and grade are read back from them (`from_memo`) instead of being computed again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from solver_core.pipeline.evaluate import Failure, StepTimeout, as_outcome, measure_program, time_limit
from solver_core.pipeline.score import TaskMemo, active_memo
from solver_core.program import Program, dependencies
from solver_core.tasks import Pair
from solver_core.types import Grid

#: Grade recorded for a solver whose work could not be measured (it timed out on the first pair).
TIMEOUT_GRADE = 63


@dataclass(frozen=True)
class ValidateJob:
    """One solver to validate against every pair of its task."""

    t_n: int
    program: Program
    pairs: tuple[Pair, ...]  # demo pairs first, then test pairs
    n_demo: int
    demo: tuple[tuple[Grid, Grid], ...]
    scored_matches: tuple[bool, ...]  # per pair, from the batch run
    timeout: float | None
    early_exit: bool


@dataclass(frozen=True)
class Validation:
    """What validation recorded for one solver."""

    t_n: int
    status: str
    work: int
    grade: int
    elapsed_ns: int
    pairs_run: int
    disagreements: int


def validate(job: ValidateJob) -> Validation:
    """Validate one solver (see the module docstring for what is recorded)."""
    start = time.perf_counter_ns()
    status = "pass"
    work = -1
    disagreements = 0
    run = 0
    i = 0
    memo = active_memo(job.demo)
    if memo is not None:
        recorded = from_memo(job, memo, start)
        if recorded is not None:
            return recorded
    try:
        with time_limit(job.timeout):
            for i, pair in enumerate(job.pairs):
                value, units = measure_program(job.program, {"I": pair.input, "S": job.demo})
                outcome = value if type(value) is Failure else as_outcome(value, job.program.output)
                run += 1
                if i == 0:
                    work = units
                matched = outcome == pair.output
                disagreements += matched != job.scored_matches[i]
                if i < job.n_demo and not matched and status == "pass":
                    why = outcome.reason if type(outcome) is Failure else "mismatch"
                    status = f"demo[{i}]:{why}"
                    if job.early_exit:
                        break
    except StepTimeout:  # the first failure wins, as for any other failure
        if status == "pass" and i < job.n_demo:
            status = f"demo[{i}]:timeout"
    grade = work.bit_length() if work >= 0 else TIMEOUT_GRADE
    return Validation(job.t_n, status, max(work, 0), grade, time.perf_counter_ns() - start, run, disagreements)


def from_memo(job: ValidateJob, memo: TaskMemo, start: int) -> Validation | None:
    """What `validate` records for `job`, read from the outcomes `memo` scoring kept (None when the memo
    does not hold every pair of this solver: then it runs).

    A program runs its cone's steps in ascending order and stops at its first failing step, which is the
    step its DAG failure names; work on the first pair is one unit per step run plus the size of every
    container produced before it (all steps when the output is merely not a valid grid). A `timeout`
    ends validation where it happens, as the time limit does when the solver runs.
    """
    outcomes = []
    for i, pair in enumerate(job.pairs):
        key = ("demo", i) if i < job.n_demo else ("test", i - job.n_demo)
        got = memo.outcomes.get(key)
        if got is None or got[0] is not pair.input or job.t_n not in got[1]:
            return None
        outcomes.append(got[1][job.t_n])
    if memo.sizes is None or job.n_demo == 0 or not 0 <= job.t_n < len(memo.steps):
        return None
    cone = dependencies(memo.steps, job.t_n)
    # the solver is its batch step's cone (`Batch.program`): the same calls, in the same order
    if len(cone) != len(job.program.steps) or any(
            memo.steps[k].func != step.func for k, step in zip(cone, job.program.steps, strict=True)):
        return None
    status, work, run, disagreements = "pass", -1, 0, 0
    for i, (outcome, pair) in enumerate(zip(outcomes, job.pairs, strict=True)):
        failure = outcome if type(outcome) is Failure else None
        if failure is not None and failure.reason == "timeout":
            if status == "pass" and i < job.n_demo:
                status = f"demo[{i}]:timeout"
            break
        run += 1
        if i == 0:
            work = _work(memo.sizes, cone, failure)
        matched = outcome == pair.output
        disagreements += matched != job.scored_matches[i]
        if i < job.n_demo and not matched and status == "pass":
            status = f"demo[{i}]:{failure.reason if failure is not None else 'mismatch'}"
            if job.early_exit:
                break
    grade = work.bit_length() if work >= 0 else TIMEOUT_GRADE
    return Validation(job.t_n, status, max(work, 0), grade, time.perf_counter_ns() - start, run, disagreements)


def _work(sizes: list[int], cone: list[int], failure: Failure | None) -> int:
    """`measure_program`'s work units on the first demo pair of the program made of the batch steps
    `cone`, from the sizes of the DAG's values."""
    if failure is None or failure.reason.startswith("invalid:"):  # every step ran
        return len(cone) + sum(sizes[k] for k in cone)
    return sum(1 + sizes[k] for k in cone if k < failure.step) + 1


def lost_validation(t_n: int, lost: object) -> Validation:
    """What is recorded for a solver whose worker died (`crashed`) or hung past its deadline (`killed`)."""
    return Validation(t_n, getattr(lost, "reason", "crashed"), 0, TIMEOUT_GRADE, 0, 0, 0)
