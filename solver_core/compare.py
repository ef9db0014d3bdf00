"""Measure pipeline variants interleaved, save their run records, and build the comparison report.

`measure_variants` runs every variant once per round in a shuffled order (after warm-up rounds),
each run in a fresh output folder under a temporary directory (stores and caches start cold and
equal for every variant), and saves each timing round's record as
``<out_dir>/records/<variant>/round-<k>.json`` plus ``<out_dir>/compare.json`` (what was run, in which
order). `profile_variants` adds one pyinstrument pass per variant (``records/<variant>/profile/``).
`load_run_dir` reads such a folder back and `build_report` turns it into ``report.md``,
``report.json`` and the charts, so ``phasebench report RUN_DIR`` never re-runs anything.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from harness.interleave import round_order, run_interleaved
from harness.record import utc_now_iso

#: Version of ``compare.json`` (the description of a comparison run).
RUN_SCHEMA = "phasebench.compare-run/1"
#: Round files: ``records/<variant>/round-<k>.json``.
ROUND_GLOB = "round-*.json"


def _settings_kwargs(settings: Mapping[str, object] | None) -> dict[str, Any]:
    from solver_core.generator import GeneratorConfig

    kw: dict[str, Any] = {}
    for key, value in dict(settings or {}).items():
        if key == "generator" and isinstance(value, Mapping):
            value = GeneratorConfig(**value)
        if key not in ("seed", "timeout", "generator"):
            raise ValueError(f"unknown run setting {key!r}: expected seed, timeout or generator")
        kw[key] = value
    return kw


def _settings_description(kw: Mapping[str, Any]) -> dict[str, Any]:
    from dataclasses import asdict, is_dataclass

    out = {}
    for k, v in kw.items():
        out[k] = asdict(v) if is_dataclass(v) and not isinstance(v, type) else v
    return out


def resolve_variants(variant_names: Sequence[str]):  # -> list[Variant]
    """The registered variants by name; ``ValueError`` naming the unknown ones and the choices."""
    from solver_core.variants import VARIANTS

    names = [n.strip() for n in variant_names if n.strip()]
    if not names:
        raise ValueError("no variants given")
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        raise ValueError(f"unknown variant(s) {', '.join(map(repr, unknown))}: choose from {', '.join(VARIANTS)}")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"variant(s) listed twice: {', '.join(dupes)}")
    return [VARIANTS[n] for n in names]


def _write_json(path: Path, data: Any) -> Path:
    """Compact strict JSON, written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


class _Progress:
    """A rich progress display: one bar for rounds, one for tasks (all variants, all rounds)."""

    def __init__(self, enabled: bool, variants: Sequence[str], tasks: int, rounds: int, warmup: int) -> None:
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
        self.task_bar = self.progress.add_task("tasks", total=total_rounds * len(variants) * tasks)

    def _round_label(self, r: int) -> str:
        if r < self.warmup:
            return f"warm-up {r + 1}/{self.warmup}"
        return f"round {r - self.warmup + 1}/{self.rounds}"

    def starting(self, r: int, variant: str) -> None:
        if self.enabled:
            self.progress.update(self.round_bar, description=self._round_label(r))
            self.progress.update(self.task_bar, description=f"tasks ({variant})")

    def task_done(self, task_id: str) -> None:
        if self.enabled:
            self.progress.advance(self.task_bar)

    def run_done(self, r: int, variant: str) -> None:
        self.done_in_round[r] = self.done_in_round.get(r, 0) + 1
        if self.enabled and self.done_in_round[r] == self.nv:
            self.progress.advance(self.round_bar)

    def close(self) -> None:
        self._stack.close()


def measure_variants(
    tasks: Sequence[Any],
    variant_names: Sequence[str],
    *,
    rounds: int,
    warmup: int = 1,
    seed: int = 0,
    settings: Mapping[str, object] | None = None,
    workers: int | None = None,
    out_dir: Path,
    progress: bool = True,
    workload: Mapping[str, object] | None = None,
    meta: Mapping[str, object] | None = None,
) -> dict[str, list[dict]]:
    """Run the variants interleaved (see the module docstring); return ``{variant: [record per timing round]}``.

    `settings`: RunSettings fields ``seed``, ``timeout``, ``generator`` (a ``GeneratorConfig`` or a
    mapping of its fields). `seed` orders the rounds. `progress` shows a progress bar on stderr.
    `workload` is added to every record's workload description; `meta` to ``compare.json``.
    """
    from solver_core.pipeline import RunSettings, run_pipeline
    from solver_core.variants import BASELINE

    if rounds < 1:
        raise ValueError(f"rounds must be >= 1, got {rounds}")
    if warmup < 0:
        raise ValueError(f"warmup must be >= 0, got {warmup}")
    if not tasks:
        raise ValueError("no tasks to run")
    variants = resolve_variants(variant_names)
    names = [v.name for v in variants]
    kw = _settings_kwargs(settings)
    out = Path(out_dir)
    records_dir = out / "records"
    for name in names:  # a re-run into the same folder must not mix rounds (or keep an old profile pass)
        stale = records_dir / name
        for f in stale.glob(ROUND_GLOB) if stale.is_dir() else ():
            f.unlink()
        shutil.rmtree(stale / "profile", ignore_errors=True)
    tmp_root = Path(tempfile.mkdtemp(prefix="phasebench-compare-"))
    bar = _Progress(progress, names, len(tasks), rounds, warmup)
    started, t0 = utc_now_iso(), time.perf_counter()
    description = {"dataset": None, **dict(workload or {})}
    if description["dataset"] is None:
        del description["dataset"]

    def runner(variant: Any) -> Callable[[int], dict]:
        def run(r: int) -> dict:
            bar.starting(r, variant.name)
            run_dir = Path(tempfile.mkdtemp(prefix=f"{variant.name}-{r}-", dir=tmp_root))
            try:
                rs = RunSettings(variant, run_dir, **kw)
                gc.collect()
                result = run_pipeline(tasks, rs, workers=workers, workload=description, progress=bar.task_done)
                record = result.recorder.to_dict()
            finally:
                shutil.rmtree(run_dir, ignore_errors=True)
            k = r - warmup
            record.setdefault("meta", {})["compare"] = {
                "round": k, "warmup": k < 0, "order": round_order(names, seed, r), "seed": seed}
            if k >= 0:
                _write_json(records_dir / variant.name / f"round-{k}.json", record)
            return record

        return run

    try:
        records = run_interleaved({v.name: runner(v) for v in variants}, rounds=rounds, warmup=warmup, seed=seed,
                                  progress=bar.run_done)
    finally:
        bar.close()
        shutil.rmtree(tmp_root, ignore_errors=True)
    reference = next((v for v in variants if v.name == "baseline"), BASELINE)
    run_meta = {
        "schema": RUN_SCHEMA,
        "variants": names,
        "baseline": reference.name,
        "rounds": rounds,
        "warmup": warmup,
        "seed": seed,
        "task_ids": [getattr(t, "id", str(t)) for t in tasks],
        "settings": _settings_description(kw),
        "workers": workers,
        "order": [round_order(names, seed, r) for r in range(warmup + rounds)],
        "summaries": {v.name: v.summary for v in variants},
        "changed_phases": {v.name: list(v.changed_phases(reference)) for v in variants},
        "parallel_phases": {v.name: list(v.parallel_phases) for v in variants},
        "started": started,
        "finished": utc_now_iso(),
        "duration_s": round(time.perf_counter() - t0, 3),
        **dict(meta or {}),
    }
    _write_json(out / "compare.json", run_meta)
    return records


def profile_variants(
    tasks: Sequence[Any],
    variant_names: Sequence[str],
    *,
    settings: Mapping[str, object] | None = None,
    workers: int | None = None,
    out_dir: Path,
    workload: Mapping[str, object] | None = None,
) -> dict[str, dict[str, Any]]:
    """One pyinstrument pass per variant, after the timing rounds (its times are inflated; only its gaps are used).

    Writes ``records/<variant>/profile/`` (``run.json`` with ``passes.profile``, ``profile.html``,
    ``profile.speedscope.json``, ``profile.pyisession``); returns ``{variant: passes.profile section}``.
    """
    from harness import profile_pass
    from solver_core.pipeline import RunSettings, run_pipeline

    variants = resolve_variants(variant_names)
    kw = _settings_kwargs(settings)
    out: dict[str, dict[str, Any]] = {}
    for variant in variants:
        profile_dir = Path(out_dir) / "records" / variant.name / "profile"
        with tempfile.TemporaryDirectory(prefix=f"phasebench-profile-{variant.name}-") as d:
            prof = profile_pass(run_pipeline, tasks, RunSettings(variant, Path(d), **kw), workers=workers,
                                workload=dict(workload or {}), out_dir=profile_dir)
            record = prof.result.recorder.to_dict()
        section = prof.summary()
        section["dir"] = "."  # files are next to this record
        record.setdefault("passes", {})["profile"] = section
        _write_json(profile_dir / "run.json", record)
        out[variant.name] = section
    return out


# ------------------------------------------------------------------------------------- reading


def load_run_dir(run_dir: Path) -> tuple[dict[str, list[dict]], dict[str, Any], dict[str, dict[str, Any]]]:
    """``(records per variant, compare.json contents, profile sections per variant)`` of a compare folder.

    Variants are in ``compare.json``'s order (else baseline first, then by name). ``ValueError`` with
    a clear message for a folder that holds no records.
    """
    from harness import load_record

    root = Path(run_dir)
    if root.is_file() and root.suffix == ".json":  # a run saved by pytest-benchmark (bench/)
        from harness.benchjson import records_from_benchmark_json

        records = records_from_benchmark_json(root)
        if not records:
            raise ValueError(f"{root}: no phasebench phase samples in this pytest-benchmark file")
        return records, {"source": str(root)}, {}
    if not root.is_dir():
        raise ValueError(f"{root}: no such folder")
    meta: dict[str, Any] = {}
    meta_path = root / "compare.json"
    if meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise ValueError(f"{meta_path}: not valid JSON ({e.msg})") from e
    records_dir = root / "records"
    found = sorted(p.name for p in records_dir.iterdir() if p.is_dir() and any(p.glob(ROUND_GLOB))) \
        if records_dir.is_dir() else []
    if not found:
        raise ValueError(f"{root}: no run records (expected {records_dir}/<variant>/round-<k>.json, "
                         "as written by `phasebench compare`)")
    order = [v for v in meta.get("variants", []) if v in found]
    order += [v for v in (["baseline"] if "baseline" in found and "baseline" not in order else []) ]
    order += [v for v in found if v not in order]
    records: dict[str, list[dict]] = {}
    profiles: dict[str, dict[str, Any]] = {}
    for v in order:
        files = sorted((records_dir / v).glob(ROUND_GLOB), key=lambda p: int(p.stem.split("-")[1]))
        records[v] = [load_record(f).data for f in files]
        prof = records_dir / v / "profile" / "run.json"
        if prof.is_file():
            section = (load_record(prof).data.get("passes") or {}).get("profile")
            if section:
                profiles[v] = section
    return records, meta, profiles


def build_report(run_dir: Path, *, charts: bool = True, baseline: str | None = None,
                 timeline_variant: str | None = None) -> dict[str, Path]:
    """Compare the records in `run_dir` and write ``report.md``, ``report.json`` and the charts there."""
    from harness.processors.compare import compare_records
    from harness.report import write_report

    records, meta, profiles = load_run_dir(run_dir)
    base = baseline or meta.get("baseline") or ("baseline" if "baseline" in records else next(iter(records)))
    if base not in records:
        raise ValueError(f"baseline {base!r} has no records in {run_dir} (found: {', '.join(records)})")
    if base != next(iter(records)):  # the baseline leads every table
        records = {base: records[base], **{k: v for k, v in records.items() if k != base}}
    changed = meta.get("changed_phases")
    if changed is None or meta.get("baseline", base) != base:
        changed = _changed_phases(list(records), base)
    comparison = compare_records(records, baseline=base, changed=changed, profiles=profiles, meta=meta,
                                 timeline_variant=timeline_variant)
    out = report_folder(Path(run_dir))
    return write_report(comparison, out, charts=charts, profile_links=_profile_links(out))


def report_folder(source: Path) -> Path:
    """Where the report of `source` goes: the compare folder itself, or `<name>-report/` next to a
    saved pytest-benchmark JSON file."""
    if source.is_file():
        out = source.with_name(f"{source.stem}-report")
        out.mkdir(exist_ok=True)
        return out
    return source


def _changed_phases(names: Sequence[str], base: str) -> dict[str, list[str]] | None:
    from solver_core.variants import VARIANTS

    if base not in VARIANTS or any(n not in VARIANTS for n in names):
        return None
    return {n: list(VARIANTS[n].changed_phases(VARIANTS[base])) for n in names}


def _profile_links(run_dir: Path) -> dict[str, dict[str, str]]:
    from harness.profile import FILES

    out: dict[str, dict[str, str]] = {}
    for prof in sorted((run_dir / "records").glob("*/profile")):
        links = {kind: f"records/{prof.parent.name}/profile/{name}" for kind, name in FILES.items()
                 if (prof / name).is_file()}
        if links:
            out[prof.parent.name] = links
    return out


def command_line() -> str:
    """The command as typed (for the report's header)."""
    prog = Path(sys.argv[0]).name if sys.argv else "phasebench"
    return " ".join([prog if prog != "__main__.py" else "phasebench", *sys.argv[1:]])


__all__ = ["RUN_SCHEMA", "build_report", "command_line", "load_run_dir", "measure_variants", "profile_variants",
           "resolve_variants"]
