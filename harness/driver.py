"""The comparison driver: a workload's variants measured interleaved, every timing round saved.

`measure_variants` runs every variant once per round, in a shuffled order each round (warm-up rounds
first, discarded), each run in a fresh temporary folder, adds rounds after the minimum while a
headline ratio's CI is wider than ±5% and its time budget lasts (`Extension`), and writes
``<out>/records/<variant>/round-<k>.json`` and ``<out>/compare.json`` (what was compared, how, when).
`profile_variants` adds one pyinstrument pass per variant (``records/<variant>/profile/``).
`harness.report.build_report` turns the folder into the report.
"""

from __future__ import annotations

import gc
import json
import math
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.atomic import write_atomic
from harness.interleave import round_order
from harness.record import RunRecord, utc_now_iso
from harness.report import ROUND_GLOB
from harness.stats import DEFAULT_STATISTIC, TARGET_HALF_WIDTH, finite_or_none, half_width, ratio_ci
from harness.workload import Spec, Workload

#: Version of ``compare.json`` (the description of a comparison run).
RUN_SCHEMA = "phasebench.compare-run/1"


def write_json(path: Path, data: Any) -> Path:
    """Compact strict JSON, written atomically."""
    return write_atomic(path, json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False) + "\n")


#: `phasebench compare`'s defaults: at least 5 timing rounds (fewer give no confidence interval), then
#: rounds added until every headline CI is within ±5% (`harness.stats.TARGET_HALF_WIDTH`), while the
#: measuring time stays within the budget, up to `DEFAULT_MAX_ROUNDS` rounds.
DEFAULT_ROUNDS = 5
DEFAULT_BUDGET_S = 120.0
DEFAULT_MAX_ROUNDS = 30


@dataclass(frozen=True)
class Extension:
    """When `measure_variants` adds timing rounds after the minimum: until every headline ratio (each
    variant's total against the baseline's) has a CI within ±`target` of its ratio, while the measuring
    time (warm-up included) plus one more round fits in `budget_s`, up to `max_rounds` rounds."""

    budget_s: float = DEFAULT_BUDGET_S
    max_rounds: int = DEFAULT_MAX_ROUNDS
    target: float = TARGET_HALF_WIDTH
    baseline: str = "baseline"


def headline_widths(records: Mapping[str, Sequence[Mapping[str, Any]]], baseline: str) -> dict[str, float]:
    """Per variant other than `baseline`: the relative half-width of its total's ratio CI (`half_width`:
    the report's statistic; inf with fewer than `MIN_ROUNDS_FOR_CI` rounds)."""
    if baseline not in records:
        return {}
    base = [int(r["tree"]["wall_ns"]) for r in records[baseline]]
    out = {}
    for v, recs in records.items():
        if v == baseline:
            continue
        mine = [int(r["tree"]["wall_ns"]) for r in recs]
        n = min(len(base), len(mine))
        out[v] = half_width(ratio_ci(base[:n], mine[:n], statistic=DEFAULT_STATISTIC)) if n else math.inf
    return out


def next_round(ext: Extension | None, widths: Mapping[str, float], *, rounds_done: int, elapsed_s: float,
               round_s: float) -> str | None:
    """None to add a round, else why the measurement stops: ``fixed`` (no extension), ``precise`` (every
    headline CI within the target), ``max-rounds`` or ``budget`` (one more round would pass it)."""
    if ext is None:
        return "fixed"
    if all(w <= ext.target for w in widths.values()):
        return "precise"
    if rounds_done >= ext.max_rounds:
        return "max-rounds"
    if elapsed_s + round_s > ext.budget_s:
        return "budget"
    return None


class _Progress:
    """A rich progress display: one bar for rounds, one for units of work (all variants, all rounds),
    with the time elapsed and an estimate of the time left."""

    def __init__(self, enabled: bool, variants: Sequence[str], units: int, rounds: int, warmup: int) -> None:
        self.enabled = enabled
        self.rounds, self.warmup, self.nv, self.units = rounds, warmup, len(variants), units
        self.done_in_round: dict[int, int] = {}
        self.note = ""
        self._stack = ExitStack()
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("left"), TimeRemainingColumn(), console=Console(stderr=True), transient=False,
        )
        self._stack.enter_context(self.progress)
        total_rounds = rounds + warmup
        self.round_bar = self.progress.add_task(self._round_label(0), total=total_rounds)
        self.task_bar = self.progress.add_task("tasks", total=total_rounds * len(variants) * units)

    def _round_label(self, r: int) -> str:
        if r < self.warmup:
            return f"warm-up {r + 1}/{self.warmup}"
        return f"round {r - self.warmup + 1}/{self.rounds}{self.note}"

    def extend(self, widths: Mapping[str, float], target: float, budget_left_s: float) -> None:
        """One more round, because these headline CIs are wider than ±target."""
        self.rounds += 1
        wide = {v: w for v, w in widths.items() if w > target}
        worst = max(wide.values()) if wide else 0.0
        left = f"{budget_left_s:.0f} s of budget left"
        self.note = f" (CI ±{worst:.1%} > ±{target:.0%}; {left})" if math.isfinite(worst) else f" (no CI yet; {left})"
        if self.enabled:
            self.progress.update(self.round_bar, total=self.rounds + self.warmup)
            self.progress.update(self.task_bar, total=(self.rounds + self.warmup) * self.nv * self.units)

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
                     seed: int = 0, out_dir: Path, progress: bool = True, meta: Mapping[str, object] | None = None,
                     extension: Extension | None = None,
                     clock: Callable[[], float] = time.perf_counter) -> dict[str, list[RunRecord]]:
    """Run the variants interleaved (see the module docstring); ``{variant: [record per timing round]}``.

    `rounds` timing rounds at least; with an `extension`, more rounds until every headline CI is precise
    enough or the budget ends (`next_round`; ``compare.json`` says how it ended under ``extension``).
    `seed` orders the rounds. `progress` shows a progress bar on stderr. `meta` is added to ``compare.json``.
    `clock` times the budget (seconds).
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
    started, t0 = utc_now_iso(), clock()
    records: dict[str, list[RunRecord]] = {v: [] for v in names}

    def run_round(r: int) -> None:
        for variant in round_order(list(names), seed, r):
            bar.starting(r, variant)
            run_dir = Path(tempfile.mkdtemp(prefix=f"{variant}-{r}-", dir=tmp_root))
            try:
                gc.collect()
                record = workload.run(spec, variant, run_dir, bar.task_done).to_dict()
            finally:
                shutil.rmtree(run_dir, ignore_errors=True)
            k = r - warmup
            record.setdefault("meta", {})["compare"] = {
                "round": k, "warmup": k < 0, "order": round_order(list(names), seed, r), "seed": seed}
            if k >= 0:
                write_json(records_dir / variant / f"round-{k}.json", record)
                records[variant].append(record)
            bar.run_done(r, variant)

    stop = "fixed"
    try:
        for r in range(warmup + rounds):
            run_round(r)
        r = warmup + rounds
        while True:
            widths = headline_widths(records, extension.baseline if extension else names[0])
            elapsed = clock() - t0
            reason = next_round(extension, widths, rounds_done=r - warmup, elapsed_s=elapsed, round_s=elapsed / r)
            if reason is not None:
                stop = reason
                break
            assert extension is not None
            bar.extend(widths, extension.target, extension.budget_s - (clock() - t0))
            run_round(r)
            r += 1
    finally:
        bar.close()
        shutil.rmtree(tmp_root, ignore_errors=True)
    done = len(records[names[0]])
    run_meta = _run_meta(workload, spec, names, rounds=done, warmup=warmup, seed=seed, started=started,
                         seconds=clock() - t0, meta=meta)
    if extension is not None:
        run_meta["extension"] = {"min_rounds": rounds, "rounds": done, "stopped": stop, "budget_s": extension.budget_s,
                                 "max_rounds": extension.max_rounds, "target": extension.target,
                                 "half_widths": {v: finite_or_none(w) for v, w in widths.items()}}
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


__all__ = ["DEFAULT_BUDGET_S", "DEFAULT_MAX_ROUNDS", "DEFAULT_ROUNDS", "ROUND_GLOB", "RUN_SCHEMA", "Extension",
           "headline_widths", "measure_variants", "next_round", "profile_variants", "write_json"]
