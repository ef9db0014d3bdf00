"""Saved runs the gate compares against (verdicts, pytest-benchmark JSON, run records), machine
fingerprints, and the gate's output files."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.atomic import write_atomic
from harness.gate.decide import to_columns
from harness.gate.rules import SAVED_SUFFIX, TOTAL, VERDICT_SCHEMA, GateConfig, GateError, Rule, is_saved
from harness.record import validate_record
from harness.safe_read import INT, OBJECT, STR, Fields, ListOf, MapOf, Spec, check_shape, nullable, read_document


def write_outputs(payload: Mapping[str, Any], markdown: str, verdict_path: Path | None,
                  summary_path: Path | None, *, step_summary: bool = True) -> list[Path]:
    """Write the verdict JSON and the markdown summary; append the summary to $GITHUB_STEP_SUMMARY."""
    written = []
    if verdict_path is not None:
        write_atomic(verdict_path, json.dumps(payload, indent=1, allow_nan=False) + "\n")
        written.append(verdict_path)
    if summary_path is not None:
        write_atomic(summary_path, markdown)
        written.append(summary_path)
    gh = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary and gh:
        try:
            with open(gh, "a", encoding="utf-8") as f:
                f.write(markdown + "\n")
        except OSError:
            pass
    return written


@dataclass(frozen=True)
class SavedRun:
    """Per-variant phase columns from a saved run, with the machine fingerprint it was recorded on."""

    source: str
    kind: str
    samples: dict[str, dict[str, list[int]]]
    fingerprint_id: str | None
    environment: dict[str, Any] | None
    #: what its samples measure ("wall" for run records and pytest-benchmark files) and its workload
    measure: str = "wall"
    workload: dict[str, Any] | None = None


def _fingerprint(env: Any) -> str | None:
    return env.get("fingerprint_id") if isinstance(env, dict) else None


def load_saved(path: str | os.PathLike[str]) -> SavedRun:
    """Read a saved run: a gate verdict JSON (its ``samples``), a pytest-benchmark JSON saved from
    ``bench/`` (see `harness.benchjson`), a run record, or a folder of run records (``*.json``)."""
    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.rglob("*.json") if f.is_file())
        if not files:
            raise GateError(f"{p}: no *.json run records in this folder")
        docs = [(f, _read_json(f)) for f in files]
        records = [(f, d) for f, d in docs
                   if isinstance(d, dict) and str(d.get("schema", "")).startswith("phasebench.run/")]
        if not records:
            raise GateError(f"{p}: none of its {len(files)} JSON files is a phasebench run record")
        return _from_records(str(p), [_checked(f, d) for f, d in records])
    doc = _read_json(p)
    if not isinstance(doc, dict):
        raise GateError(f"{p}: not a saved run (expected a JSON object)")
    schema = str(doc.get("schema", ""))
    if schema == VERDICT_SCHEMA:
        if doc.get("mode") == "aa" or "samples" not in doc:
            raise GateError(f"{p}: this gate verdict holds no samples to compare against")
        _checked(p, doc, _VERDICT_SHAPE)
        samples = {name: {ph: [int(x) for x in col] for ph, col in cols.items()}
                   for name, cols in doc["samples"].items()}
        env = doc.get("environment")
        workload = doc.get("workload") if isinstance(doc.get("workload"), dict) else None
        return SavedRun(str(p), "gate verdict", samples, _fingerprint(env), env, str(doc.get("measure") or "wall"),
                        workload)
    if schema.startswith("phasebench.run/"):
        return _from_records(str(p), [_checked(p, doc)])
    if "benchmarks" in doc and "machine_info" in doc:
        from harness.benchjson import benchmark_environment, records_from_benchmark_json

        try:
            per_variant = records_from_benchmark_json(p)
        except ValueError as exc:
            raise GateError(str(exc)) from None
        env = benchmark_environment(doc)
        samples = {name: to_columns(recs) for name, recs in per_variant.items()}
        return SavedRun(str(p), "pytest-benchmark", samples, _fingerprint(env), env)
    raise GateError(f"{p}: not a gate verdict, run record or pytest-benchmark JSON")


def _read_json(p: Path) -> Any:
    """A saved file's JSON (a bounded regular file of strict JSON), or GateError naming the file."""
    try:
        return read_document(p)
    except ValueError as exc:
        raise GateError(str(exc)) from None


#: What `load_saved` reads of a gate verdict.
_VERDICT_SHAPE = Fields(required={"samples": MapOf(MapOf(ListOf(INT)))},
                        optional={"environment": nullable(OBJECT), "measure": nullable(STR)})


def _checked(p: Path, doc: Any, spec: Spec | None = None) -> Any:
    """`doc` if it fits `spec` (a run record when None), else GateError naming the file and the JSON path."""
    try:
        if spec is None:
            validate_record(doc, str(p))
        else:
            check_shape(doc, spec, p)
    except ValueError as exc:
        raise GateError(str(exc)) from None
    return doc


def _from_records(source: str, records: list[dict[str, Any]]) -> SavedRun:
    fps = {_fingerprint(r.get("environment")) for r in records}
    if len(fps) > 1:
        raise GateError(f"{source}: the run records come from different machine fingerprints "
                        f"({', '.join(sorted(str(f) for f in fps))}): not comparable with each other")
    by_variant: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_variant.setdefault(str(r.get("variant")), []).append(r)
    samples = {name: to_columns(recs) for name, recs in by_variant.items()}
    env = records[0].get("environment")
    workload = records[0].get("workload")
    return SavedRun(source, "run records", samples, fps.pop(), env if isinstance(env, dict) else None, "wall",
                    workload if isinstance(workload, dict) else None)


def check_fingerprint(saved: SavedRun, current: Mapping[str, Any], *, allow_mismatch: bool = False) -> str | None:
    """Refuse (GateError) a saved run from another machine fingerprint unless `allow_mismatch`;
    returns a warning line when comparing anyway, else None."""
    here = current.get("fingerprint_id")
    if saved.fingerprint_id == here and here is not None:
        return None
    if saved.fingerprint_id is None:
        problem = f"{saved.source} records no machine fingerprint (environment.fingerprint_id)"
    else:
        theirs = saved.environment or {}
        problem = (f"{saved.source} was recorded on machine fingerprint {saved.fingerprint_id} "
                   f"({_describe_env(theirs)}); this machine is {here} ({_describe_env(current)})")
    if not allow_mismatch:
        raise GateError(f"{problem}: timings from different machines are not comparable. "
                        "Re-record the saved run here, or pass --allow-fingerprint-mismatch to compare anyway")
    return f"warning: {problem}; comparing anyway (--allow-fingerprint-mismatch)"


#: Spellings of one workload key in run records (`solver_core.pipeline.run`) and in gate descriptions.
_ALIASES = {"task_ids": "tasks", "timeout_s": "timeout"}


def _normalise(workload: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in workload.items():
        key = _ALIASES.get(key, key)
        if key == "tasks" and not isinstance(value, (list, tuple)):
            if "task_ids" in workload:
                continue  # a run record's task count: its ids say more
        out[key] = list(value) if isinstance(value, tuple) else value
    return out


def workload_differences(saved: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """``"KEY: saved X, now Y"`` for every workload setting both name with different values (unset: None)."""
    a, b = _normalise(saved), _normalise(current)
    return [f"{k}: saved {a[k]!r}, now {b[k]!r}" for k in sorted(set(a) & set(b))
            if a[k] is not None and b[k] is not None and a[k] != b[k]]


def check_comparable(saved: SavedRun, workload: Mapping[str, Any], measure: str) -> str | None:
    """Refuse (GateError) a saved run of another workload or settings, or of another measure; returns a
    warning line when the saved run does not say what it measured, else None."""
    if saved.measure != measure:
        raise GateError(f"{saved.source} holds {saved.measure} measurements; this gate measures {measure}: "
                        f"not comparable (give --measure {saved.measure}, or save a run measured the same way)")
    if saved.workload is None:
        return f"warning: {saved.source} does not record its workload: cannot check that it is the same one"
    diffs = workload_differences(saved.workload, workload)
    if diffs:
        raise GateError(f"{saved.source} measured another workload or settings ({'; '.join(diffs)}): not "
                        "comparable. Run the gate with the saved run's options, or save a run of this workload")
    return None


def free_paths(paths: Sequence[Path], *, force: bool) -> tuple[list[Path], Path | None]:
    """Where the outputs go without overwriting an earlier run's: `paths` themselves when none exists (or
    `force`), else the first ``<stem>-N<suffix>`` names free for all of them. Returns ``(paths, clashing)``
    with the existing file that made it move (None when nothing moved)."""
    taken = next((p for p in paths if p.exists()), None)
    if force or taken is None:
        return list(paths), None
    for n in range(2, 100_000):
        moved = [p.with_name(f"{p.stem}-{n}{p.suffix}") for p in paths]
        if not any(p.exists() for p in moved):
            return moved, taken
    raise GateError(f"no free name next to {taken}: clean up the folder or pass --force")


def _describe_env(env: Mapping[str, Any]) -> str:
    return (f"Python {env.get('python')}, {env.get('machine')}, {env.get('cpu_model')}, "
            f"{env.get('cpu_count')} CPUs")


def against_rules(config: GateConfig, saved: SavedRun, max_ratio: float | None = None,
                  variants: Sequence[str] | None = None) -> tuple[Rule, ...]:
    """``PHASE: V / V@saved <= max_ratio`` for each measured variant V the saved run also has and each
    phase the configured rules name (``total`` if none)."""
    bound = config.against_max_ratio if max_ratio is None else max_ratio
    names = list(variants) if variants else [r.variant for r in config.rules if not is_saved(r.variant)]
    names = [n for n in dict.fromkeys(names)]
    if not names:
        raise GateError("no variants to compare with the saved run (give --variants)")
    missing = [n for n in names if n not in saved.samples]
    if missing:
        raise GateError(f"{saved.source} has no samples of {', '.join(missing)} "
                        f"(it has: {', '.join(sorted(saved.samples)) or 'none'})")
    phases = list(dict.fromkeys(r.phase for r in config.rules)) or [TOTAL]
    return tuple(Rule(p, n, n + SAVED_SUFFIX, bound) for n in names for p in phases)
