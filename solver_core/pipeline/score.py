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

Strategies: `independent` (each candidate's program on its own), `shared` (the batch as one DAG per
sample) and `memo` (the shared DAG through the task's `TaskMemo`: steps that read only `S` and
constants run once per task instead of once per sample, and validation reads the DAG's outcomes back
instead of running every solver again) and `lean` (`memo` with the cyclic garbage collector paused
while a sample runs, and every differ of a sample in one `DifferDag`); `timer`, `plan` and `nested` are
`lean` with cheaper machinery (one step timer per DAG; the batch resolved once per task; a few primitives
memoised by identity where they run inside others: `nested.NestedMemo`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from operator import eq
from typing import Any

from harness import current_span, span
from solver_core.containment import is_interrupt
from solver_core.differs import differ_programs, differ_score
from solver_core.generator import Batch
from solver_core.generator import merge as merge_programs
from solver_core.pipeline.evaluate import (
    CANDIDATE_ERRORS,
    DagPlan,
    Failure,
    Outcome,
    Specialised,
    StepTimeout,
    compile_steps,
    dag_outcome,
    plan_dag,
    program_outcome,
    run_dag,
    run_plan,
    run_program,
)
from solver_core.pipeline.nested import NestedMemo
from solver_core.program import Step, dependencies, namespace, primitives, renumber
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
    strategy: str  # "independent", "shared" or "memo"
    memo_differs: bool
    step_timeout: float | None = None
    #: "python": matches and cell scores here, per sample; "array": left empty here and computed for all
    #: samples of the phase at once by `batch_scoring.match_samples`
    match: str = "python"
    #: a demo sample's differ scores computed here (False: later, for the pool's members only: `pool_s_scores`)
    differs: bool = True


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
    if type(got) is Failure or len(got) != len(expected) or len(got[0]) != len(expected[0]):  # type: ignore[arg-type, index]
        return 0
    same = sum(len(er) if er == gr else sum(map(eq, er, gr)) for er, gr in zip(expected, got, strict=True))  # type: ignore[arg-type, misc]
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


def _run_memo(job: SampleJob, inputs: Mapping[str, object]) -> dict[int, Outcome]:
    """The shared DAG through the task's `TaskMemo` (steps of `S` and constants once per task); the
    outcomes (and, on the first demo pair, the size of every value) are kept for validation."""
    memo = task_memo(job.demo, job.batch.steps)
    wanted = sorted({c.t_n for c in job.batch.candidates})
    hits, misses = memo.hits, memo.misses
    if job.strategy in PLAN_STRATEGIES:
        try:
            values = run_plan(memo.plan(wanted, job.strategy in NESTED_STRATEGIES), {**inputs, "S": memo.demo},
                              job.step_timeout)
        finally:
            if memo.nested is not None:
                memo.nested.clear()  # its table pins this DAG's values: one DAG at a time
    else:
        values = run_dag(job.batch.steps, {**inputs, "S": memo.demo}, wanted, job.step_timeout, memo.calls,
                         lazy_alarm=job.strategy in LAZY_ALARM_STRATEGIES)
    handle = current_span()
    handle.add("memo_hits", memo.hits - hits)
    handle.add("memo_misses", memo.misses - misses)
    outcomes = {t_n: dag_outcome(values, t_n) for t_n in wanted}
    memo.outcomes[(job.kind, job.index)] = (job.pair.input, outcomes)
    if job.kind == "demo" and job.index == 0:
        memo.sizes = [len(v) if isinstance(v, (tuple, frozenset)) else 0 for v in values]
    return outcomes


def _differ_scores(job: SampleJob, outcomes: Mapping[int, Outcome]) -> dict[str, dict[int, int]]:
    """Every differ on (expected output, candidate output) for every candidate with an output."""
    expected = job.pair.output
    if job.strategy in LEAN_STRATEGIES:
        return _merged_differ_scores(expected, outcomes)
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


@cache
def _differ_dag() -> tuple[tuple[Step, ...], dict[str, int]]:
    """Every differ in one step list with identical calls shared (`shape(C)`, `mostcolor(C)`, ...), and
    each differ's output step."""
    programs = differ_programs()
    steps, outputs = merge_programs(list(programs.values()))
    return steps, dict(zip(programs, outputs, strict=True))


class _Failed:
    """A differ step that raised (its differ scores 0, as a `Failure` does)."""


_FAILED = _Failed()


class DifferDag:
    """Every differ against one expected grid `I` as one DAG (`lean` scoring): the steps that read only
    `I` run once; per candidate grid `C`, each step reading `C` runs once for all the differs that share
    it, in one generated function (`_free_function`: no interpreter loop per step). A differ scores 0 when
    any step of its program raised (the program would have stopped there with a `Failure`, which scores
    0), else `differ_score` of its output: what `Specialised` gives one differ at a time."""

    def __init__(self, expected: Grid) -> None:
        steps, _ = _differ_dag()
        self._expected = expected
        compiled = compile_steps(steps, {"I": expected, "C": _FAILED})  # `_FAILED` marks the free input
        self._fixed: list[object] = []
        for fn, args in compiled:
            if _reads_c(args, self._fixed):
                self._fixed.append(_FREE)
            else:
                self._fixed.append(_step(fn, [self._fixed[a] if kind == "s" else a for kind, a in args]))  # type: ignore[index, call-overload]

    def scores(self, grid: Grid) -> tuple[int, ...]:
        """Each differ's score of `grid`, in `differ_programs` order."""
        outputs = _free_function()(self._expected, grid, self._fixed)
        return tuple(0 if v is _FAILED else differ_score(v) for v in outputs)


_FREE = object()  # a fixed-value slot of a step that reads `C`


def _reads_c(args: tuple[tuple[str, object], ...], fixed: list[object]) -> bool:
    return any((kind == "s" and fixed[a] is _FREE) or (kind == "v" and a is _FAILED) for kind, a in args)  # type: ignore[index, call-overload]


def _step(fn: Callable[..., object], args: list[object]) -> object:
    """One differ step: `_FAILED` when an argument failed or the call raised."""
    if any(a is _FAILED for a in args):
        return _FAILED
    try:
        return fn(*args)
    except StepTimeout:
        raise
    except CANDIDATE_ERRORS as exc:
        if is_interrupt(exc):  # a real Ctrl-C stops the run
            raise
        return _FAILED


_I_MARK, _C_MARK = object(), object()


@cache
def _free_function() -> Callable[[Grid, Grid, list[object]], tuple[object, ...]]:
    """`f(I, C, fixed)`: the outputs of every differ, computing the steps that read `C` as straight-line
    code (generated once from `_differ_dag`); `fixed[k]` holds the value of each step reading only `I`."""
    steps, outputs = _differ_dag()
    compiled = compile_steps(steps, {"I": _I_MARK, "C": _C_MARK})
    env: dict[str, object] = {"F": _FAILED, "StepTimeout": StepTimeout, "is_interrupt": is_interrupt}
    free: set[int] = set()
    lines = ["def differ_outputs(I, C, X):"]
    for k, (fn, args) in enumerate(compiled):
        if not any((kind == "s" and a in free) or a is _C_MARK for kind, a in args):
            lines.append(f"    x{k} = X[{k}]")
            continue
        free.add(k)
        env[f"f{k}"] = fn
        names, may_fail = [], []
        for p, (kind, a) in enumerate(args):
            if kind == "s":
                names.append(f"x{a}")
                may_fail.append(f"x{a} is F")
            elif a is _C_MARK or a is _I_MARK:
                names.append("C" if a is _C_MARK else "I")
            else:
                env[f"c{k}_{p}"] = a
                names.append(f"c{k}_{p}")
        call = f"f{k}({', '.join(names)})"
        if may_fail:
            lines += [f"    if {' or '.join(may_fail)}:", f"        x{k} = F", "    else:"]
        pad = "        " if may_fail else "    "
        lines += [f"{pad}try:", f"{pad}    x{k} = {call}", f"{pad}except BaseException as e:",
                  f"{pad}    if isinstance(e, StepTimeout) or is_interrupt(e):", f"{pad}        raise",
                  f"{pad}    x{k} = F"]
    lines.append(f"    return ({''.join(f'x{o}, ' for o in outputs.values())})")
    exec(compile("\n".join(lines) + "\n", "<differ dag>", "exec"), env)  # noqa: S102 - generated from the differs
    return env["differ_outputs"]  # type: ignore[return-value]


def _merged_differ_scores(expected: Grid, outcomes: Mapping[int, Outcome]) -> dict[str, dict[int, int]]:
    """`_differ_scores` through one `DifferDag`: each distinct grid scored once (by identity, then value)."""
    dag = DifferDag(expected)
    names = list(differ_programs())
    zero = (0,) * len(names)
    by_id: dict[int, tuple[int, ...]] = {}
    by_value: dict[Grid, tuple[int, ...]] = {}
    per_candidate: dict[int, tuple[int, ...]] = {}
    for t_n, got in outcomes.items():
        if type(got) is Failure:
            per_candidate[t_n] = zero
            continue
        found = by_id.get(id(got))
        if found is None:
            found = by_value.get(got)  # type: ignore[arg-type]
            if found is None:
                found = by_value[got] = dag.scores(got)  # type: ignore[index, arg-type]
            by_id[id(got)] = found
        per_candidate[t_n] = found
    return {name: {t_n: s[n] for t_n, s in per_candidate.items()} for n, name in enumerate(names)}


def score_sample(job: SampleJob) -> SampleScores:
    """Run the batch on one sample and score every distinct candidate."""
    inputs = {"I": job.pair.input, "S": job.demo}
    with gc_paused(job.strategy in LEAN_STRATEGIES):
        with span("run_batch", strategy=job.strategy):
            if job.strategy not in MEMO_STRATEGIES:
                drop_memo()
            run = _run_memo if job.strategy in MEMO_STRATEGIES else {"shared": _run_shared}.get(
                job.strategy, _run_independent)
            outcomes = run(job, inputs)
        return finish_sample(job, outcomes)


@contextmanager
def gc_paused(pause: bool = True) -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (`lean` scoring). The primitives build no
    reference cycles, so reference counting frees all they allocate; what the collector would find is
    left for its next run after the block. Its passes over the many tuples and frozensets a DAG builds
    cost 10-15% of scoring's CPU time."""
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


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
    if job.kind == "demo" and job.differs:
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
                step_timeout: float | None = None, match: str = "python", differs: bool = True) -> list[SampleJob]:
    """One job per demo (or test) pair of the task."""
    pairs = task.demo if kind == "demo" else task.test
    return [SampleJob(batch, kind, i, p, task.demo_samples, strategy, memo_differs, step_timeout, match, differs)
            for i, p in enumerate(pairs)]


def combine(batch: Batch, samples: Sequence[SampleScores]) -> Scores:
    """Sum per-sample results into the task's scores (`s_score` left empty when the demo samples were scored
    without differs: `pool_s_scores` adds it for the candidates that need it)."""
    distinct = sorted({c.t_n for c in batch.candidates})
    o_score = {t: sum(t in s.matched for s in samples) for t in distinct}
    cells = {t: sum(s.cells.get(t, 0) for s in samples) for t in distinct}
    names = list(differ_programs())
    demo = [s for s in samples if s.kind == "demo"]
    scored = distinct if all(s.differs for s in demo) else []
    s_score = {n: {t: sum(s.differs[n][t] for s in demo) for t in scored} for n in names}
    ordered = tuple(sorted(samples, key=lambda s: (s.kind != "demo", s.index)))
    return Scores(o_score, cells, s_score, ordered)


def pool_s_scores(scores: Scores, demo: Sequence[Pair], members: Sequence[int]) -> Scores:
    """`scores` with the `s_score` of `members` (the candidates an elite pool keeps) computed from their demo
    outcomes: what `combine` gives them when every demo sample was scored with its differs (`differ_scope`
    "pool": the differs run for these candidates only, one `DifferDag` per demo pair)."""
    names = list(differ_programs())
    wanted = sorted(set(members))
    s_score = {n: dict.fromkeys(wanted, 0) for n in names}
    with span("differs", scope="pool") as s:
        for i, pair in enumerate(demo):
            outcomes = scores.outcomes("demo", i)
            per = _merged_differ_scores(pair.output, {t: outcomes[t] for t in wanted})
            for n in names:
                totals, got = s_score[n], per[n]
                for t in wanted:
                    totals[t] += got[t]
        s.add("differ_calls", len(names) * len(wanted) * len(demo))
    return replace(scores, s_score=s_score)


# ------------------------------------------------------------------------------------ memo
#: Exceptions never memoised: they depend on the clock, the stack depth or the memory left, not only on
#: the arguments (the call runs again when it is met again).
_UNSTABLE: tuple[type[BaseException], ...] = (StepTimeout, RecursionError, MemoryError)
#: Scoring strategies that keep a `TaskMemo` (`lean`: `memo` with the cyclic garbage collector paused).
#: Each later strategy includes the earlier ones: `timer` is `lean` with one step timer per DAG
#: (`evaluate.LazyStepAlarm`), `plan` is `timer` with the batch resolved once per task
#: (`TaskMemo.plan`, `evaluate.run_plan`), `nested` is `plan` with a few primitives memoised where they run
#: inside other primitives (`nested.NestedMemo`).
MEMO_STRATEGIES = ("memo", "lean", "timer", "plan", "nested")
LEAN_STRATEGIES = MEMO_STRATEGIES[1:]
LAZY_ALARM_STRATEGIES = MEMO_STRATEGIES[2:]
PLAN_STRATEGIES = MEMO_STRATEGIES[3:]
NESTED_STRATEGIES = MEMO_STRATEGIES[4:]


class TaskMemo:
    """What `memo` scoring keeps of the task this process is working on.

    - `calls`: the primitives wrapped so that a call whose arguments are all *stable* objects (the
      task's `S`, constants, primitives, or results of such calls) runs once per task: the steps that
      read only `S` and constants are computed for the first sample and found again by the others.
      The key is the primitive and the identity of each argument; a result is pinned with its
      arguments, so no `id` is reused while the memo lives. A call that raised raises an exception of
      the same name again (the same `Failure` follows: a fresh one, so that no traceback pins a DAG's
      values), except those of `_UNSTABLE`, which are never stored. Calls that read a
      sample's own data (`I` and what comes from it) are never stored: memory stays that of one DAG.
    - `outcomes`: every sample's candidate outcomes, and `sizes`: the size of every step's value on the
      first demo pair; validation reads them back instead of running every solver again
      (`validate.validate`): same statuses, same work units, same grades.
    """

    def __init__(self, demo: tuple[tuple[Grid, Grid], ...], steps: tuple[Step, ...]) -> None:
        #: the task's demo pairs as `S`: every DAG of the task reads this one object
        self.demo = demo
        self.steps = steps
        self.hits = 0
        self.misses = 0
        self.outcomes: dict[tuple[str, int], tuple[Grid, Mapping[int, Outcome]]] = {}
        self.sizes: list[int] | None = None
        self._table: dict[tuple[Any, ...], tuple[Any, str | None, tuple[Any, ...]]] = {}
        names = namespace()
        self._stable: set[int] = {id(v) for v in names.values()} | {id(demo)}
        self.calls: dict[str, Callable[..., object]] = {n: self._wrap(fn) for n, fn in primitives().items()}
        self._plans: dict[tuple[tuple[int, ...], bool], DagPlan] = {}
        #: `nested` scoring: the wrappers its plans' arguments name (made at the first such plan)
        self.nested: NestedMemo | None = None

    def plan(self, wanted: Sequence[int], nested: bool = False) -> DagPlan:
        """The task's batch resolved once for every sample (`plan` scoring): steps of `S` and constants
        through `calls`, every other step straight to its primitive; `nested`: arguments naming one of
        `nested.NESTED` get its memoising wrapper (`nested` scoring; `self.nested.clear()` after each DAG)."""
        key = (tuple(wanted), nested)
        found = self._plans.get(key)
        if found is None:
            values = None
            if nested:
                if self.nested is None:
                    self.nested = NestedMemo()
                    self._stable.update(id(v) for v in self.nested.values.values())  # constants, as the primitives
                values = self.nested.values
            found = self._plans[key] = plan_dag(self.steps, ("I", "S"), key[0], self.calls, ("S",), values)
        return found

    def owns(self, demo: Sequence[tuple[Grid, Grid]], steps: tuple[Step, ...] | None = None) -> bool:
        """Whether `demo` holds the same grid objects as this memo's task (`Task.demo_samples` builds a
        new tuple at every call, around the same grids), and `steps` (if given) is its batch."""
        mine = self.demo
        if steps is not None and steps is not self.steps:
            return False
        return demo is mine or (len(demo) == len(mine) and all(
            a[0] is b[0] and a[1] is b[1] for a, b in zip(demo, mine, strict=True)))

    def _wrap(self, fn: Callable[..., object]) -> Callable[..., object]:
        table, stable, memo = self._table, self._stable, self

        def memoised(*args: object) -> object:
            for a in args:
                if id(a) not in stable:
                    return fn(*args)
            key = (fn, *map(id, args))
            hit = table.get(key)
            if hit is not None:
                memo.hits += 1
                if hit[1] is not None:
                    raise _replay(hit[1])()
                return hit[0]
            memo.misses += 1
            try:
                value = fn(*args)
            except _UNSTABLE:
                raise
            except Exception as exc:  # the candidate's failure, the same at every meeting
                table[key] = (None, type(exc).__name__, args)
                raise
            table[key] = (value, None, args)
            stable.add(id(value))
            return value

        memoised.__name__ = getattr(fn, "__name__", "memoised")
        return memoised


@cache
def _replay(name: str) -> type[Exception]:
    """An exception class named like the one a memoised call raised (a `Failure` reads only the name)."""
    return type(name, (Exception,), {"__module__": __name__})


_ACTIVE: list[TaskMemo] = []  # at most one: the memo of the task this process is working on


def task_memo(demo: tuple[tuple[Grid, Grid], ...], steps: tuple[Step, ...]) -> TaskMemo:
    """The memo of the task whose demo pairs are `demo` and batch `steps`, created (and the previous
    task's dropped) when this process meets a new task."""
    if not (_ACTIVE and _ACTIVE[0].owns(demo, steps)):
        _ACTIVE[:] = [TaskMemo(demo, steps)]
    return _ACTIVE[0]


def active_memo(demo: Sequence[tuple[Grid, Grid]]) -> TaskMemo | None:
    """The memo `memo` scoring left for this task in this process, if any (validation reads it)."""
    return _ACTIVE[0] if _ACTIVE and _ACTIVE[0].owns(demo) else None


def drop_memo() -> None:
    """Forget the active memo (its results and pinned arguments)."""
    _ACTIVE.clear()
