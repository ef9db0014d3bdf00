"""One task through every phase: `run_batt` -> `check_batt` -> score_demo / score_test ->
phase1_filter -> phase2_inline -> phase3a_validate -> phase3b_file_ops -> phase4_differs.

The phases are declared in `solver_core.pipeline.phases` (names, order, what changes them). Each is
a function here decorated with `span(<phase name>)` (the names are a public contract), so
it shows in the timing tree and, in the profile pass, as a `phase[<name>]` frame. Counters on the
spans say how many candidates went in and came out, and why the others were dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from harness import current_span, span
from solver_core.differs import differ_programs, differ_score
from solver_core.execution import Backend, Lost
from solver_core.generator import Batch, GeneratorConfig, generate_batch
from solver_core.pipeline.evaluate import Failure, run_program
from solver_core.pipeline.filter import Rebuilt, drop_duplicates, rebuild, refuse_hopeless
from solver_core.pipeline.inline import (
    InlineCache,
    InlineTooLarge,
    canonical_direct,
    canonical_source,
    differ_text,
    expand,
    expand_once,
    expand_program,
    md5_text,
)
from solver_core.pipeline.phases import CHECK_BATT
from solver_core.pipeline.score import (
    SampleScores,
    Scores,
    combine,
    evaluate_candidate,
    finish_sample,
    lost_outcome,
    pool_s_scores,
    sample_jobs,
    score_sample,
)
from solver_core.pipeline.validate import ValidateJob, Validation, lost_validation, validate
from solver_core.solvers import library_programs
from solver_core.store import PoolEntry, Store
from solver_core.tasks import Task
from solver_core.variants import Variant


@dataclass(frozen=True)
class RunSettings:
    """Everything a task needs besides the task itself (picklable, sent to workers)."""

    variant: Variant
    out_dir: Path
    seed: int = 0
    #: per-solver validation limit, and per-step limit while scoring, in seconds
    timeout: float | None = 60.0
    generator: GeneratorConfig = field(default_factory=GeneratorConfig)
    cache_dir: Path | None = None
    #: address of an existing Dask scheduler (`tcp://host:port`) for a `dask` task backend; None = a
    #: LocalCluster started and stopped by the run
    scheduler: str | None = None

    @property
    def store(self) -> Store:
        return Store(self.out_dir, check_once=self.variant.text_ops)

    # Deadlines after which a worker is presumed stuck in code SIGALRM cannot interrupt (a loop in C),
    # killed and replaced: generous multiples of `timeout`, so that they never fire on honest work.
    @property
    def solver_deadline(self) -> float | None:
        return 2 * self.timeout + 0.5 if self.timeout else None

    @property
    def sample_deadline(self) -> float | None:
        return 4 * self.timeout if self.timeout else None

    @property
    def task_deadline(self) -> float | None:
        return 20 * self.timeout if self.timeout else None


@dataclass(frozen=True)
class StoredSolver:
    """A member of the task's elite pool after this run, with what validation recorded."""

    md5: str
    o_score: int
    cells: int
    grade: int
    status: str
    s_score: Mapping[str, int]


@dataclass(frozen=True)
class TaskResult:
    """What one task produced: the pool, the differs, the stored names and the counters."""

    task_id: str
    candidates: int
    unique: int
    pool: tuple[StoredSolver, ...]
    d_score: Mapping[str, int]
    stored: tuple[str, ...]
    #: t_n -> (o_score, cells) of every distinct candidate
    scores: Mapping[int, tuple[int, int]]
    #: t_n -> per-sample failure reasons ("" where it produced a grid), for every candidate that failed
    failures: Mapping[int, tuple[str, ...]]
    counters: Mapping[str, int]

    def digest_payload(self) -> dict[str, object]:
        """The part of the result that the run digest covers (no timings)."""
        return {
            "task": self.task_id,
            "candidates": self.candidates,
            "unique": self.unique,
            "pool": [[s.md5, s.o_score, s.cells, s.grade, s.status, dict(sorted(s.s_score.items()))]
                     for s in self.pool],
            "d_score": dict(sorted(self.d_score.items())),
            "stored": list(self.stored),
            "scores": {str(t): list(s) for t, s in sorted(self.scores.items())},
            "failures": {str(t): list(r) for t, r in sorted(self.failures.items())},
        }


@dataclass(frozen=True)
class Inlined:
    """A candidate with its canonical source and identity."""

    rebuilt: Rebuilt
    md5: str
    canonical: str


@dataclass
class Phases:
    """Per-task helpers the phases share: backends and the inline cache."""

    settings: RunSettings
    backends: Mapping[str, Backend]
    cache: InlineCache | None


# ------------------------------------------------------------------------------------- phases
def count(**counts: int) -> None:
    """Add per-task counts to the current span's counters (they sum over the tasks of a run)."""
    handle = current_span()
    for name, n in counts.items():
        handle.add(name, n)



def _score(task: Task, batch: Batch, kind: str, ctx: Phases) -> list[SampleScores]:
    s = ctx.settings
    backend = ctx.backends[s.variant.score_backend]
    jobs = sample_jobs(task, batch, kind, s.variant.scoring, s.variant.memo_differs, s.timeout,
                       s.variant.match_backend, differs=s.variant.differ_scope == "every")
    mapped = backend.map(score_sample, jobs, chunksize=1, deadline=s.sample_deadline)
    handle = current_span()
    count(samples=len(jobs), candidates_in=len(batch.candidates))
    results: list[SampleScores] = []
    for job, result in zip(jobs, mapped, strict=True):
        if isinstance(result, Lost):  # the sample's worker died or hung: each candidate alone
            handle.add("samples_lost")
            distinct = sorted({c.t_n for c in batch.candidates})
            alone = backend.map(evaluate_candidate, [(job, t) for t in distinct], chunksize=1,
                                deadline=s.solver_deadline)
            outcomes = {t: lost_outcome(o.reason, t) if isinstance(o, Lost) else o
                        for t, o in zip(distinct, alone, strict=True)}
            handle.add("candidates_lost", sum(isinstance(o, Lost) for o in alone))
            result = finish_sample(job, outcomes)
        results.append(result)
    if s.variant.match_backend == "array":  # every sample's candidates in one batch (GPU when it pays)
        from solver_core.pipeline.batch_scoring import match_samples

        results = match_samples(jobs, results)
    return results


@span("score_demo")
def score_demo(task: Task, batch: Batch, ctx: Phases) -> list[SampleScores]:
    """Run the batch on every demo pair; exact matches, cell scores and differ scores."""
    return _score(task, batch, "demo", ctx)


@span("score_test")
def score_test(task: Task, batch: Batch, ctx: Phases) -> list[SampleScores]:
    """Run the batch on every test pair; exact matches."""
    return _score(task, batch, "test", ctx)


@span("phase1_filter")
def phase1_filter(task: Task, batch: Batch, scores: Scores, ctx: Phases) -> list[Rebuilt]:
    """Rebuild every candidate's program; with the early filter, drop duplicates and hopeless ones."""
    rebuilt = rebuild(batch, scores, once=ctx.settings.variant.text_ops)
    if not ctx.settings.variant.early_filter:
        count(candidates_in=len(rebuilt), candidates_out=len(rebuilt))
        return rebuilt
    unique = drop_duplicates(rebuilt)
    kept = refuse_hopeless(unique, ctx.settings.store.load_pool(task.id), bisect=ctx.settings.variant.text_ops)
    count(candidates_in=len(rebuilt), duplicates=len(rebuilt) - len(unique), refused=len(unique) - len(kept),
          candidates_out=len(kept))
    return kept


@span("phase2_inline")
def phase2_inline(candidates: Sequence[Rebuilt], ctx: Phases) -> list[Inlined]:
    """Inline every candidate to its canonical source; refuse blow-ups with a recorded reason."""
    out = []
    too_large = 0
    direct = ctx.settings.variant.text_ops
    cache = None if direct else ctx.cache  # the text from the DAG is cheaper than a cache look-up
    hits, misses = (cache.hits, cache.misses) if cache else (0, 0)
    for c in candidates:
        try:
            text = canonical_direct(c.program) if direct else \
                cache.canonical(c.program) if cache else canonical_source(c.program)
        except InlineTooLarge:
            too_large += 1
            continue
        out.append(Inlined(c, md5_text(text), text))
    count(candidates_in=len(candidates), candidates_out=len(out), too_large=too_large)
    if cache:
        count(cache_hits=cache.hits - hits, cache_misses=cache.misses - misses,
              cache_files_written=cache.flush())
    return out


@span("phase3a_validate")
def phase3a_validate(task: Task, inlined: Sequence[Inlined], scores: Scores, ctx: Phases) -> list[Validation]:
    """Run every solver on all pairs under a time limit; record status, work and grade."""
    s = ctx.settings
    pairs = task.samples
    sample_keys = [("demo", i) for i in range(len(task.demo))] + [("test", i) for i in range(len(task.test))]
    outcomes = [scores.outcomes(kind, i) for kind, i in sample_keys]
    jobs = [ValidateJob(c.rebuilt.t_n, c.rebuilt.program, pairs, len(task.demo), task.demo_samples,
                        tuple(o[c.rebuilt.t_n] == p.output for o, p in zip(outcomes, pairs, strict=True)),
                        s.timeout, s.variant.early_exit) for c in inlined]
    mapped = ctx.backends[s.variant.validate_backend].map(validate, jobs, deadline=s.solver_deadline)
    results = [lost_validation(job.t_n, r) if isinstance(r, Lost) else r for job, r in zip(jobs, mapped, strict=True)]
    count(candidates_in=len(jobs), candidates_out=len(results),
          passed=sum(r.status == "pass" for r in results),
          timeouts=sum(r.status.endswith("timeout") or r.status == "killed" for r in results),
          crashed=sum(r.status == "crashed" for r in results),
          errors=sum(":error:" in r.status for r in results),
          disagreements=sum(r.disagreements for r in results),
          pairs_run=sum(r.pairs_run for r in results))
    return results


@span("phase3b_file_ops")
def phase3b_file_ops(task: Task, inlined: Sequence[Inlined], validations: Sequence[Validation],
                     ctx: Phases) -> tuple[PoolEntry, ...]:
    """Write the winners to the content-addressed store and update the task's elite pool."""
    naive = not ctx.settings.variant.early_filter
    lazy = ctx.settings.variant.text_ops and not naive  # made from the DAG only if the pool takes it
    offered = [(PoolEntry(c.md5, c.rebuilt.o_score, c.rebuilt.cells, v.grade),
                partial(expand_program, c.rebuilt.program) if lazy else expand(c.canonical))
               for c, v in zip(inlined, validations, strict=True)]
    update = ctx.settings.store.update_pool(task.id, offered, write_all=naive)
    count(candidates_in=len(offered), candidates_out=len(update.kept), added=len(update.added),
                       evicted=len(update.evicted), files_written=update.files_written)
    return update.kept


@span("phase4_differs")
def phase4_differs(task: Task, pool: Sequence[PoolEntry], by_md5: Mapping[str, Inlined], scores: Scores,
                   ctx: Phases) -> tuple[dict[str, int], dict[str, dict[str, int]], Scores]:
    """Store every differ under the task, with its d_score and the pool members' s_scores (computed here for
    them alone with `differ_scope` "pool"); returns the scores with those s_scores."""
    store = ctx.settings.store
    if ctx.settings.variant.differ_scope == "pool":
        scores = pool_s_scores(scores, task.demo, [by_md5[e.md5].rebuilt.t_n for e in pool if e.md5 in by_md5])
    d_score: dict[str, int] = {}
    s_scores: dict[str, dict[str, int]] = {}
    written = 0
    direct = ctx.settings.variant.text_ops  # the differs' texts: made once per process
    for name, program in differ_programs().items():
        params = ("I", "C")
        text = differ_text(program, params) if direct else \
            ctx.cache.canonical(program, params) if ctx.cache else canonical_source(program, params)
        md5 = md5_text(text)
        values = [run_program(program, {"I": p.input, "C": p.output}) for p in task.demo]
        d = sum(0 if type(v) is Failure else differ_score(v) for v in values) // len(values)
        d_score[name] = d
        source = expand_once(text, f"differ {name}") if direct else expand(text, where=f"differ {name}")
        written += store.write_differ(task.id, md5, source, d)
        s_scores[md5] = {e.md5: scores.s_score[name][by_md5[e.md5].rebuilt.t_n] for e in pool if e.md5 in by_md5}
    store.write_differ_scores(task.id, s_scores)
    count(differs=len(d_score), files_written=written + 1)
    return d_score, s_scores, scores


# ------------------------------------------------------------------------------------ per task
@dataclass
class Checked:
    """What `check_batt`'s phases have produced so far: each step reads earlier fields and sets its own."""

    task: Task
    batch: Batch
    ctx: Phases
    samples: list[SampleScores] = field(default_factory=list)
    scores: Scores | None = None
    rebuilt: list[Rebuilt] = field(default_factory=list)
    inlined: list[Inlined] = field(default_factory=list)
    validations: list[Validation] = field(default_factory=list)
    pool: tuple[PoolEntry, ...] = ()
    d_score: dict[str, int] = field(default_factory=dict)

    @property
    def scored(self) -> Scores:
        assert self.scores is not None, "score_test combines the scores before the later phases run"
        return self.scores

    @property
    def by_md5(self) -> dict[str, Inlined]:
        return {c.md5: c for c in self.inlined}


def _score_demo(c: Checked) -> None:
    c.samples += score_demo(c.task, c.batch, c.ctx)


def _score_test(c: Checked) -> None:
    c.samples += score_test(c.task, c.batch, c.ctx)
    c.scores = combine(c.batch, c.samples)


def _phase1_filter(c: Checked) -> None:
    c.rebuilt = phase1_filter(c.task, c.batch, c.scored, c.ctx)


def _phase2_inline(c: Checked) -> None:
    c.inlined = phase2_inline(c.rebuilt, c.ctx)


def _phase3a_validate(c: Checked) -> None:
    c.validations = phase3a_validate(c.task, c.inlined, c.scored, c.ctx)


def _phase3b_file_ops(c: Checked) -> None:
    c.pool = phase3b_file_ops(c.task, c.inlined, c.validations, c.ctx)


def _phase4_differs(c: Checked) -> None:
    c.d_score, _, c.scores = phase4_differs(c.task, c.pool, c.by_md5, c.scored, c.ctx)


#: How each phase of `check_batt` (`phases.CHECK_BATT`, in that order) reads and extends the state.
#: The phase functions are looked up when called, so that a test can wrap them.
STEPS: dict[str, Callable[[Checked], None]] = {
    "score_demo": _score_demo, "score_test": _score_test, "phase1_filter": _phase1_filter,
    "phase2_inline": _phase2_inline, "phase3a_validate": _phase3a_validate, "phase3b_file_ops": _phase3b_file_ops,
    "phase4_differs": _phase4_differs,
}
if set(STEPS) != set(CHECK_BATT):  # a phase declared in phases.py without a step here, or the reverse
    raise RuntimeError(f"check_batt steps {sorted(STEPS)} do not match the declared phases {sorted(CHECK_BATT)}")


def _task_result(c: Checked) -> TaskResult:
    scores, by_md5 = c.scored, c.by_md5
    status = {i.md5: v.status for i, v in zip(c.inlined, c.validations, strict=True)}
    store = c.ctx.settings.store
    names = list(differ_programs())
    solvers = tuple(
        StoredSolver(e.md5, e.o_score, e.cells, e.grade, status.get(e.md5, "stored"),
                     {n: scores.s_score[n][by_md5[e.md5].rebuilt.t_n] for n in names} if e.md5 in by_md5 else {})
        for e in c.pool)
    stored = sorted(str(store.solver_link(c.task.id, e).relative_to(store.root)) for e in c.pool)
    # identical programs share their output step (common-subexpression elimination)
    unique = len({x.t_n for x in c.batch.candidates})
    candidate_scores = {t: (scores.o_score[t], scores.cells[t]) for t in scores.o_score}
    return TaskResult(c.task.id, len(c.batch.candidates), unique, solvers, c.d_score, tuple(stored),
                      candidate_scores, failure_reasons(scores), {})


@span("check_batt")
def check_batt(task: Task, batch: Batch, ctx: Phases) -> TaskResult:
    """Score the batch, then filter, inline, validate and store its candidates (the phases of
    `phases.CHECK_BATT`, in order)."""
    checked = Checked(task, batch, ctx)
    for phase in CHECK_BATT:
        STEPS[phase](checked)
    return _task_result(checked)


def failure_reasons(scores: Scores) -> dict[int, tuple[str, ...]]:
    """Per failing candidate, its failure reason on every sample (demo pairs first)."""
    out: dict[int, tuple[str, ...]] = {}
    for t_n in scores.o_score:
        reasons = tuple(o.reason if isinstance(o := s.outcomes[t_n], Failure) else "" for s in scores.samples)
        if any(reasons):
            out[t_n] = reasons
    return out


@span("run_batt")
def run_batt(task: Task, ctx: Phases) -> TaskResult:
    """Generate the task's batch of candidates and run every phase on it."""
    with span("generate"):
        batch = generate_batch(task.id, library_programs(), ctx.settings.seed, ctx.settings.generator)
        count(parents=len(batch.parents), candidates=len(batch.candidates), steps=len(batch.steps))
    return check_batt(task, batch, ctx)
