"""A whole pipeline run: tasks through every phase under one `Recorder`, a digest, a run record.

The result digest is the sha256 of a canonical JSON of what the run produced: per task, the pool
members with their scores, grades, validation statuses and s_scores, the d_scores of the differs and
the stored link names (`result_digest`); and the store's manifest, every file and link the run
leaves under the store with the sha256 of each file's bytes (`Store.manifest`), so that a variant that
writes one different byte, or leaves one more file, gets another digest. It covers no timing, so
every variant must reproduce baseline's digest exactly for the same seed and data. It lands in
`run.json` at `result.digest` (with `results_digest` and `store_digest`, its two parts).
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from harness import Recorder, call_in_span, current_span, span
from harness.span import SpanHandle
from solver_core import distributed  # noqa: F401  (registers the `dask` backend)
from solver_core.execution import Lost, backends, default_workers, make_backend
from solver_core.pipeline.inline import InlineCache
from solver_core.pipeline.task import Phases, RunSettings, TaskResult, run_batt
from solver_core.solvers import library_programs
from solver_core.tasks import Task
from solver_core.variants import Variant


@dataclass(frozen=True)
class PipelineResult:
    """A finished run: per-task results, the digest and the recorder holding the span tree."""

    tasks: tuple[TaskResult, ...]
    digest: str
    recorder: Recorder
    #: what the run left under the store (`Store.manifest`), part of the digest
    manifest: tuple[tuple[str, str, str], ...] = ()

    @property
    def candidates(self) -> int:
        """Candidate outputs processed (one per batch program per task)."""
        return sum(t.candidates for t in self.tasks)


def result_digest(results: Sequence[TaskResult]) -> str:
    """sha256 over the canonical JSON of every task's digest payload, ordered by task id."""
    payload = [r.digest_payload() for r in sorted(results, key=lambda r: r.task_id)]
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_digest(manifest: Sequence[tuple[str, str, str]]) -> str:
    """sha256 over the canonical JSON of a store manifest."""
    text = json.dumps([list(e) for e in manifest], separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def run_digest(results: Sequence[TaskResult], manifest: Sequence[tuple[str, str, str]]) -> str:
    """The run's result digest: sha256 of the results' digest and the store manifest's digest."""
    text = json.dumps({"results": result_digest(results), "store": manifest_digest(manifest)}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def run_tasks(settings: RunSettings, tasks: Sequence[Task], *, disposable: bool = False,
              progress: Callable[[str], None] | None = None) -> list[TaskResult]:
    """Run tasks one after another.

    In the main process, candidate code of "serial" phases runs in a one-worker sandbox; in a
    `disposable` worker process (a task worker, which the main process replaces if it dies) it
    runs inline. `progress` is called with each task's id as it finishes.
    """
    v = settings.variant
    cache = InlineCache(settings.cache_dir) if v.inline_cache else None
    wanted = {v.score_backend, v.validate_backend}
    actual = {n: "inline" if disposable and n == "serial" else n for n in wanted}
    if disposable:
        with span("worker_setup", startup=True):  # a fresh worker parses the solver library once: show it
            _preload_worker_state()
    with backends(sorted(set(actual.values()))) as opened:
        ctx = Phases(settings, {n: opened[actual[n]] for n in wanted}, cache)
        results = []
        for task in tasks:
            results.append(run_batt(task, ctx))
            if progress is not None:
                progress(task.id)
        return results


def _preload_worker_state() -> None:
    """What every task worker loads first (`worker_setup`), loaded once here: a backend that forks its
    workers from this process (`forked`) calls it before the fork, so that they start with it."""
    library_programs()
    gc.freeze()  # the library and the modules live as long as the worker: the cyclic collector stops walking them


def _map_chunks(settings: RunSettings, chunks: Sequence[list[Task]], workers: int,
                deadline: float | None) -> tuple[list[list[TaskResult] | Lost], SpanHandle]:
    """The `tasks` section: chunks of whole tasks on the variant's task backend (called as a phase frame,
    so that a profile names what its main process did while no worker was busy)."""
    handle = current_span()
    handle.set(workers=workers)
    with make_backend(settings.variant.task_backend, workers, scheduler=settings.scheduler,
                      preload=_preload_worker_state) as backend:
        work = partial(run_tasks, settings, disposable=True)
        return backend.map(work, chunks, chunksize=1, deadline=deadline), handle


def variant_backends(variant: Variant) -> tuple[str, ...]:
    """The execution backends (names in `solver_core.execution.BACKENDS`) a variant's runs open."""
    return tuple(dict.fromkeys((variant.score_backend, variant.validate_backend, variant.task_backend)))


def run_pipeline(tasks: Sequence[Task], settings: RunSettings, *, workers: int | None = None,
                 workload: dict[str, object] | None = None,
                 progress: Callable[[str], None] | None = None) -> PipelineResult:
    """Run every task through the pipeline under a fresh `Recorder`; save `run.json`.

    `progress` is called with each task's id as the task finishes (with task workers: per chunk,
    once the chunks are back).
    """
    v = settings.variant
    if v.inline_cache and settings.cache_dir is None:
        settings = replace(settings, cache_dir=settings.out_dir / "cache" / "inline")
    workers = workers or default_workers()
    description = {"tasks": len(tasks), "task_ids": [t.id for t in tasks], "seed": settings.seed,
                   "timeout_s": settings.timeout, "parents": settings.generator.parents,
                   "mutants": settings.generator.mutants, "workers": workers, **(workload or {})}
    with Recorder(variant=v.name, workload=description, keep_samples=True) as rec:
        rec.meta["strategies"] = v.strategies()
        with span("open_store"):
            stale = settings.store.remove_stale_temporaries()
            if stale:
                current_span().add("stale_temporaries_removed", stale)
        if v.task_backend == "serial":
            results = run_tasks(settings, tasks, progress=progress)
        else:
            size = max(1, math.ceil(len(tasks) / (workers * 4)))
            chunks = [list(tasks[i:i + size]) for i in range(0, len(tasks), size)]
            deadline = settings.task_deadline * size if settings.task_deadline else None
            # no more worker processes than chunks: each one costs a start-up (e.g. one task: one worker)
            per_chunk, s = call_in_span("tasks", _map_chunks, settings, chunks, min(workers, len(chunks)), deadline)
            results = []
            for chunk, done in zip(chunks, per_chunk, strict=True):
                if isinstance(done, Lost):  # a task worker died or hung: these tasks again, contained
                    s.add("tasks_rerun_contained", len(chunk))
                    done = run_tasks(settings, chunk)
                results.extend(done)
                if progress is not None:
                    for task in chunk:
                        progress(task.id)
        with span("digest"):
            manifest = tuple(settings.store.manifest())
            digest = run_digest(results, manifest)
    rec.result.update({
        "digest": digest,
        "results_digest": result_digest(results),
        "store_digest": manifest_digest(manifest),
        "store_entries": len(manifest),
        "tasks": len(results),
        "candidates": sum(r.candidates for r in results),
        "unique": sum(r.unique for r in results),
        "stored": sum(len(r.stored) for r in results),
        "tasks_with_demo_solver": sum(any(s.status == "pass" for s in r.pool) for r in results),
    })
    return PipelineResult(tuple(results), digest, rec, manifest)


def save_run(result: PipelineResult, out_dir: Path) -> Path:
    """Write the run record to `<out_dir>/run.json` (atomically)."""
    path = out_dir / "run.json"
    result.recorder.save(path)
    return path
