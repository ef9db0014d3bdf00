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
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from solver_core.pipeline.evaluate import Failure, StepTimeout, as_outcome, measure_program, time_limit
from solver_core.program import Program
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


def lost_validation(t_n: int, lost: object) -> Validation:
    """What is recorded for a solver whose worker died (`crashed`) or hung past its deadline (`killed`)."""
    return Validation(t_n, getattr(lost, "reason", "crashed"), 0, TIMEOUT_GRADE, 0, 0, 0)
