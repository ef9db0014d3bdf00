"""Phase samples in pytest-benchmark JSON: written by the ``bench/`` suites, read back as run records.

The benchmarks in ``bench/`` store, per benchmark, ``extra_info`` of this shape (kept verbatim in
pytest-benchmark's saved JSON)::

    {"phasebench": 1, "variant": "fast", "phase": "end-to-end",     # or the benchmarked phase
     "workload": {...},
     "phase_samples_ns": {"total": [ns per round], "phase3a_validate": [...], ...},
     "trees": [compact span tree per round],                        # end-to-end benchmarks only
     "results": [rec.result per round: digest, counts]}             # end-to-end benchmarks only

and the ``pytest_benchmark_update_json`` hook of ``bench/conftest.py`` adds a top-level
``"phasebench"`` section (:func:`json_section`): the environment fingerprint of the machine and an
index ``variants -> phase -> samples`` of the end-to-end benchmarks.

:func:`records_from_benchmark_json` turns such a file back into run-record dicts per variant (one
per benchmark round: root ``run`` with the phase tree), so that ``phasebench report FILE.json`` and
``phasebench gate --against FILE.json`` treat saved benchmark runs like recorded pipeline runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from harness.processors.phases import phase_times
from harness.record import NODE, RESULT, WORKLOAD, RunRecord
from harness.safe_read import INT, OBJECT, STR, Fields, ListOf, MapOf, check_shape, nullable, read_document

SECTION = "phasebench"
SECTION_SCHEMA = "phasebench.benchjson/1"
END_TO_END = "end-to-end"

#: Node fields kept in the compact per-round trees (no per-call samples: they would bloat the JSON).
_TREE_KEYS = ("name", "wall_ns", "cpu_ns", "count", "min_ns", "max_ns", "attrs", "counters", "concurrent",
              "concurrency", "busy_ns", "workers", "declared_workers", "busy_cpu_ns", "tasks", "remote", "open")


def compact_tree(node: Any) -> dict[str, Any]:
    """A span tree (a `SpanNode` or its dict) with only the fields a report needs, no derived rows."""
    d = node.to_dict() if hasattr(node, "to_dict") else node
    out = {k: d[k] for k in _TREE_KEYS if k in d}
    out["children"] = [compact_tree(c) for c in d.get("children", ()) if not c.get("synthetic")]
    return out


def samples_from_trees(trees: Iterable[Mapping[str, Any]]) -> dict[str, list[int]]:
    """Per-phase columns (one value per round; 0 where a round lacks the phase), from
    `harness.processors.phases.phase_times` (``(unaccounted)`` rows included)."""
    rows = [phase_times(t) for t in trees]
    phases: list[str] = []
    for row in rows:
        phases += [p for p in row if p not in phases]
    return {p: [row.get(p, 0) for row in rows] for p in phases}


def extra_info(variant: str, phase: str, workload: Mapping[str, Any], trees: list[Mapping[str, Any]],
               *, keep_trees: bool = True, results: list[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The ``extra_info`` a phasebench benchmark stores (see the module docstring); `results` are the
    runs' ``rec.result`` (digest and counts; scalar values only are kept)."""
    compact = [compact_tree(t) for t in trees]
    info: dict[str, Any] = {"phasebench": 1, "variant": variant, "phase": phase, "workload": dict(workload),
                            "rounds": len(compact), "phase_samples_ns": samples_from_trees(compact)}
    if keep_trees:
        info["trees"] = compact
    if results is not None:
        info["results"] = [{k: v for k, v in r.items() if isinstance(v, (str, int, float, bool))} for r in results]
    return info


def _bench_dicts(benchmarks: Iterable[Any]) -> list[dict[str, Any]]:
    out = []
    for b in benchmarks:
        if isinstance(b, Mapping):
            out.append(dict(b))
        else:
            out.append({"fullname": getattr(b, "fullname", None), "name": getattr(b, "name", None),
                        "group": getattr(b, "group", None), "extra_info": dict(getattr(b, "extra_info", {}) or {})})
    return out


def json_section(benchmarks: Iterable[Any], environment: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The top-level ``"phasebench"`` section the update-json hook adds to a saved run."""
    if environment is None:
        from harness.environment import capture_environment

        environment = capture_environment(probe_gpu=False)
    variants: dict[str, dict[str, list[int]]] = {}
    index = []
    for b in _bench_dicts(benchmarks):
        info = b.get("extra_info") or {}
        if not info.get("phasebench"):
            continue
        index.append({"fullname": b.get("fullname"), "group": b.get("group"), "variant": info.get("variant"),
                      "phase": info.get("phase"), "rounds": info.get("rounds")})
        if info.get("phase") == END_TO_END and info.get("variant"):
            cols = variants.setdefault(str(info["variant"]), {})
            for phase, col in (info.get("phase_samples_ns") or {}).items():
                cols.setdefault(phase, []).extend(int(x) for x in col)
    return {"schema": SECTION_SCHEMA, "environment": dict(environment),
            "fingerprint_id": environment.get("fingerprint_id"), "variants": variants, "benchmarks": index}


def benchmark_environment(doc: Mapping[str, Any]) -> dict[str, Any] | None:
    """The phasebench environment fingerprint stored in a saved run (None for foreign files)."""
    section = doc.get(SECTION)
    if isinstance(section, Mapping) and isinstance(section.get("environment"), Mapping):
        return dict(section["environment"])
    fp = (doc.get("machine_info") or {}).get("phasebench_fingerprint_id")
    return {"fingerprint_id": fp} if fp else None


def _minimal_environment(doc: Mapping[str, Any]) -> dict[str, Any]:
    mi = doc.get("machine_info") or {}
    cpu = mi.get("cpu") or {}
    return {"python": mi.get("python_version"), "implementation": mi.get("python_implementation"),
            "system": mi.get("system"), "release": mi.get("release"), "machine": mi.get("machine"),
            "cpu_model": cpu.get("brand_raw"), "cpu_count": cpu.get("count"), "fingerprint_id": None,
            "source": "pytest-benchmark machine_info"}


def _record(tree: Mapping[str, Any], *, variant: str, environment: Mapping[str, Any], workload: Any,
            meta: Mapping[str, Any], created: str | None, result: Mapping[str, Any] | None = None) -> RunRecord:
    from harness.processors import derive
    from harness.record import build_record

    root = dict(tree)
    root["name"] = "run"
    return build_record(
        tree=derive(root), environment=environment, variant=variant, workload=workload, created=created,
        passes={"timing": {"produced": ["tree"], "clock": "perf_counter_ns",
                           "note": "rebuilt from a pytest-benchmark JSON (bench/ extra_info)"}},
        result=dict(result or {}), meta=meta,
    )


#: What `records_from_benchmark_json` reads of a saved pytest-benchmark run, and of each phasebench benchmark.
_DOC_SHAPE = Fields(required={"benchmarks": ListOf(Fields(optional={"extra_info": nullable(OBJECT)}))},
                    optional={"datetime": nullable(STR),
                              "machine_info": nullable(Fields(optional={"cpu": nullable(OBJECT)}))})
_INFO_SHAPE = Fields(optional={"variant": STR, "phase": STR, "trees": ListOf(NODE), "results": ListOf(RESULT),
                               "phase_samples_ns": MapOf(ListOf(INT)), "workload": WORKLOAD})


def _check_shape(doc: Mapping[str, Any], source: Path) -> None:
    """Refuse (a ValueError naming the file and JSON path) a document `records_from_benchmark_json` cannot read."""
    check_shape(doc, _DOC_SHAPE, source)
    for i, b in enumerate(doc["benchmarks"]):
        info = b.get("extra_info") or {}
        if info.get("phasebench"):
            check_shape(info, _INFO_SHAPE, source, f"benchmarks[{i}].extra_info")


def records_from_benchmark_json(path: str | os.PathLike[str]) -> dict[str, list[RunRecord]]:
    """Run-record dicts per variant from a pytest-benchmark JSON saved by the ``bench/`` suites.

    End-to-end benchmarks give one record per round, with the round's full phase tree. A variant
    that has only per-phase benchmarks gets records with a ``run`` root whose children are those
    phases (round *i* of each phase benchmark in record *i*; the root's wall time is their sum).
    Raises ``ValueError`` naming the file when it holds no phasebench benchmarks.
    """
    p = Path(path)
    doc = read_document(p)  # a clear ValueError naming the file for anything but a bounded regular file of JSON
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
        raise ValueError(f"{p}: field 'benchmarks' is missing: not a pytest-benchmark JSON")
    _check_shape(doc, p)
    env = benchmark_environment(doc) or _minimal_environment(doc)
    created = doc.get("datetime")
    if isinstance(created, str) and "+" in created:
        created = created.split("+")[0].split(".")[0] + "Z"
    end_to_end: dict[str, list[RunRecord]] = {}
    per_phase: dict[str, dict[str, list[int]]] = {}
    for b in doc["benchmarks"]:
        info = b.get("extra_info") or {}
        if not info.get("phasebench") or not info.get("variant"):
            continue
        variant = str(info["variant"])
        meta = {"source": str(p), "benchmark": b.get("fullname"), "group": b.get("group")}
        if info.get("phase") == END_TO_END and info.get("trees"):
            results = info.get("results") or []
            for i, tree in enumerate(info["trees"]):
                end_to_end.setdefault(variant, []).append(
                    _record(tree, variant=variant, environment=env, workload=info.get("workload"),
                            meta={**meta, "round": i}, created=created,
                            result=results[i] if i < len(results) else None))
        elif info.get("phase") and info.get("phase") != END_TO_END:
            col = (info.get("phase_samples_ns") or {}).get(info["phase"])
            if col:
                per_phase.setdefault(variant, {})[str(info["phase"])] = [int(x) for x in col]
    out = dict(end_to_end)
    for variant, cols in per_phase.items():
        if variant in out:
            continue
        rounds = min(len(c) for c in cols.values())
        records = []
        for i in range(rounds):
            children = [{"name": ph, "wall_ns": col[i], "cpu_ns": 0, "count": 1, "children": []}
                        for ph, col in cols.items()]
            tree = {"name": "run", "wall_ns": sum(c["wall_ns"] for c in children), "cpu_ns": 0, "count": 1,
                    "children": children}
            records.append(_record(tree, variant=variant, environment=env, workload=None,
                                   meta={"source": str(p), "round": i, "synthesised_from": "per-phase benchmarks"},
                                   created=created))
        out[variant] = records
    if not out:
        raise ValueError(f"{p}: no phasebench benchmarks in this pytest-benchmark JSON "
                         "(expected extra_info with 'phasebench' and 'variant', as bench/ writes)")
    return out


__all__ = ["END_TO_END", "SECTION", "benchmark_environment", "compact_tree", "extra_info", "json_section",
           "records_from_benchmark_json", "samples_from_trees"]
