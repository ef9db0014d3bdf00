"""A whole pipeline run: tasks through every phase under one `Recorder`, a digest, a run record.

The result digest is the sha256 of a canonical JSON of what the run produced (per task: the pool
members with their scores, grades, validation statuses and s_scores, the d_scores of the differs,
and the stored link names). It covers no timing, so every variant must reproduce baseline's digest
exactly for the same seed and data. It lands in `run.json` at `result.digest`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from harness import Recorder, span
from solver_core.execution import backends, default_workers
from solver_core.pipeline.inline import InlineCache
from solver_core.pipeline.task import Phases, RunSettings, TaskResult, run_batt
from solver_core.tasks import Task


@dataclass(frozen=True)
class PipelineResult:
    """A finished run: per-task results, the digest and the recorder holding the span tree."""

    tasks: tuple[TaskResult, ...]
    digest: str
    recorder: Recorder

    @property
    def candidates(self) -> int:
        """Candidate outputs processed (one per batch program per task)."""
        return sum(t.candidates for t in self.tasks)


def result_digest(results: Sequence[TaskResult]) -> str:
    """sha256 over the canonical JSON of every task's digest payload, ordered by task id."""
    payload = [r.digest_payload() for r in sorted(results, key=lambda r: r.task_id)]
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def run_tasks(settings: RunSettings, tasks: Sequence[Task]) -> list[TaskResult]:
    """Run tasks one after another in this process (also the unit of work of a task worker)."""
    v = settings.variant
    cache = InlineCache(settings.cache_dir) if v.inline_cache else None
    names = (v.score_backend, v.validate_backend)
    with backends(names) as opened:
        ctx = Phases(settings, opened, cache)
        return [run_batt(task, ctx) for task in tasks]


def run_pipeline(tasks: Sequence[Task], settings: RunSettings, *, workers: int | None = None,
                 workload: dict[str, object] | None = None) -> PipelineResult:
    """Run every task through the pipeline under a fresh `Recorder`; save `run.json`."""
    v = settings.variant
    if v.inline_cache and settings.cache_dir is None:
        settings = replace(settings, cache_dir=settings.out_dir / "cache" / "inline")
    workers = workers or default_workers()
    description = {"tasks": len(tasks), "task_ids": [t.id for t in tasks], "seed": settings.seed,
                   "timeout_s": settings.timeout, "parents": settings.generator.parents,
                   "mutants": settings.generator.mutants, "workers": workers, **(workload or {})}
    with Recorder(variant=v.name, workload=description, keep_samples=True) as rec:
        rec.meta["strategies"] = v.strategies()
        if v.task_backend == "serial":
            results = run_tasks(settings, tasks)
        else:
            size = max(1, math.ceil(len(tasks) / (workers * 4)))
            chunks = [list(tasks[i:i + size]) for i in range(0, len(tasks), size)]
            with span("tasks", workers=workers), backends([v.task_backend], workers) as opened:
                per_chunk = opened[v.task_backend].map(partial(run_tasks, settings), chunks, chunksize=1)
            results = [r for chunk in per_chunk for r in chunk]
        with span("digest"):
            digest = result_digest(results)
    rec.result.update({
        "digest": digest,
        "tasks": len(results),
        "candidates": sum(r.candidates for r in results),
        "unique": sum(r.unique for r in results),
        "stored": sum(len(r.stored) for r in results),
        "tasks_with_demo_solver": sum(any(s.status == "pass" for s in r.pool) for r in results),
    })
    return PipelineResult(tuple(results), digest, rec)


def save_run(result: PipelineResult, out_dir: Path) -> Path:
    """Write the run record to `<out_dir>/run.json` (atomically)."""
    path = out_dir / "run.json"
    result.recorder.save(path)
    return path
