"""score_demo / score_test: run the batch on every sample and score each candidate.

Scores (all integers, so results are exact and comparable across variants):
- `o_score[t_n]`: the number of samples (demo and test) on which candidate `t_n` produced exactly the
  expected output.
- `cells[t_n]`: the candidate's partial credit on the demo pairs: for each demo pair whose output has
  the expected shape, the share of cells that match, in permille; summed over demo pairs. It lets
  partial scorers flow on to the elite pool, as they do in real searches.
- `s_score[differ][t_n]`: for each differ, the sum over demo pairs of `differ(expected, candidate)`
  scores (0..1000 each; 0 when the candidate failed or the differ raised).

Candidates that compute the same batch step (`t_n`) are the same candidate; the batch lists them once
per program that reached that step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import eq

from harness import current_span, span
from solver_core.differs import differ_programs, differ_score
from solver_core.generator import Batch
from solver_core.pipeline.evaluate import (
    Failure,
    Outcome,
    Specialised,
    dag_outcome,
    program_outcome,
    run_dag,
    run_program,
)
from solver_core.program import dependencies, renumber
from solver_core.tasks import Pair, Task
from solver_core.types import Grid


@dataclass(frozen=True)
class SampleJob:
    """One sample of a task to score: everything a worker needs."""

    batch: Batch
    kind: str  # "demo" or "test"
    index: int
    pair: Pair
    demo: tuple[tuple[Grid, Grid], ...]
    strategy: str  # "independent" or "shared"
    memo_differs: bool
    step_timeout: float | None = None
    #: "python": matches and cell scores here, per sample; "array": left empty here and computed for all
    #: samples of the phase at once by `batch_scoring.match_samples`
    match: str = "python"


@dataclass(frozen=True)
class SampleScores:
    """Outcomes of every distinct candidate on one sample, with match and differ scores."""

    kind: str
    index: int
    outcomes: Mapping[int, Outcome]
    matched: frozenset[int]
    cells: Mapping[int, int]
    differs: Mapping[str, Mapping[int, int]]


def cell_permille(expected: Grid, got: Outcome) -> int:
    """Share of matching cells in permille; 0 if `got` failed or has another shape."""
    if type(got) is Failure or len(got) != len(expected) or len(got[0]) != len(expected[0]):  # type: ignore[arg-type]
        return 0
    same = sum(len(er) if er == gr else sum(map(eq, er, gr)) for er, gr in zip(expected, got, strict=True))  # type: ignore[arg-type]
    return same * 1000 // (len(expected) * len(expected[0]))


def _run_independent(job: SampleJob, inputs: Mapping[str, object]) -> dict[int, Outcome]:
    """Each candidate's program rebuilt and run on its own, duplicates included (the naive way)."""
    outcomes: dict[int, Outcome] = {}
    for cand in job.batch.candidates:
        outcomes[cand.t_n] = _candidate_outcome(job, cand.t_n, inputs)
    return outcomes


def _run_shared(job: SampleJob, inputs: Mapping[str, object]) -> dict[int, Outcome]:
    """The batch as one DAG: every distinct step computed once for all candidates."""
    wanted = sorted({c.t_n for c in job.batch.candidates})
    values = run_dag(job.batch.steps, inputs, wanted, job.step_timeout)
    return {t_n: dag_outcome(values, t_n) for t_n in wanted}


def _differ_scores(job: SampleJob, outcomes: Mapping[int, Outcome]) -> dict[str, dict[int, int]]:
    """Every differ on (expected output, candidate output) for every candidate with an output."""
    expected = job.pair.output
    result: dict[str, dict[int, int]] = {}
    for name, program in differ_programs().items():
        scores: dict[int, int] = {}
        if job.memo_differs:
            # shared: steps reading only the expected grid run once; each distinct grid is scored once
            differ = Specialised(program, {"I": expected}, ("C",))
            memo: dict[Grid, int] = {}
            for t_n, got in outcomes.items():
                if type(got) is Failure:
                    scores[t_n] = 0
                    continue
                if got not in memo:
                    value = differ({"C": got})
                    memo[got] = 0 if type(value) is Failure else differ_score(value)  # type: ignore[index]
                scores[t_n] = memo[got]  # type: ignore[index]
        else:
            # the naive way: the whole differ for every candidate of the batch, duplicates included
            for cand in job.batch.candidates:
                got = outcomes[cand.t_n]
                if type(got) is Failure:
                    scores[cand.t_n] = 0
                    continue
                value = run_program(program, {"I": expected, "C": got})
                scores[cand.t_n] = 0 if type(value) is Failure else differ_score(value)
        result[name] = scores
    return result


def score_sample(job: SampleJob) -> SampleScores:
    """Run the batch on one sample and score every distinct candidate."""
    inputs = {"I": job.pair.input, "S": job.demo}
    with span("run_batch", strategy=job.strategy):
        run = _run_shared if job.strategy == "shared" else _run_independent
        outcomes = run(job, inputs)
    return finish_sample(job, outcomes)


def evaluate_candidate(item: tuple[SampleJob, int]) -> Outcome:
    """One candidate alone on one sample (the fallback when a whole sample's worker was lost)."""
    job, t_n = item
    return _candidate_outcome(job, t_n, {"I": job.pair.input, "S": job.demo})


def _candidate_outcome(job: SampleJob, t_n: int, inputs: Mapping[str, object]) -> Outcome:
    """Candidate `t_n`'s program (its cone of the batch) run alone; failures in batch numbering."""
    cone = dependencies(job.batch.steps, t_n)
    outcome = program_outcome(renumber(job.batch.steps, cone), inputs, job.step_timeout)
    return Failure(outcome.reason, cone[outcome.step]) if type(outcome) is Failure else outcome


def lost_outcome(reason: str, t_n: int) -> Failure:
    """The recorded failure of a candidate whose worker died (`crashed`) or was killed (`killed`)."""
    return Failure(reason, t_n)


def finish_sample(job: SampleJob, outcomes: Mapping[int, Outcome]) -> SampleScores:
    """Exact matches, cell scores and differ scores of a sample's candidate outcomes."""
    if job.match == "array":  # scored later, with the phase's other samples, in one batch
        matched: frozenset[int] = frozenset()
        cells: dict[int, int] = {}
    else:
        with span("match"):
            expected = job.pair.output
            matched = frozenset(t for t, got in outcomes.items() if got == expected)
            cells = {t: cell_permille(expected, got) for t, got in outcomes.items()} if job.kind == "demo" else {}
    differs: dict[str, dict[int, int]] = {}
    if job.kind == "demo":
        with span("differs", memo=job.memo_differs) as s:
            differs = _differ_scores(job, outcomes)
            s.add("differ_calls", len(differ_programs()) * len(outcomes))
    failures = sum(type(o) is Failure for o in outcomes.values())
    current_span().add("candidate_failures", failures)
    return SampleScores(job.kind, job.index, outcomes, matched, cells, differs)


@dataclass(frozen=True)
class Scores:
    """A task's scores over all samples (see the module docstring for each score)."""

    o_score: Mapping[int, int]
    cells: Mapping[int, int]
    s_score: Mapping[str, Mapping[int, int]]
    samples: tuple[SampleScores, ...]

    def outcomes(self, kind: str, index: int) -> Mapping[int, Outcome]:
        """Outcomes of every candidate on one sample."""
        for s in self.samples:
            if s.kind == kind and s.index == index:
                return s.outcomes
        raise KeyError((kind, index))


def sample_jobs(task: Task, batch: Batch, kind: str, strategy: str, memo_differs: bool,
                step_timeout: float | None = None, match: str = "python") -> list[SampleJob]:
    """One job per demo (or test) pair of the task."""
    pairs = task.demo if kind == "demo" else task.test
    return [SampleJob(batch, kind, i, p, task.demo_samples, strategy, memo_differs, step_timeout, match)
            for i, p in enumerate(pairs)]


def combine(batch: Batch, samples: Sequence[SampleScores]) -> Scores:
    """Sum per-sample results into the task's scores."""
    distinct = sorted({c.t_n for c in batch.candidates})
    o_score = {t: sum(t in s.matched for s in samples) for t in distinct}
    cells = {t: sum(s.cells.get(t, 0) for s in samples) for t in distinct}
    names = list(differ_programs())
    s_score = {n: {t: sum(s.differs[n][t] for s in samples if s.kind == "demo") for t in distinct} for n in names}
    ordered = tuple(sorted(samples, key=lambda s: (s.kind != "demo", s.index)))
    return Scores(o_score, cells, s_score, ordered)

