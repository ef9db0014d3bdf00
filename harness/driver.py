"""The comparison driver: a workload's variants measured interleaved, every timing round saved.

`measure_variants` runs every variant once per round, in a shuffled order each round (warm-up rounds
first, discarded), each run in a fresh temporary folder, and writes ``<out>/records/<variant>/round-<k>.json``
and ``<out>/compare.json`` (what was compared, how, when). `profile_variants` adds one pyinstrument
pass per variant (``records/<variant>/profile/``). `harness.report.build_report` turns the folder into
the report.
"""

from __future__ import annotations

import gc
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from harness.atomic import write_atomic
from harness.interleave import round_order, run_interleaved
from harness.record import RunRecord, utc_now_iso
from harness.report import ROUND_GLOB
from harness.workload import Spec, Workload

#: Version of ``compare.json`` (the description of a comparison run).
RUN_SCHEMA = "phasebench.compare-run/1"


def write_json(path: Path, data: Any) -> Path:
    """Compact strict JSON, written atomically."""
    return write_atomic(path, json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False) + "\n")


class _Progress:
    """A rich progress display: one bar for rounds, one for units of work (all variants, all rounds)."""

    def __init__(self, enabled: bool, variants: Sequence[str], units: int, rounds: int, warmup: int) -> None:
        self.enabled = enabled
        self.rounds, self.warmup, self.nv = rounds, warmup, len(variants)
        self.done_in_round: dict[int, int] = {}
        self._stack = ExitStack()
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=Console(stderr=True), transient=False,
        )
        self._stack.enter_context(self.progress)
        total_rounds = rounds + warmup
        self.round_bar = self.progress.add_task(self._round_label(0), total=total_rounds)
        self.task_bar = self.progress.add_task("tasks", total=total_rounds * len(variants) * units)

    def _round_label(self, r: int) -> str:
        if r < self.warmup:
            return f"warm-up {r + 1}/{self.warmup}"
        return f"round {r - self.warmup + 1}/{self.rounds}"

    def starting(self, r: int, variant: str) -> None:
        if self.enabled:
            self.progress.update(self.round_bar, description=self._round_label(r))
            self.progress.update(self.task_bar, description=f"tasks ({variant})")

    def task_done(self, unit_id: str) -> None:
        if self.enabled:
            self.progress.advance(self.task_bar)

    def run_done(self, r: int, variant: str) -> None:
        self.done_in_round[r] = self.done_in_round.get(r, 0) + 1
        if self.enabled and self.done_in_round[r] == self.nv:
            self.progress.advance(self.round_bar)

    def close(self) -> None:
        self._stack.close()


def _clear_stale(records_dir: Path, names: Sequence[str]) -> None:
    """A re-run into the same folder must not mix rounds (or keep an old profile pass)."""
    for name in names:
        stale = records_dir / name
        for f in stale.glob(ROUND_GLOB) if stale.is_dir() else ():
            f.unlink()
        shutil.rmtree(stale / "profile", ignore_errors=True)


def _run_meta(workload: Workload, spec: Spec, names: Sequence[str], *, rounds: int, warmup: int, seed: int,
              started: str, seconds: float, meta: Mapping[str, object] | None) -> dict[str, Any]:
    reference = workload.baseline
    summaries = workload.variants()
    return {
        "schema": RUN_SCHEMA,
        "workload": workload.name,
        "variants": list(names),
        "baseline": reference,
        "rounds": rounds,
        "warmup": warmup,
        "seed": seed,
        "task_ids": list(spec.ids),
        "settings": dict(spec.settings),
        "workers": spec.workers,
        "order": [round_order(list(names), seed, r) for r in range(warmup + rounds)],
        "summaries": {v: summaries.get(v, "") for v in names},
        "changed_phases": {v: list(workload.changed_phases(v, reference)) for v in names},
        "parallel_phases": {v: list(workload.parallel_phases(v)) for v in names},
        "started": started,
        "finished": utc_now_iso(),
        "duration_s": round(seconds, 3),
        **dict(meta or {}),
    }


def measure_variants(workload: Workload, spec: Spec, variant_names: Sequence[str], *, rounds: int, warmup: int = 1,
                     seed: int = 0, out_dir: Path, progress: bool = True,
                     meta: Mapping[str, object] | None = None) -> dict[str, list[RunRecord]]:
    """Run the variants interleaved (see the module docstring); ``{variant: [record per timing round]}``.

    `seed` orders the rounds. `progress` shows a progress bar on stderr. `meta` is added to ``compare.json``.
    """
    if rounds < 1:
        raise ValueError(f"rounds must be >= 1, got {rounds}")
    if warmup < 0:
        raise ValueError(f"warmup must be >= 0, got {warmup}")
    names = workload.check_variants(variant_names)
    records_dir = Path(out_dir) / "records"
    _clear_stale(records_dir, names)
    tmp_root = Path(tempfile.mkdtemp(prefix="phasebench-compare-"))
    bar = _Progress(progress, names, max(len(spec.ids), 1), rounds, warmup)
    started, t0 = utc_now_iso(), time.perf_counter()

    def runner(variant: str) -> Callable[[int], RunRecord]:
        def run(r: int) -> RunRecord:
            bar.starting(r, variant)
            run_dir = Path(tempfile.mkdtemp(prefix=f"{variant}-{r}-", dir=tmp_root))
            try:
                gc.collect()
                record = workload.run(spec, variant, run_dir, bar.task_done).to_dict()
            finally:
                shutil.rmtree(run_dir, ignore_errors=True)
            k = r - warmup
            record.setdefault("meta", {})["compare"] = {
                "round": k, "warmup": k < 0, "order": round_order(names, seed, r), "seed": seed}
            if k >= 0:
                write_json(records_dir / variant / f"round-{k}.json", record)
            return record

        return run

    try:
        records = run_interleaved({v: runner(v) for v in names}, rounds=rounds, warmup=warmup, seed=seed,
                                  progress=bar.run_done)
    finally:
        bar.close()
        shutil.rmtree(tmp_root, ignore_errors=True)
    run_meta = _run_meta(workload, spec, names, rounds=rounds, warmup=warmup, seed=seed, started=started,
                         seconds=time.perf_counter() - t0, meta=meta)
    write_json(Path(out_dir) / "compare.json", run_meta)
    return records


def profile_variants(workload: Workload, spec: Spec, variant_names: Sequence[str], *,
                     out_dir: Path) -> dict[str, dict[str, Any]]:
    """One pyinstrument pass per variant, after the timing rounds (its times are inflated; only its gaps are used).

    Writes ``records/<variant>/profile/`` (``run.json`` with ``passes.profile``, ``profile.html``,
    ``profile.speedscope.json``, ``profile.pyisession``); returns ``{variant: passes.profile section}``.
    """
    from harness.profile import profile_pass

    out: dict[str, dict[str, Any]] = {}
    for variant in workload.check_variants(variant_names):
        profile_dir = Path(out_dir) / "records" / variant / "profile"
        with tempfile.TemporaryDirectory(prefix=f"phasebench-profile-{variant}-") as d:
            prof = profile_pass(workload.run, spec, variant, Path(d), out_dir=profile_dir)
            record = prof.result.to_dict()
        section = prof.summary()
        section["dir"] = "."  # files are next to this record
        record.setdefault("passes", {})["profile"] = section
        write_json(profile_dir / "run.json", record)
        out[variant] = section
    return out


__all__ = ["ROUND_GLOB", "RUN_SCHEMA", "measure_variants", "profile_variants", "write_json"]
