"""Helpers of the ``bench/`` suites: the benchmark workload, per-phase and end-to-end benchmarking.

Imported by ``bench/conftest.py`` (fixtures and hooks) and the ``bench_*.py`` modules.
"""

from __future__ import annotations

import gc
import math
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from harness import Recorder
from harness.benchjson import extra_info


def _env_list(name: str, default: str) -> list[str]:
    return [x.strip() for x in os.environ.get(name, default).split(",") if x.strip()]


#: Environment variables with a bad value, one line each; `check_environment` (called by
#: ``bench/conftest.py`` before any benchmark runs) turns them into one usage error.
ENV_PROBLEMS: list[str] = []


def _env_number(name: str, default: str, kind: type[int] | type[float], minimum: float) -> Any:
    """A number from the environment (`default` when unset); a bad one is noted in `ENV_PROBLEMS`
    (the default stands in until `check_environment` refuses it)."""
    text = os.environ.get(name, "").strip() or default
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not value >= minimum:
        ENV_PROBLEMS.append(f"{name}={text}: expected {'an integer' if kind is int else 'a number'} >= {minimum:g}")
        return kind(default)
    return value


BENCH_TASKS = tuple(_env_list("PHASEBENCH_BENCH_TASKS", "007bbfb7,00d62c1b"))
BENCH_PARENTS = _env_number("PHASEBENCH_BENCH_PARENTS", "16", int, 1)
BENCH_MUTANTS = _env_number("PHASEBENCH_BENCH_MUTANTS", "4", int, 1)
BENCH_SEED = 0
BENCH_TIMEOUT = 5.0
#: ``PHASEBENCH_BENCH_ROUNDS``: every benchmark runs exactly this many rounds (None: unset)
ROUNDS_OVERRIDE: str | None = None
if os.environ.get("PHASEBENCH_BENCH_ROUNDS", "").strip():
    ROUNDS_OVERRIDE = str(_env_number("PHASEBENCH_BENCH_ROUNDS", "1", int, 1))
#: Worker processes of the end-to-end runs: 1 by default, so that a parallel variant's time measures its
#: algorithms, not how many cores are free at that moment (with 2 workers a neighbour's burst moved
#: `fast`'s time by several times between two sessions; the gate runs with one worker for the same reason).
BENCH_WORKERS = _env_number("PHASEBENCH_BENCH_WORKERS", "1", int, 1)
#: Warm-up rounds of the pipeline benchmarks (first calls: imports in workers, caches, page cache); they
#: also time a round for `spread_rounds`.
WARMUP_ROUNDS = 2
#: At most this many rounds of a pipeline benchmark (each round also pays an untimed setup).
MAX_PIPELINE_ROUNDS = 40


#: Where the pipeline benchmarks write their stores: ``PHASEBENCH_BENCH_SCRATCH``, else a RAM-backed
#: ``/dev/shm`` where there is one, else the system's temporary folder. On disk, the pool's durable
#: commits (fsync) made phase3b_file_ops and phase4_differs measure the disk: two quiet sessions of an
#: unchanged tree differed by up to +173% there (17 of 33 pipeline benchmarks beyond 15%), on /dev/shm by
#: at most 11% (none beyond 15%). Set it to a disk folder to benchmark the disk on purpose.
SCRATCH_ENV = "PHASEBENCH_BENCH_SCRATCH"


def check_environment() -> None:
    """Refuse bad ``PHASEBENCH_BENCH_*`` values before any benchmark runs: one `pytest.UsageError`
    naming each variable and value."""
    problems = list(ENV_PROBLEMS)
    try:
        scratch_parent()
    except pytest.UsageError as exc:
        problems.append(str(exc))
    if problems:
        raise pytest.UsageError("; ".join(problems))


def scratch_parent() -> str | None:
    """The folder under which the benchmark scratch folder is made (None: the system's temporary folder)."""
    chosen = os.environ.get(SCRATCH_ENV)
    if chosen:
        if not os.path.isdir(chosen) or not os.access(chosen, os.W_OK):
            raise pytest.UsageError(f"{SCRATCH_ENV}={chosen}: not a writable folder")
        return chosen
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def bench_rounds(default: int) -> int:
    """Rounds of a benchmark: its default, or ``PHASEBENCH_BENCH_ROUNDS``."""
    return max(1, int(ROUNDS_OVERRIDE)) if ROUNDS_OVERRIDE else default


#: Each benchmark measures for at least this long, seconds (``PHASEBENCH_BENCH_MIN_TIME``): its rounds are
#: spread over that time, so that a burst of a neighbour's work (tens to hundreds of ms on a shared host)
#: reaches fewer than half of them and cannot move the median. With fixed rounds, many benchmarks measured
#: for 1-25 ms in all; two quiet sessions of an unchanged tree then differed by +20% on one of them.
MIN_MEASURE_S = _env_number("PHASEBENCH_BENCH_MIN_TIME", "0.5", float, 0)


def spread_rounds(one_round_s: float, minimum: int, maximum: int) -> int:
    """Rounds for a benchmark whose round takes `one_round_s`: enough to measure `MIN_MEASURE_S` seconds,
    within ``[minimum, maximum]``; exactly ``PHASEBENCH_BENCH_ROUNDS`` when that is set."""
    if ROUNDS_OVERRIDE:
        return bench_rounds(minimum)
    wanted = math.ceil(MIN_MEASURE_S / max(one_round_s, 1e-9))
    return max(minimum, min(maximum, wanted))


def time_one_round(fn: Callable[..., Any], setup: Callable[[], Any] | None = None, calls: int = 2) -> float:
    """Seconds of one call of `fn` (after `setup()`, not timed), the fastest of `calls` calls (the first one
    is cold: imports, caches): the estimate `spread_rounds` needs."""
    best = math.inf
    for _ in range(calls):
        args = setup() if setup is not None else None
        t0 = time.perf_counter()
        if args is None:
            fn()
        else:
            fn(*args[0], **args[1])
        best = min(best, time.perf_counter() - t0)
    return best


def bench_variants() -> list[str]:
    from solver_core.variants import VARIANTS

    wanted = _env_list("PHASEBENCH_BENCH_VARIANTS", ",".join(VARIANTS))
    unknown = [v for v in wanted if v not in VARIANTS]
    if unknown:
        raise pytest.UsageError(f"PHASEBENCH_BENCH_VARIANTS: unknown variant(s) {', '.join(unknown)}")
    return wanted


# ------------------------------------------------------------------------------------ workload
@dataclass(frozen=True)
class BenchWorkload:
    """The tasks and generator settings every pipeline benchmark runs."""

    tasks: tuple[Any, ...]
    parents: int
    mutants: int
    seed: int = BENCH_SEED
    timeout: float = BENCH_TIMEOUT

    def settings(self, variant_name: str, out_dir: Path) -> Any:
        from solver_core.generator import GeneratorConfig
        from solver_core.pipeline import RunSettings
        from solver_core.variants import get_variant

        variant = get_variant(variant_name)
        settings = RunSettings(variant, out_dir, seed=self.seed, timeout=self.timeout,
                               generator=GeneratorConfig(parents=self.parents, mutants=self.mutants))
        if variant.inline_cache and settings.cache_dir is None:
            settings = replace(settings, cache_dir=out_dir / "cache" / "inline")
        return settings

    def describe(self) -> dict[str, Any]:
        return {"tasks": [t.id for t in self.tasks], "parents": self.parents, "mutants": self.mutants,
                "seed": self.seed, "timeout_s": self.timeout}


# ------------------------------------------------------------------------ per-phase benchmarking
@contextmanager
def phase_backends(variant: Any) -> Iterator[dict[str, Any]]:
    """The backends a task's phases use, as `run_tasks` opens them: inside a task worker (variants
    with a task backend) candidate code runs inline, in the main process in the contained backend.
    Process pools get `BENCH_WORKERS` workers (default 1), like the end-to-end runs: with one worker per
    core, phase3a_validate of the variants that validate in parallel moved by +25% and +46% between two
    quiet sessions, following the cores that happened to be free."""
    from solver_core import execution

    wanted = sorted({variant.score_backend, variant.validate_backend})
    disposable = variant.task_backend != "serial"
    known = getattr(execution, "BACKENDS", {})
    actual = {n: "inline" if disposable and n == "serial" and "inline" in known else n for n in wanted}
    with execution.backends(sorted(set(actual.values())), BENCH_WORKERS) as opened:
        yield {n: opened[actual[n]] for n in wanted}


def make_context(settings: Any, opened: Mapping[str, Any]) -> Any:
    """A fresh `Phases` context (fresh inline cache) for one round."""
    from solver_core.pipeline.inline import InlineCache
    from solver_core.pipeline.task import Phases

    cache = InlineCache(settings.cache_dir) if settings.variant.inline_cache else None
    return Phases(settings, dict(opened), cache)


@dataclass
class TaskInputs:
    """Every phase's inputs for one task, from one run of the phases in order."""

    task: Any
    batch: Any
    scores: Any
    rebuilt: Any
    inlined: Any
    validations: Any
    pool: Any
    by_md5: dict[str, Any] = field(default_factory=dict)


def prepare_inputs(workload: BenchWorkload, variant_name: str, out_dir: Path) -> list[TaskInputs]:
    """Run the phases once per task (as `check_batt` chains them) and keep each phase's inputs."""
    from solver_core.generator import generate_batch
    from solver_core.pipeline import task as t
    from solver_core.pipeline.score import combine
    from solver_core.solvers import library_programs

    settings = workload.settings(variant_name, out_dir)
    out = []
    with phase_backends(settings.variant) as opened:
        ctx = make_context(settings, opened)
        for task in workload.tasks:
            batch = generate_batch(task.id, library_programs(), settings.seed, settings.generator)
            scores = combine(batch, t.score_demo(task, batch, ctx) + t.score_test(task, batch, ctx))
            rebuilt = t.phase1_filter(task, batch, scores, ctx)
            inlined = t.phase2_inline(rebuilt, ctx)
            validations = t.phase3a_validate(task, inlined, scores, ctx)
            pool = t.phase3b_file_ops(task, inlined, validations, ctx)
            out.append(TaskInputs(task, batch, scores, rebuilt, inlined, validations, pool,
                                  {c.md5: c for c in inlined}))
    return out


#: How each benchmarked phase is called on one task's prepared inputs.
PHASE_CALLS: dict[str, Callable[[Any, TaskInputs, Any, BenchWorkload], Any]] = {
    "generate": lambda t, x, ctx, w: _generate(x.task, ctx),
    "score_demo": lambda t, x, ctx, w: t.score_demo(x.task, x.batch, ctx),
    "score_test": lambda t, x, ctx, w: t.score_test(x.task, x.batch, ctx),
    "phase1_filter": lambda t, x, ctx, w: t.phase1_filter(x.task, x.batch, x.scores, ctx),
    "phase2_inline": lambda t, x, ctx, w: t.phase2_inline(x.rebuilt, ctx),
    "phase3a_validate": lambda t, x, ctx, w: t.phase3a_validate(x.task, x.inlined, x.scores, ctx),
    "phase3b_file_ops": lambda t, x, ctx, w: t.phase3b_file_ops(x.task, x.inlined, x.validations, ctx),
    "phase4_differs": lambda t, x, ctx, w: t.phase4_differs(x.task, x.pool, x.by_md5, x.scores, ctx),
    "check_batt": lambda t, x, ctx, w: t.check_batt(x.task, x.batch, ctx),
}


def _generate(task: Any, ctx: Any) -> Any:
    from harness import span
    from solver_core.generator import generate_batch
    from solver_core.solvers import library_programs

    s = ctx.settings
    with span("generate"):
        return generate_batch(task.id, library_programs(), s.seed, s.generator)


class PhaseBench:
    """Benchmarks one phase of one variant: prepared inputs, a fresh output folder and context per
    round (setup, not timed), every round recorded under a `Recorder` for the per-phase samples."""

    def __init__(self, workload: BenchWorkload, scratch: Callable[[str], Path], cache: dict[str, Any]) -> None:
        self.workload = workload
        self.scratch = scratch
        self.cache = cache

    def inputs(self, variant: str) -> list[TaskInputs]:
        if variant not in self.cache:
            self.cache[variant] = prepare_inputs(self.workload, variant, self.scratch(f"prepare-{variant}"))
        return self.cache[variant]

    def run(self, benchmark: Any, phase: str, variant: str, *, rounds: int,
            warmup: int = WARMUP_ROUNDS) -> dict[str, Any]:
        from solver_core.pipeline import task as t

        call = PHASE_CALLS[phase]
        inputs = self.inputs(variant)
        trees: list[Any] = []
        base = self.workload.settings(variant, self.scratch("unused"))
        with phase_backends(base.variant) as opened:
            def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
                gc.collect()  # every round starts with the previous rounds' garbage collected (not timed)
                out = self.scratch(f"{phase}-{variant}")
                settings = replace(base, out_dir=out, cache_dir=out / "cache" / "inline"
                                   if base.variant.inline_cache else None)
                return (make_context(settings, opened),), {}

            def target(ctx: Any) -> None:
                with Recorder(variant=variant) as rec:
                    for x in inputs:
                        call(t, x, ctx, self.workload)
                trees.append(rec.tree)

            benchmark.group = f"phase: {phase}"
            rounds = spread_rounds(time_one_round(target, setup), rounds, MAX_PIPELINE_ROUNDS)  # = the warm-up
            trees.clear()
            benchmark.pedantic(target, setup=setup, rounds=rounds, warmup_rounds=max(0, warmup - 2), iterations=1)
        timed = trees[-rounds:]
        info = extra_info(variant, phase, self.workload.describe(), timed, keep_trees=False)
        benchmark.extra_info.update(info)
        return info


def run_end_to_end(benchmark: Any, workload: BenchWorkload, scratch: Callable[[str], Path], variant: str, *,
                   rounds: int, warmup: int = WARMUP_ROUNDS, workers: int | None = BENCH_WORKERS) -> dict[str, Any]:
    """Benchmark whole pipeline runs of `variant` (`workers` worker processes, default `BENCH_WORKERS`);
    per-round phase trees go to ``extra_info``."""
    from solver_core.pipeline import run_pipeline

    recorders: list[Any] = []

    def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
        gc.collect()  # not timed
        return (workload.settings(variant, scratch(f"e2e-{variant}")),), {}

    def target(settings: Any) -> None:
        recorders.append(run_pipeline(workload.tasks, settings, workers=workers).recorder)

    benchmark.group = "end-to-end"
    rounds = spread_rounds(time_one_round(target, setup), rounds, MAX_PIPELINE_ROUNDS)  # = the warm-up
    recorders.clear()
    benchmark.pedantic(target, setup=setup, rounds=rounds, warmup_rounds=max(0, warmup - 2), iterations=1)
    timed = recorders[-rounds:]
    info = extra_info(variant, "end-to-end", {**workload.describe(), "workers": workers}, [r.tree for r in timed],
                      results=[r.result for r in timed])
    benchmark.extra_info.update(info)
    return info


def phase_params(phases: Sequence[str]) -> list[Any]:
    return [pytest.param(p, v, id=f"{p}-{v}") for p in phases for v in bench_variants()]
