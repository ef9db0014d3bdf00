"""The comparison report of a `phasebench compare` folder: ``report.md``, ``report.json`` and ``charts/``.

`build_report` reads the folder's saved records (`load_run_dir`; or a pytest-benchmark JSON saved from
``bench/``), compares them (`harness.processors.compare`) and writes the report (`write_report`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.atomic import write_atomic
from harness.benchjson import records_from_benchmark_json
from harness.record import RunRecord, load_compare_meta, load_record, round_number

if TYPE_CHECKING:
    from harness.workload import Workload

#: Round files of a compare folder: ``records/<variant>/round-<k>.json``.
ROUND_GLOB = "round-*.json"
REPORT_MD = "report.md"
#: The run record `phasebench run` writes into its folder.
RUN_JSON = "run.json"
REPORT_JSON = "report.json"
CHARTS_DIR = "charts"


def write_report(
    comparison: Any,
    out_dir: str | Path,
    *,
    charts: bool = True,
    dpi: int = 100,
    profile_links: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Path]:
    """Render `comparison` (a `Comparison` or its dict) into `out_dir`; returns the written files by kind.

    Keys: ``markdown``, ``json`` and ``chart:<name>.<format>`` for each chart.
    """
    from harness.renderers.markdown import MarkdownRenderer

    out = Path(out_dir)
    data = comparison.to_dict() if hasattr(comparison, "to_dict") else dict(comparison)
    files: dict[str, Path] = {}
    chart_links: dict[str, dict[str, str]] = {}
    chart_dir = out / CHARTS_DIR
    for stale in chart_dir.glob("*.*") if chart_dir.is_dir() else ():
        if stale.suffix in (".png", ".svg"):
            stale.unlink()
    if charts:
        from harness.renderers.charts import render_charts

        try:
            drawn = render_charts(data, chart_dir, dpi=dpi)
        except BaseException:
            if chart_dir.is_dir() and not any(chart_dir.iterdir()):  # leave no empty charts/ behind
                chart_dir.rmdir()
            raise
        for name, by_fmt in drawn.items():
            for fmt, path in by_fmt.items():
                files[f"chart:{name}.{fmt}"] = path
                chart_links.setdefault(name, {})[fmt] = path.relative_to(out).as_posix()
    from harness.renderers.prose import significant_changes

    data = {**data, "charts": chart_links, "profile_files": dict(profile_links or {}),
            "changed_significantly": significant_changes(data)}
    files["json"] = write_atomic(out / REPORT_JSON,
                                json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n")
    md = MarkdownRenderer(charts=chart_links, profile_links=profile_links).render_dict(data)
    files["markdown"] = write_atomic(out / REPORT_MD, md)
    return files


def step_summary(comparison: Any) -> str:
    """The report as markdown for ``$GITHUB_STEP_SUMMARY`` (charts listed, not embedded)."""
    from harness.renderers.markdown import MarkdownRenderer

    data = comparison.to_dict() if hasattr(comparison, "to_dict") else dict(comparison)
    return MarkdownRenderer(charts=data.get("charts") or {}, images=False).render_dict(data)


def append_step_summary(markdown: str, path: str | os.PathLike[str] | None = None) -> Path | None:
    """Append `markdown` to `path` (default: ``$GITHUB_STEP_SUMMARY``); None when there is nowhere to write."""
    target = path or os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    p = Path(target)
    with p.open("a", encoding="utf-8") as f:
        f.write(markdown)
        if not markdown.endswith("\n"):
            f.write("\n")
    return p


def load_run_dir(run_dir: Path) -> tuple[dict[str, list[RunRecord]], dict[str, Any], dict[str, dict[str, Any]]]:
    """``(records per variant, compare.json contents, profile sections per variant)`` of a saved result:
    a compare folder, a `phasebench run` folder (its ``run.json``: one variant, one round) or a
    pytest-benchmark JSON saved from ``bench/``.

    Variants are in ``compare.json``'s order (else baseline first, then by name). ``ValueError`` with
    a clear message for a folder that holds no records.
    """
    root = Path(run_dir)
    if root.suffix == ".json" and not root.is_dir():  # a run saved by pytest-benchmark (bench/); the reader refuses
        # anything but a regular file (a FIFO, a device) with a clear error
        saved = records_from_benchmark_json(root)
        if not saved:
            raise ValueError(f"{root}: no phasebench phase samples in this pytest-benchmark file")
        return saved, {"source": str(root)}, {}
    if not root.exists():
        raise ValueError(f"{root}: no such file or folder")
    if not root.is_dir():
        raise ValueError(f"{root}: not a folder written by `phasebench compare` or `run`, nor a pytest-benchmark JSON")
    if not (root / "records").is_dir() and os.path.lexists(root / RUN_JSON):  # a `phasebench run` folder
        record = load_record(root / RUN_JSON).data
        return {str(record.get("variant") or "run"): [record]}, {"source": str(root)}, {}
    meta: dict[str, Any] = {}
    meta_path = root / "compare.json"
    if os.path.lexists(meta_path):  # whatever is there must be a readable compare.json of the right shape
        meta = load_compare_meta(meta_path)
    records_dir = root / "records"
    found = sorted(p.name for p in records_dir.iterdir() if p.is_dir() and any(p.glob(ROUND_GLOB))) \
        if records_dir.is_dir() else []
    if not found:
        raise ValueError(f"{root}: no run records (expected {records_dir}/<variant>/round-<k>.json, "
                         "as written by `phasebench compare`)")
    order = [v for v in meta.get("variants", []) if v in found]
    order += ["baseline"] if "baseline" in found and "baseline" not in order else []
    order += [v for v in found if v not in order]
    records: dict[str, list[RunRecord]] = {}
    profiles: dict[str, dict[str, Any]] = {}
    for v in order:
        files = sorted((records_dir / v).glob(ROUND_GLOB), key=round_number)
        records[v] = [load_record(f).data for f in files]
        prof = records_dir / v / "profile" / "run.json"
        if os.path.lexists(prof):
            section = (load_record(prof).data.get("passes") or {}).get("profile")
            if section:
                profiles[v] = section
    return records, meta, profiles


def build_report(run_dir: Path, *, charts: bool = True, baseline: str | None = None,
                 timeline_variant: str | None = None, workload: Workload | None = None) -> dict[str, Path]:
    """Compare the records in `run_dir` and write ``report.md``, ``report.json`` and the charts there.

    `workload` says which phases each variant changes when ``compare.json`` does not (or names another
    baseline).
    """
    from harness.processors.compare import compare_records

    records, meta, profiles = load_run_dir(run_dir)
    base = baseline or meta.get("baseline") or ("baseline" if "baseline" in records else next(iter(records)))
    if base not in records:
        raise ValueError(f"baseline {base!r} has no records in {run_dir} (found: {', '.join(records)})")
    if base != next(iter(records)):  # the baseline leads every table
        records = {base: records[base], **{k: v for k, v in records.items() if k != base}}
    changed = meta.get("changed_phases")
    if changed is None or meta.get("baseline", base) != base:
        changed = _changed_phases(workload, list(records), base)
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


def _changed_phases(workload: Workload | None, names: Sequence[str], base: str) -> dict[str, list[str]] | None:
    known = workload.variants() if workload is not None else {}
    if workload is None or base not in known or any(n not in known for n in names):
        return None
    return {n: list(workload.changed_phases(n, base)) for n in names}


def _profile_links(run_dir: Path) -> dict[str, dict[str, str]]:
    from harness.profile import FILES

    out: dict[str, dict[str, str]] = {}
    for prof in sorted((run_dir / "records").glob("*/profile")):
        links = {kind: f"records/{prof.parent.name}/profile/{name}" for kind, name in FILES.items()
                 if (prof / name).is_file()}
        if links:
            out[prof.parent.name] = links
    return out


class MismatchError(ValueError):
    """Two saved runs that measured different workloads or on different machines (``--allow-mismatch``)."""


def _label(source: Path) -> str:
    return source.stem if source.is_file() else source.name


def _pick_variant(a: Mapping[str, Any], b: Mapping[str, Any], variant: str | None) -> str:
    common = [v for v in a if v in b]
    if variant is not None:
        missing = [x for x, recs in (("A", a), ("B", b)) if variant not in recs]
        if missing:
            raise ValueError(f"variant {variant!r} is not in {' and '.join(missing)} "
                             f"(A has {', '.join(a)}; B has {', '.join(b)})")
        return variant
    if not common:
        raise ValueError(f"A and B have no variant in common (A: {', '.join(a)}; B: {', '.join(b)})")
    return "baseline" if "baseline" in common else common[0]


def _workload_key(record: Mapping[str, Any]) -> Any:
    """What must be equal for two runs to be comparable: the workload description (task ids, settings)."""
    wl = record.get("workload")
    if isinstance(wl, Mapping) and isinstance(wl.get("tasks"), list):  # pytest-benchmark's form: tasks = ids
        wl = {**{k: v for k, v in wl.items() if k != "tasks"}, "tasks": len(wl["tasks"]), "task_ids": wl["tasks"]}
    if isinstance(wl, Mapping):
        wl = {("timeout" if k == "timeout_s" else k): v for k, v in wl.items()}
    return json.dumps(wl, sort_keys=True, default=str)


def check_comparable(a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]], *, variant: str) -> None:
    """`MismatchError` when the records of A and B come from different workloads or machines (as
    ``asv compare`` refuses results of different machines)."""
    from harness.renderers.prose import workload_words

    wa, wb = _workload_key(a[0]), _workload_key(b[0])
    if wa != wb:
        raise MismatchError(f"A and B measured different workloads for {variant!r} (A: "
                            f"{workload_words(a[0].get('workload'))}; B: {workload_words(b[0].get('workload'))})")
    fa = {str((r.get("environment") or {}).get("fingerprint_id")) for r in a}
    fb = {str((r.get("environment") or {}).get("fingerprint_id")) for r in b}
    if fa != fb:
        raise MismatchError(f"A and B were measured on different machines (fingerprints A: {', '.join(sorted(fa))}; "
                            f"B: {', '.join(sorted(fb))}): their times are not comparable")


def compare_saved(a: Path, b: Path, out_dir: Path, *, variant: str | None = None, allow_mismatch: bool = False,
                  charts: bool = True) -> dict[str, Path]:
    """The phase-by-phase report of saved run B against saved run A (each a compare folder, a run folder
    or a pytest-benchmark JSON) for one variant, written to `out_dir`.

    The runs were measured apart (not interleaved), so ratios are ratios of medians with an unpaired
    bootstrap CI. `MismatchError` for different workloads or machines unless `allow_mismatch`;
    ``ValueError`` when there is nothing to compare.
    """
    from harness.processors.compare import compare_records

    ra, meta_a, _ = load_run_dir(Path(a))
    rb, meta_b, _ = load_run_dir(Path(b))
    v = _pick_variant(ra, rb, variant)
    if not allow_mismatch:
        check_comparable(ra[v], rb[v], variant=v)
    name_a, name_b = f"A:{v}", f"B:{v}"
    records = {name_a: [_renamed(r, name_a) for r in ra[v]], name_b: [_renamed(r, name_b) for r in rb[v]]}
    meta = {"title": f"phasebench: {v} in B against A (two saved runs)",
            "sources": {"A": str(a), "B": str(b)}, "saved": True,
            "started": meta_b.get("started"), "command": meta_b.get("command")}
    comparison = compare_records(records, baseline=name_a, meta={k: x for k, x in meta.items() if x is not None},
                                 paired=False)
    out = Path(out_dir)
    return write_report(comparison, out, charts=charts)


def _renamed(record: Mapping[str, Any], name: str) -> dict[str, Any]:
    return {**record, "variant": name}


__all__ = ["CHARTS_DIR", "REPORT_JSON", "REPORT_MD", "ROUND_GLOB", "RUN_JSON", "MismatchError", "append_step_summary",
           "build_report", "check_comparable", "compare_saved", "load_run_dir", "report_folder", "step_summary",
           "write_report"]
