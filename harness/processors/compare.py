"""`compare_records`: the phase-by-phase comparison of variants, as plain data (a pure processor).

Input: the timing rounds' run records of every variant (``{variant: [record of round 0, 1, ...]}``,
round ``i`` of every variant measured in the same interleaved round). Output: a :class:`Comparison`,
which the markdown and JSON renderers format and :mod:`harness.renderers.charts` draws.

Rows. Every record's tree is cut into *phase rows* that add up, in every round, exactly to the
root's wall time: the tree is expanded from the root through *containers* (nodes whose children have
children of their own, such as ``run_batt`` and ``check_batt``); the other nodes, and every
``(unaccounted)`` row of an expanded node, are phase rows. Their descendants are *detail* rows. A
concurrent container (e.g. ``tasks``, whole tasks spread over worker processes) is a phase row of
kind ``parallel`` holding the section's elapsed time; the phases below it are sums over the workers
(``summed``, shown with Σ): they add up to the section's *busy* time (Σ of the workers' task times),
with the rest of the workers' time as a ``<section>/(unaccounted)`` row, and are never added to wall
time. Paths below a concurrent container leave the container out, so ``phase2_inline`` of a variant
that runs whole tasks in workers lines up with ``phase2_inline`` of the sequential baseline.

Statistics. Per phase and variant: median wall and CPU over the rounds, share of the total (or of
the section's busy time for Σ rows), and the ratio to the baseline's median with a paired-bootstrap
confidence interval (:func:`harness.stats.ratio_ci`). Never a mean.

Keys. A row's key is its name when that is unambiguous (``phase3a_validate``), else the shortest
unambiguous path suffix (``score_demo/run_batch``); ``(unaccounted)`` rows are
``<parent>/(unaccounted)``, as in :func:`phase_times`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.processors import UNACCOUNTED, consistency_issues, derive, real_children
from harness.stats import RatioCI, finite_or_none, median, ratio_ci

# -------------------------------------------------------------------------------- phase_times


def _record_dict(record: Any) -> dict[str, Any]:
    data = getattr(record, "data", None)  # LoadedRecord
    if isinstance(data, Mapping):
        return dict(data)
    if isinstance(record, Mapping):
        return dict(record)
    to_dict = getattr(record, "to_dict", None)
    if callable(to_dict):
        return to_dict()  # type: ignore[no-any-return]
    raise TypeError(f"not a run record: {type(record).__name__}")


def phase_times(record: Mapping[str, Any]) -> dict[str, int]:
    """Phase name -> ``wall_ns`` summed over every node of that name in the record's tree.

    ``(unaccounted)`` rows are keyed ``"<parent name>/(unaccounted)"`` (e.g. ``"check_batt/(unaccounted)"``)
    and ``"total"`` is the root's ``wall_ns``. Times of nodes merged from workers are sums over the
    workers (see the tree's ``remote`` flag); the root's wall is elapsed time.
    """
    tree = derive(_record_dict(record)["tree"])
    out: dict[str, int] = {}

    def visit(node: Mapping[str, Any]) -> None:
        for c in node.get("children", ()):
            key = f"{node['name']}/{UNACCOUNTED}" if c.get("synthetic") else str(c["name"])
            out[key] = out.get(key, 0) + int(c["wall_ns"])
            visit(c)

    visit(tree)
    out["total"] = int(tree["wall_ns"])
    return out


# ------------------------------------------------------------------------------ extraction

#: Row kinds. Phase rows (``partition``): phase, unaccounted, parallel. Others: group, detail, detail-unaccounted.
PHASE, UNACC_KIND, PARALLEL, GROUP, DETAIL, DETAIL_UNACC = (
    "phase",
    "unaccounted",
    "parallel",
    "group",
    "detail",
    "detail-unaccounted",
)
_PARTITION_KINDS = frozenset({PHASE, UNACC_KIND, PARALLEL})
#: Attributes that describe how work was spread, not what it did (left out of the counters).
_NOT_COUNTERS = frozenset({"workers", "chunks", "chunksize"})


@dataclass
class _Entry:
    path: tuple[str, ...]  # normalised: root and concurrent containers left out
    tree_path: tuple[str, ...]  # the node's path in the tree (for (unaccounted): its parent's path)
    name: str
    kind: str
    depth: int
    wall: int
    cpu: int
    summed: bool  # a sum over concurrent work (some ancestor is concurrent)
    section: tuple[str, ...] | None  # nearest concurrent ancestor (normalised path) when summed
    node: Mapping[str, Any] | None  # the tree node (None for computed rows)


def container_names(trees: Sequence[Mapping[str, Any]]) -> set[str]:
    """Names of nodes that have, in some tree, a child with children of its own (expanded into rows)."""
    names: set[str] = set()
    stack = list(trees)
    while stack:
        node = stack.pop()
        kids = real_children(node)
        if any(real_children(c) for c in kids):
            names.add(str(node["name"]))
        stack.extend(kids)
    return names


def _busy(node: Mapping[str, Any]) -> int:
    return int(node.get("busy_ns", node["wall_ns"]))


def _extract(tree: Mapping[str, Any], containers: Collection[str]) -> list[_Entry]:
    """Rows of one derived tree, depth first (a parent before its children, ``(unaccounted)`` last)."""
    out: list[_Entry] = []

    def gap_row(node: Mapping[str, Any], npath: tuple[str, ...], tpath: tuple[str, ...], kind: str, depth: int) -> None:
        kids = real_children(node)
        gap = _busy(node) - sum(int(c["wall_ns"]) for c in kids)
        cpu_gap = int(node.get("busy_cpu_ns", node["cpu_ns"])) - sum(int(c["cpu_ns"]) for c in kids)
        out.append(_Entry((*npath, UNACCOUNTED), tpath, UNACCOUNTED, kind, depth, gap, cpu_gap, True, npath, None))

    def details(node: Mapping[str, Any], npath: tuple[str, ...], tpath: tuple[str, ...], summed: bool,
                section: tuple[str, ...] | None, depth: int) -> None:
        concurrent = bool(node.get("concurrent"))
        c_summed, c_section = summed or concurrent, (npath if concurrent else section)
        for c in node.get("children", ()):
            if c.get("synthetic"):
                out.append(_Entry((*npath, UNACCOUNTED), tpath, UNACCOUNTED, DETAIL_UNACC, depth, int(c["wall_ns"]),
                                  int(c["cpu_ns"]), c_summed, c_section, c))
                continue
            cp, ctp = (*npath, str(c["name"])), (*tpath, str(c["name"]))
            out.append(_Entry(cp, ctp, str(c["name"]), DETAIL, depth, int(c["wall_ns"]), int(c["cpu_ns"]), c_summed,
                              c_section, c))
            details(c, cp, ctp, c_summed, c_section, depth + 1)
        if concurrent and real_children(node):
            gap_row(node, npath, tpath, DETAIL_UNACC, depth)

    def expand(node: Mapping[str, Any], npath: tuple[str, ...], tpath: tuple[str, ...], summed: bool,
               section: tuple[str, ...] | None) -> None:
        concurrent = bool(node.get("concurrent")) and bool(npath)
        base = npath[:-1] if concurrent else npath  # a concurrent container is left out of its children's paths
        c_summed, c_section = summed or concurrent, (npath if concurrent else section)
        for c in node.get("children", ()):
            if c.get("synthetic"):
                out.append(_Entry((*base, UNACCOUNTED), tpath, UNACCOUNTED, UNACC_KIND, 0, int(c["wall_ns"]),
                                  int(c["cpu_ns"]), c_summed, c_section, c))
                continue
            name = str(c["name"])
            cp, ctp = (*base, name), (*tpath, name)
            wall, cpu = int(c["wall_ns"]), int(c["cpu_ns"])
            if name in containers and real_children(c):
                kind = PARALLEL if c.get("concurrent") else GROUP
                out.append(_Entry(cp, ctp, name, kind, 0, wall, cpu, c_summed, c_section, c))
                expand(c, cp, ctp, c_summed, c_section)
            else:
                out.append(_Entry(cp, ctp, name, PHASE, 0, wall, cpu, c_summed, c_section, c))
                details(c, cp, ctp, c_summed, c_section, 1)
        if concurrent and real_children(node):
            gap_row(node, npath, tpath, UNACC_KIND, 0)

    expand(tree, (), (str(tree["name"]),), False, None)
    return out


def _assign_keys(paths: Sequence[tuple[str, ...]], root_name: str) -> dict[tuple[str, ...], str]:
    """The shortest unambiguous ``/``-joined path suffix of every path (``(unaccounted)`` keeps its parent)."""
    length = {p: (2 if p[-1] == UNACCOUNTED else 1) for p in paths}

    def key(p: tuple[str, ...]) -> str:
        if p == (UNACCOUNTED,):
            return f"{root_name}/{UNACCOUNTED}"
        return "/".join(p[-length[p]:])

    for _ in range(64):
        seen: dict[str, list[tuple[str, ...]]] = {}
        for p in paths:
            seen.setdefault(key(p), []).append(p)
        clashes = [ps for ps in seen.values() if len(ps) > 1]
        if not clashes:
            break
        for ps in clashes:
            for p in ps:
                length[p] = min(len(p), length[p] + 1)
    return {p: key(p) for p in paths}


def _merge_order(orders: Sequence[Sequence[tuple[str, ...]]]) -> list[tuple[str, ...]]:
    """One row order for all variants: the first order, with new paths inserted after their predecessor."""
    merged: list[tuple[str, ...]] = []
    for order in orders:
        for i, p in enumerate(order):
            if p in merged:
                continue
            prev = next((q for q in reversed(order[:i]) if q in merged), None)
            merged.insert(0 if prev is None else merged.index(prev) + 1, p)
    return merged


# ---------------------------------------------------------------------------------- data model


def _jsonable(x: Any) -> Any:
    if isinstance(x, float):
        return finite_or_none(x)
    if isinstance(x, RatioCI):
        return x.to_dict()
    if isinstance(x, Mapping):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if hasattr(x, "to_dict"):
        return x.to_dict()
    return x


class _Data:
    """Mixin: ``to_dict`` of a dataclass, JSON-ready (tuples as lists, NaN as None)."""

    def to_dict(self) -> dict[str, Any]:
        return {k: _jsonable(getattr(self, k)) for k in self.__dataclass_fields__}  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Cell(_Data):
    """One phase of one variant over the rounds."""

    samples_ns: tuple[int, ...]
    cpu_samples_ns: tuple[int, ...]
    median_ns: float
    cpu_median_ns: float
    share: float | None  # of the total (elapsed rows) or of the section's busy time (summed rows)
    share_base: str  # "total" or the key of the parallel section / concurrent phase whose busy time it is part of
    attributed_share: float | None  # share of the total; for Σ rows: share of the section × its share of the total
    summed: bool  # Σ over concurrent work: not elapsed time
    concurrent: bool  # the node itself ran concurrent work (wall = elapsed; busy etc. under `concurrency`)
    kind: str
    ratio: RatioCI | None  # vs the baseline's same row (None: baseline itself, missing, or zero)
    cpu_ratio: float | None


@dataclass(frozen=True)
class Row(_Data):
    """One phase row (or detail row) of the comparison, with a cell per variant that has it."""

    key: str
    name: str
    path: tuple[str, ...]
    kind: str  # phase, unaccounted, parallel, group, detail, detail-unaccounted
    depth: int
    partition: bool  # a phase row: the rows of a variant add up to its total (Σ rows: to their section's busy)
    cells: dict[str, Cell]

    @property
    def unaccounted(self) -> bool:
        return self.path[-1] == UNACCOUNTED


@dataclass(frozen=True)
class VariantSummary(_Data):
    name: str
    rounds: int
    total_samples_ns: tuple[int, ...]
    total_median_ns: float
    total_min_ns: int
    total_max_ns: int
    cpu_median_ns: float  # the main process's CPU
    worker_cpu_median_ns: float | None  # Σ of the worker processes' CPU (merged worker tasks), when any
    ratio: RatioCI | None
    digest: str | None
    digests: tuple[str, ...]
    digest_ok: bool | None  # equal to the baseline's in every round (None: no digest recorded)
    invalid: bool
    parallel: bool
    changed_phases: tuple[str, ...] | None
    fingerprint: str | None


@dataclass(frozen=True)
class JourneyStep(_Data):
    variant: str
    previous: str
    total_median_ns: float
    delta_ns: float  # vs the previous step
    step_ratio: RatioCI  # this / previous
    cumulative_ratio: RatioCI | None  # this / baseline


@dataclass(frozen=True)
class Bottleneck(_Data):
    variant: str
    largest: str  # key of the largest phase row
    largest_share: float  # of the total (attributed for Σ rows)
    largest_summed: bool
    grew: str | None  # the phase whose share grew most vs the baseline
    grew_from: float | None
    grew_to: float | None
    shrank: str | None
    shrank_from: float | None
    shrank_to: float | None


@dataclass(frozen=True)
class PredictionItem(_Data):
    label: str
    key: str | None
    delta_ns: float
    kind: str  # unchanged-moved, missing, new, parallel-overlap, non-additive


@dataclass(frozen=True)
class Prediction(_Data):
    """Amdahl: the baseline's total with only the changed phases moved to their measured medians."""

    variant: str
    changed: tuple[str, ...]  # phase names the variant changes (as declared)
    changed_rows: tuple[str, ...]  # baseline phase rows affected
    predicted_ns: float
    actual_ns: float
    difference_ns: float  # actual − predicted
    predicted_ratio: float | None
    actual_ratio: float | None
    items: tuple[PredictionItem, ...]  # the difference, explained (sums to difference_ns)
    named: str  # the largest item, in words


@dataclass(frozen=True)
class ConcurrencyRow(_Data):
    variant: str
    key: str
    path: tuple[str, ...]
    kind: str  # workers, declared, overlapping-calls, overlapping-children
    workers: int
    tasks: int | None
    wall_median_ns: float
    busy_median_ns: float
    busy_cpu_median_ns: float | None
    efficiency: float | None  # median over rounds of busy / (wall × workers)
    cpu_efficiency: float | None
    speedup: float | None  # busy / wall (median over rounds)
    summed: bool  # the node itself is inside another concurrent node


@dataclass(frozen=True)
class CounterRow(_Data):
    key: str  # row key, or "result" for the run's result section
    counter: str
    source: str  # "counter" (summed over calls and workers), "attr" (value of the last call), "result"
    values: dict[str, int | float | None]
    varies: tuple[str, ...]  # variants whose value differs between rounds


@dataclass(frozen=True)
class GapRow(_Data):
    variant: str
    key: str
    tree_path: tuple[str, ...]
    median_ns: float
    share: float | None
    summed: bool
    profile: dict[str, Any] | None  # the profile pass's gap (path, gap_ns, top functions, includes_spans)
    large: bool = True  # at least `gap_min_share` of the total (else: the variant's largest gap, shown anyway)


@dataclass(frozen=True)
class TimelineBar(_Data):
    lane: str
    key: str
    level: str  # task, group, phase, detail
    start_ns: int
    end_ns: int


@dataclass(frozen=True)
class Timeline(_Data):
    variant: str
    round: int
    total_ns: int
    lanes: tuple[str, ...]
    bars: tuple[TimelineBar, ...]
    truncated: int  # bars left out to keep the chart readable


@dataclass(frozen=True)
class ArithmeticCheck(_Data):
    variant: str
    what: str
    max_error_ns: int
    ok: bool


@dataclass(frozen=True)
class Comparison(_Data):
    """Everything the report says, as plain data (``to_dict()`` is the report's JSON)."""

    schema: str
    baseline: str
    variants: tuple[str, ...]
    rounds: int
    meta: dict[str, Any]
    workload: Any
    environment: dict[str, Any]
    fingerprints: dict[str, tuple[str, ...]]
    summary: dict[str, VariantSummary]
    rows: tuple[Row, ...]
    journey: tuple[JourneyStep, ...]
    bottlenecks: dict[str, Bottleneck]
    predictions: dict[str, Prediction]
    concurrency: tuple[ConcurrencyRow, ...]
    counters: tuple[CounterRow, ...]
    gaps: tuple[GapRow, ...]
    timeline: Timeline | None
    arithmetic: tuple[ArithmeticCheck, ...]
    record_checks: dict[str, list[str]]
    verdicts: dict[str, str]
    method: dict[str, Any] = field(default_factory=dict)
    profiles: dict[str, Any] = field(default_factory=dict)  # the profile pass of each variant (passes.profile)

    def row(self, key: str) -> Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(f"no row {key!r}; rows: {', '.join(r.key for r in self.rows)}")

    @property
    def phase_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.partition)


SCHEMA_ID = "phasebench.compare/1"

# ------------------------------------------------------------------------------------- helpers


def _med(xs: Sequence[float]) -> float:
    return median(xs) if len(xs) else math.nan


def _ratio_or_none(num: float, den: float) -> float | None:
    if not (math.isfinite(num) and math.isfinite(den)) or den <= 0:
        return None
    return num / den


def fmt_duration(ns: float | None) -> str:
    """A duration with ~3 significant digits and a unit (``812 µs``, ``12.3 ms``, ``1.23 s``)."""
    if ns is None or not math.isfinite(ns):
        return "–"
    for scale, unit in ((1.0, "ns"), (1e3, "µs"), (1e6, "ms"), (1e9, "s")):
        v = ns / scale
        digits = 0 if unit == "ns" or abs(v) >= 99.95 else (1 if abs(v) >= 9.995 else 2)
        text = f"{v:.{digits}f}"
        if abs(float(text)) < 1000 or unit == "s":
            return f"{text} {unit}"
    return f"{ns / 1e9:.2f} s"  # pragma: no cover


def fmt_factor(ratio: float | None) -> str:
    """``0.42`` -> ``2.38× faster``; ``1.3`` -> ``1.30× slower``."""
    if ratio is None or not math.isfinite(ratio) or ratio <= 0:
        return "–"
    if ratio <= 1:
        return f"{1 / ratio:.2f}× faster"
    return f"{ratio:.2f}× slower"


# --------------------------------------------------------------------------------- the processor


def compare_records(
    records: Mapping[str, Sequence[Any]],
    *,
    baseline: str = "baseline",
    changed: Mapping[str, Sequence[str]] | None = None,
    profiles: Mapping[str, Mapping[str, Any]] | None = None,
    meta: Mapping[str, Any] | None = None,
    containers: Collection[str] | None = None,
    timeline_variant: str | None = None,
    resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
    gap_min_share: float = 0.01,
    gap_min_ns: int = 1_000_000,
    timeline_max_bars: int = 4000,
) -> Comparison:
    """Compare the variants' timing rounds phase by phase (see the module docstring).

    `records`: ``{variant: [run record per timing round]}`` in display order (dicts, ``LoadedRecord`` or
    ``Recorder``); round ``i`` of every variant is paired. `baseline` must be one of them. `changed`:
    ``{variant: phase names it changes vs the baseline}`` for the Amdahl prediction (variants missing
    get none). `profiles`: ``{variant: passes.profile section}`` of a profile pass, for the gaps.
    `containers`: names of nodes expanded into phase rows (default: nodes with grandchildren).
    """
    if not records:
        raise ValueError("no records to compare")
    variants = [v for v in records]
    if baseline not in records:
        raise ValueError(f"baseline {baseline!r} is not among the variants ({', '.join(variants)})")
    if timeline_variant is not None and timeline_variant not in records:
        raise ValueError(f"timeline variant {timeline_variant!r} is not among the variants ({', '.join(variants)})")
    data: dict[str, list[dict[str, Any]]] = {}
    for v in variants:
        recs = [_record_dict(r) for r in records[v]]
        if not recs:
            raise ValueError(f"variant {v!r} has no records")
        data[v] = recs
    trees = {v: [derive(r["tree"]) for r in recs] for v, recs in data.items()}
    all_trees = [t for ts in trees.values() for t in ts]
    names = set(containers) if containers is not None else container_names(all_trees)
    root_name = str(all_trees[0]["name"])
    entries = {v: [_extract(t, names) for t in ts] for v, ts in trees.items()}
    rounds = {v: len(ts) for v, ts in trees.items()}
    ci_args = {"resamples": resamples, "confidence": confidence, "seed": seed}

    # rows: one order for all variants, keys, per-round samples
    order = _merge_order([[e.path for e in es] for v in [baseline, *variants] for es in entries[v]])
    keys = _assign_keys(order, root_name)
    totals = {v: [int(t["wall_ns"]) for t in ts] for v, ts in trees.items()}
    total_cpu = {v: [int(t["cpu_ns"]) for t in ts] for v, ts in trees.items()}
    by_path: dict[str, dict[tuple[str, ...], list[_Entry | None]]] = {}
    for v in variants:
        table: dict[tuple[str, ...], list[_Entry | None]] = {}
        for i, es in enumerate(entries[v]):
            for e in es:
                slot = table.setdefault(e.path, [None] * rounds[v])
                if slot[i] is None:
                    slot[i] = e
                else:  # the same normalised path twice in one tree (unusual): add up
                    prev = slot[i]
                    assert prev is not None
                    slot[i] = _Entry(prev.path, prev.tree_path, prev.name, prev.kind, prev.depth, prev.wall + e.wall,
                                     prev.cpu + e.cpu, prev.summed, prev.section, prev.node)
        by_path[v] = table

    def samples(v: str, path: tuple[str, ...], cpu: bool = False) -> list[int]:
        slot = by_path[v].get(path)
        if slot is None:
            return []
        return [0 if e is None else (e.cpu if cpu else e.wall) for e in slot]

    def first(v: str, path: tuple[str, ...]) -> _Entry | None:
        return next((e for e in by_path[v].get(path, ()) if e is not None), None)

    section_busy: dict[str, dict[tuple[str, ...], list[int]]] = {v: {} for v in variants}
    for v in variants:
        for path, slot in by_path[v].items():
            if any(e is not None and e.node is not None and e.node.get("concurrent") for e in slot):
                section_busy[v][path] = [0 if e is None or e.node is None else _busy(e.node) for e in slot]

    med_total = {v: _med(totals[v]) for v in variants}
    cells_by_row: dict[tuple[str, ...], dict[str, Cell]] = {p: {} for p in order}
    for v in variants:
        for path in order:
            e0 = first(v, path)
            if e0 is None:
                continue
            xs, cs = samples(v, path), samples(v, path, cpu=True)
            m = _med(xs)
            if e0.summed and e0.section is not None and e0.section in section_busy[v]:
                share = _ratio_or_none(m, _med(section_busy[v][e0.section]))
                base = keys.get(e0.section, "/".join(e0.section))
            else:
                share, base = _ratio_or_none(m, med_total[v]), "total"
            ratio = None
            cpu_ratio = None
            if v != baseline and path in by_path[baseline]:
                bx = samples(baseline, path)
                n = min(len(bx), len(xs))
                if n and _med(bx[:n]) > 0 and _med(xs[:n]) >= 0:
                    ratio = ratio_ci(bx[:n], xs[:n], **ci_args)
                bc = _med(samples(baseline, path, cpu=True))
                cpu_ratio = _ratio_or_none(_med(cs), bc)
            cells_by_row[path][v] = Cell(
                samples_ns=tuple(xs), cpu_samples_ns=tuple(cs), median_ns=m, cpu_median_ns=_med(cs), share=share,
                share_base=base, attributed_share=None, summed=e0.summed,
                concurrent=bool(e0.node is not None and e0.node.get("concurrent")), kind=e0.kind, ratio=ratio,
                cpu_ratio=cpu_ratio,
            )
    # attributed shares (Σ rows: share of the section × the section's own attributed share)
    for v in variants:
        def attributed(path: tuple[str, ...], depth: int = 0, v: str = v) -> float | None:
            cell = cells_by_row[path].get(v)
            if cell is None or cell.share is None:
                return None
            e0 = first(v, path)
            if not cell.summed or e0 is None or e0.section is None or depth > 16:
                return cell.share
            outer = attributed(e0.section, depth + 1, v) if e0.section in cells_by_row else None
            return None if outer is None else cell.share * outer

        for path in order:
            cell = cells_by_row[path].get(v)
            if cell is not None:
                cells_by_row[path][v] = _replace_cell(cell, attributed_share=attributed(path))

    rows: list[Row] = []
    for path in order:
        cells = {v: cells_by_row[path][v] for v in variants if v in cells_by_row[path]}
        ref = cells.get(baseline) or next(iter(cells.values()))
        rows.append(Row(keys[path], path[-1] if path[-1] != UNACCOUNTED else keys[path], path, ref.kind,
                        _depth_of(path, v_first_entry(by_path, path)), ref.kind in _PARTITION_KINDS, cells))
    row_by_path = {r.path: r for r in rows}

    # validity: digests
    def digest_of(r: Mapping[str, Any]) -> str | None:
        d = (r.get("result") or {}).get("digest")
        return None if d is None else str(d)

    base_digest = digest_of(data[baseline][0])
    fingerprints = {v: tuple(sorted({str((r.get("environment") or {}).get("fingerprint_id")) for r in data[v]}))
                    for v in variants}
    changed = {k: tuple(vs) for k, vs in (changed or {}).items()}

    summary: dict[str, VariantSummary] = {}
    for v in variants:
        ds = tuple(sorted({d for d in (digest_of(r) for r in data[v]) if d is not None}))
        ok: bool | None
        if base_digest is None or not ds:
            ok = None
        else:
            ok = ds == (base_digest,) and len([r for r in data[v] if digest_of(r) is None]) == 0
        worker_cpu = [_worker_cpu(t) for t in trees[v]]
        ratio = None
        if v != baseline:
            n = min(rounds[v], rounds[baseline])
            ratio = ratio_ci(totals[baseline][:n], totals[v][:n], **ci_args)
        summary[v] = VariantSummary(
            name=v, rounds=rounds[v], total_samples_ns=tuple(totals[v]), total_median_ns=med_total[v],
            total_min_ns=min(totals[v]), total_max_ns=max(totals[v]), cpu_median_ns=_med(total_cpu[v]),
            worker_cpu_median_ns=_med([w for w in worker_cpu if w is not None]) if any(
                w is not None for w in worker_cpu) else None,
            ratio=ratio, digest=ds[0] if len(ds) == 1 else (None if not ds else "mixed"), digests=ds, digest_ok=ok,
            invalid=ok is False, parallel=any(n.get("concurrent") for t in trees[v][:1] for n in _nodes(t)),
            changed_phases=changed.get(v), fingerprint=fingerprints[v][0] if len(fingerprints[v]) == 1 else "mixed",
        )

    journey = []
    for prev, v in zip(variants, variants[1:], strict=False):
        n = min(rounds[v], rounds[prev])
        journey.append(JourneyStep(v, prev, med_total[v], med_total[v] - med_total[prev],
                                   ratio_ci(totals[prev][:n], totals[v][:n], **ci_args), summary[v].ratio))

    bottlenecks = {v: _bottleneck(v, baseline, rows) for v in variants}
    predictions = {}
    for v in variants:
        if v != baseline and v in changed:
            predictions[v] = _predict(v, baseline, changed[v], rows, row_by_path, summary)
    concurrency = _concurrency(variants, by_path, keys, order)
    counters = _counters(variants, data, by_path, keys, order)
    gaps = _gaps(variants, rows, summary, profiles or {}, by_path, gap_min_share, gap_min_ns)
    timeline = _timeline(variants, trees, totals, by_path, keys, timeline_variant, timeline_max_bars)
    arithmetic = _arithmetic(variants, entries, totals, keys)
    record_checks: dict[str, list[str]] = {}
    for v in variants:
        msgs = []
        for i, t in enumerate(trees[v]):
            msgs += [f"round {i}: {issue}" for issue in consistency_issues(t)]
        if msgs:
            record_checks[v] = msgs
    verdicts = {v: _verdict(v, baseline, summary, bottlenecks, rows) for v in variants}

    first_rec = data[baseline][0]
    method = {
        "statistic": "median over rounds",
        "ratio": "median(variant) / median(baseline), paired bootstrap over rounds",
        "confidence": confidence,
        "resamples": resamples,
        "seed": seed,
        "containers": sorted(names),
    }
    return Comparison(
        schema=SCHEMA_ID, baseline=baseline, variants=tuple(variants), rounds=min(rounds.values()),
        meta=dict(meta or {}), workload=first_rec.get("workload"), environment=dict(first_rec.get("environment") or {}),
        fingerprints=fingerprints, summary=summary, rows=tuple(rows), journey=tuple(journey), bottlenecks=bottlenecks,
        predictions=predictions, concurrency=concurrency, counters=counters, gaps=gaps, timeline=timeline,
        arithmetic=arithmetic, record_checks=record_checks, verdicts=verdicts, method=method,
        profiles={v: dict(p) for v, p in (profiles or {}).items()},
    )


def _replace_cell(cell: Cell, **changes: Any) -> Cell:
    from dataclasses import replace

    return replace(cell, **changes)


def v_first_entry(by_path: Mapping[str, Mapping[tuple[str, ...], list[_Entry | None]]],
                  path: tuple[str, ...]) -> _Entry | None:
    for table in by_path.values():
        for e in table.get(path, ()):
            if e is not None:
                return e
    return None


def _depth_of(path: tuple[str, ...], e: _Entry | None) -> int:
    return 0 if e is None else e.depth


def _nodes(tree: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    out = [tree]
    for c in tree.get("children", ()):
        out.extend(_nodes(c))
    return out


def _worker_cpu(tree: Mapping[str, Any]) -> int | None:
    """Σ CPU of merged worker tasks (outermost `workers` nodes only), or None when there are none."""
    total, found = 0, False
    stack = [tree]
    while stack:
        n = stack.pop()
        if n.get("concurrency") == "workers" and "busy_cpu_ns" in n:
            total += int(n["busy_cpu_ns"])
            found = True
            continue
        stack.extend(n.get("children", ()))
    return total if found else None


def _bottleneck(v: str, baseline: str, rows: Sequence[Row]) -> Bottleneck:
    phase = [r for r in rows if r.partition and r.kind != PARALLEL and v in r.cells]
    shares = {r.key: r.cells[v].attributed_share for r in phase}
    ranked = sorted(((s, k) for k, s in shares.items() if s is not None), reverse=True)
    largest_share, largest = ranked[0] if ranked else (math.nan, "")
    largest_row = next((r for r in phase if r.key == largest), None)
    grew = shrank = None
    gf = gt = sf = st = None
    if v != baseline:
        deltas = []
        for r in phase:
            b = r.cells.get(baseline)
            s = shares.get(r.key)
            if b is None or b.attributed_share is None or s is None:
                continue
            deltas.append((s - b.attributed_share, r.key, b.attributed_share, s))
        if deltas:
            d, grew, gf, gt = max(deltas)
            if d <= 0:
                grew, gf, gt = None, None, None
            d2, shrank, sf, st = min(deltas)
            if d2 >= 0:
                shrank, sf, st = None, None, None
    return Bottleneck(v, largest, largest_share, bool(largest_row and largest_row.cells[v].summed), grew, gf, gt,
                      shrank, sf, st)


def _predict(v: str, baseline: str, changed: Sequence[str], rows: Sequence[Row],
             row_by_path: Mapping[tuple[str, ...], Row], summary: Mapping[str, VariantSummary]) -> Prediction:
    changed_set = set(changed)

    def is_changed(r: Row) -> bool:
        return any(p in changed_set for p in r.path if p != UNACCOUNTED)

    base_rows = [r for r in rows if r.partition and baseline in r.cells and not r.cells[baseline].summed]
    v_rows = [r for r in rows if r.partition and v in r.cells and not r.cells[v].summed]
    v_keys = {r.key for r in v_rows}
    b_keys = {r.key for r in base_rows}
    predicted = 0.0
    items: list[PredictionItem] = []
    in_section: dict[str, list[Row]] = {}
    for r in base_rows:
        mb = r.cells[baseline].median_ns
        cell = r.cells.get(v)
        mv = cell.median_ns if cell is not None else 0.0
        ch = is_changed(r)
        predicted += mv if ch else mb
        if r.key in v_keys:  # elapsed in both
            if not ch:
                items.append(PredictionItem(f"{r.key} (not changed by {v}) moved", r.key, mv - mb, "unchanged-moved"))
        elif cell is not None and cell.summed:  # inside a parallel section of the variant
            in_section.setdefault(cell.share_base, []).append(r)
            if not ch:
                items.append(PredictionItem(f"{r.key} (not changed by {v}) moved (Σ)", r.key, mv - mb,
                                            "unchanged-moved"))
        elif not ch:
            items.append(PredictionItem(f"{r.key} missing in {v}", r.key, -mb, "missing"))
    v_total = summary[v].total_median_ns
    sum_v = 0.0
    for r in v_rows:
        mv = r.cells[v].median_ns
        sum_v += mv
        if r.key in b_keys:
            continue
        if r.kind == PARALLEL or r.cells[v].concurrent:
            inner = in_section.get(r.key, [])
            work = sum(x.cells[v].median_ns for x in inner)
            workers = ""
            items.append(PredictionItem(
                f"⇉ {r.key}: Σ {fmt_duration(work)} of phase work ran in {fmt_duration(mv)} elapsed{workers}",
                r.key, mv - work, "parallel-overlap"))
        else:
            items.append(PredictionItem(f"{r.key} new in {v}", r.key, mv, "new"))
    items.append(PredictionItem("medians of phases do not add up to the median total (rounding)", None,
                                v_total - sum_v, "non-additive"))
    difference = v_total - predicted
    # name the largest contribution
    big = max(items, key=lambda it: abs(it.delta_ns))
    sign = "+" if big.delta_ns >= 0 else "−"
    if abs(difference) < 0.02 * max(v_total, 1.0):
        named = f"as predicted (within 2%); largest deviation: {big.label} ({sign}{fmt_duration(abs(big.delta_ns))})"
    else:
        named = f"{big.label} ({sign}{fmt_duration(abs(big.delta_ns))})"
    b_total = summary[baseline].total_median_ns
    return Prediction(
        variant=v, changed=tuple(changed), changed_rows=tuple(r.key for r in base_rows if is_changed(r)),
        predicted_ns=predicted, actual_ns=v_total, difference_ns=difference,
        predicted_ratio=_ratio_or_none(predicted, b_total), actual_ratio=_ratio_or_none(v_total, b_total),
        items=tuple(sorted(items, key=lambda it: -abs(it.delta_ns))), named=named,
    )


def _concurrency(variants: Sequence[str], by_path: Mapping[str, Mapping[tuple[str, ...], list[_Entry | None]]],
                 keys: Mapping[tuple[str, ...], str], order: Sequence[tuple[str, ...]]) -> tuple[ConcurrencyRow, ...]:
    out = []
    for v in variants:
        for path in order:
            slot = by_path[v].get(path)
            if not slot:
                continue
            nodes = [e.node for e in slot if e is not None and e.node is not None and e.node.get("concurrent")]
            if not nodes:
                continue
            e0 = next(e for e in slot if e is not None)
            walls = [int(n["wall_ns"]) for n in nodes]
            busy = [_busy(n) for n in nodes]
            workers = max(int(n.get("workers") or 0) for n in nodes)
            effs = [int(b) / (w * int(n.get("workers") or 1)) for n, w, b in zip(nodes, walls, busy, strict=True)
                    if w > 0]
            cpu_b = [int(n["busy_cpu_ns"]) for n in nodes if "busy_cpu_ns" in n]
            cpu_effs = [int(n["busy_cpu_ns"]) / (int(n["wall_ns"]) * int(n.get("workers") or 1)) for n in nodes
                        if "busy_cpu_ns" in n and int(n["wall_ns"]) > 0]
            speed = [b / w for w, b in zip(walls, busy, strict=True) if w > 0]
            out.append(ConcurrencyRow(
                variant=v, key=keys[path], path=e0.tree_path, kind=str(nodes[0].get("concurrency", "")),
                workers=workers, tasks=int(nodes[0]["tasks"]) if "tasks" in nodes[0] else None,
                wall_median_ns=_med(walls), busy_median_ns=_med(busy),
                busy_cpu_median_ns=_med(cpu_b) if cpu_b else None, efficiency=_med(effs) if effs else None,
                cpu_efficiency=_med(cpu_effs) if cpu_effs else None, speedup=_med(speed) if speed else None,
                summed=e0.summed,
            ))
    return tuple(out)


def _numeric(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _counters(variants: Sequence[str], data: Mapping[str, Sequence[Mapping[str, Any]]],
              by_path: Mapping[str, Mapping[tuple[str, ...], list[_Entry | None]]],
              keys: Mapping[tuple[str, ...], str], order: Sequence[tuple[str, ...]]) -> tuple[CounterRow, ...]:
    out: list[CounterRow] = []
    for path in order:
        found: dict[tuple[str, str], dict[str, list[Any]]] = {}
        for v in variants:
            for e in by_path[v].get(path, ()):
                if e is None or e.node is None:
                    continue
                for source, section in (("counter", e.node.get("counters") or {}), ("attr", e.node.get("attrs") or {})):
                    for name, value in section.items():
                        if name in _NOT_COUNTERS or not _numeric(value):
                            continue
                        found.setdefault((name, source), {}).setdefault(v, []).append(value)
        for (name, source), per_v in found.items():
            values = {v: (per_v[v][0] if v in per_v else None) for v in variants}
            varies = tuple(v for v, xs in per_v.items() if len(set(xs)) > 1)
            out.append(CounterRow(keys[path], name, source, values, varies))
    result_keys: list[str] = []
    for v in variants:
        for r in data[v]:
            for k, val in (r.get("result") or {}).items():
                if _numeric(val) and k not in result_keys:
                    result_keys.append(k)
    for k in result_keys:
        per_v = {v: [r.get("result", {}).get(k) for r in data[v]] for v in variants}
        out.append(CounterRow("result", k, "result", {v: xs[0] for v, xs in per_v.items()},
                              tuple(v for v, xs in per_v.items() if len(set(map(str, xs))) > 1)))
    return tuple(out)


def _gaps(variants: Sequence[str], rows: Sequence[Row], summary: Mapping[str, VariantSummary],
          profiles: Mapping[str, Mapping[str, Any]],
          by_path: Mapping[str, Mapping[tuple[str, ...], list[_Entry | None]]],
          min_share: float, min_ns: int) -> tuple[GapRow, ...]:
    out = []
    for v in variants:
        prof = profiles.get(v) or {}
        by_tree_path = {tuple(g["path"]): g for g in prof.get("gaps", ()) if g.get("path")}
        found = []
        for r in rows:
            cell = r.cells.get(v)
            if not r.unaccounted or cell is None:
                continue
            share = cell.attributed_share
            if cell.median_ns < min_ns or share is None:
                continue
            e0 = next((e for e in by_path[v].get(r.path, ()) if e is not None), None)
            tpath = e0.tree_path if e0 is not None else ()
            # the profiler sees only the main thread: a gap summed over workers is not in the profile (the main
            # thread's frame of the same span is waiting for the workers meanwhile)
            prof = None if cell.summed else by_tree_path.get(tpath)
            found.append(GapRow(v, r.key, tpath, cell.median_ns, share, cell.summed, prof, share >= min_share))
        found.sort(key=lambda g: -g.median_ns)
        large = [g for g in found if g.large]
        out.extend(large or found[:1])
    return tuple(out)


def _timeline(variants: Sequence[str], trees: Mapping[str, Sequence[Mapping[str, Any]]],
              totals: Mapping[str, Sequence[int]], by_path: Mapping[str, Any], keys: Mapping[tuple[str, ...], str],
              wanted: str | None, max_bars: int) -> Timeline | None:
    def has_workers(t: Mapping[str, Any]) -> bool:
        return any(n.get("concurrency") == "workers" and (n.get("task_samples") or n.get("samples"))
                   for n in _nodes(t))

    candidates = [wanted] if wanted else [v for v in reversed(variants) if has_workers(trees[v][0])]
    if not candidates or candidates[0] not in trees:
        return None
    v = candidates[0]
    ts = totals[v]
    med = median(ts)
    k = min(range(len(ts)), key=lambda i: (abs(ts[i] - med), i))
    tree = trees[v][k]
    root_samples = tree.get("samples") or []
    if not root_samples:
        return None
    t0 = int(root_samples[0][0])
    main_label = str(root_samples[0][2]) if len(root_samples[0]) > 2 else "main"
    bars: list[TimelineBar] = []
    lanes: dict[str, str] = {main_label: "main"}

    def lane(label: Any) -> str:
        label = str(label)
        if label not in lanes:
            lanes[label] = label if label.startswith("dask:") else f"worker {len(lanes)}"  # Dask workers by name
        return lanes[label]

    entries = _extract(tree, container_names([tree]))
    level_of = {PARALLEL: "group", GROUP: "group", PHASE: "phase", DETAIL: "detail"}
    for e in entries:
        if e.node is None or e.kind not in level_of:
            continue
        key = keys.get(e.path, "/".join(e.path))
        for s in e.node.get("samples") or ():
            bars.append(TimelineBar(lane(s[2] if len(s) > 2 else main_label), key, level_of[e.kind],
                                    int(s[0]) - t0, int(s[1]) - t0))
        for s in e.node.get("task_samples") or ():
            bars.append(TimelineBar(lane(s[2] if len(s) > 2 else main_label), f"{key} task", "task",
                                    int(s[0]) - t0, int(s[1]) - t0))
    truncated = 0
    if len(bars) > max_bars:
        rank = {"task": 0, "group": 1, "phase": 2, "detail": 3}
        bars.sort(key=lambda b: (rank[b.level], -(b.end_ns - b.start_ns)))
        truncated = len(bars) - max_bars
        bars = bars[:max_bars]
    bars.sort(key=lambda b: (b.start_ns, b.lane))
    return Timeline(v, k, int(tree["wall_ns"]), tuple(dict.fromkeys(lanes.values())), tuple(bars), truncated)


def _arithmetic(variants: Sequence[str], entries: Mapping[str, Sequence[Sequence[_Entry]]],
                totals: Mapping[str, Sequence[int]],
                keys: Mapping[tuple[str, ...], str]) -> tuple[ArithmeticCheck, ...]:
    out = []
    for v in variants:
        err = 0
        sections: dict[tuple[str, ...], int] = {}
        for i, es in enumerate(entries[v]):
            elapsed = sum(e.wall for e in es if e.kind in _PARTITION_KINDS and not e.summed)
            err = max(err, abs(elapsed - totals[v][i]))
            busy = {e.path: _busy(e.node) for e in es if e.kind == PARALLEL and e.node is not None}
            for sec, b in busy.items():
                inner = sum(e.wall for e in es if e.kind in _PARTITION_KINDS and e.section == sec)
                sections[sec] = max(sections.get(sec, 0), abs(inner - b))
        out.append(ArithmeticCheck(v, "Σ phase rows (elapsed) = total, every round", err, err == 0))
        for sec, e in sections.items():
            out.append(ArithmeticCheck(v, f"Σ phase rows inside {keys.get(sec, '/'.join(sec))} (Σ over workers) = "
                                          "its busy time, every round", e, e == 0))
    return tuple(out)


def _verdict(v: str, baseline: str, summary: Mapping[str, VariantSummary], bottlenecks: Mapping[str, Bottleneck],
             rows: Sequence[Row]) -> str:
    s = summary[v]
    b = bottlenecks[v]
    base_b = bottlenecks[baseline]
    if s.invalid:
        lead = "INVALID: results differ from the baseline (digest mismatch), so its timings are not comparable"
    elif v == baseline:
        lead = f"reference: {fmt_duration(s.total_median_ns)} median total over {s.rounds} round(s)"
    else:
        r = s.ratio
        assert r is not None
        if r.n < 2:
            lead = f"{fmt_factor(r.ratio)} (one round: no confidence interval)"
        elif r.excludes_one:
            if r.ratio <= 1:
                lead = f"{fmt_factor(r.ratio)} (CI {1 / r.high:.2f}–{1 / r.low:.2f}×)"
            else:
                lead = f"{fmt_factor(r.ratio)} (CI {r.low:.2f}–{r.high:.2f}×)"
        else:
            lead = f"no measurable change in total ({r.ratio:.2f}×, CI {r.low:.2f}–{r.high:.2f} includes 1)"
    parts = [lead]
    if v != baseline and not s.invalid:
        parts.append("results identical" if s.digest_ok else "results not checked (no digest)")
    sigma = " of the workers' time, Σ" if b.largest_summed else " of the total"
    if b.largest:
        share = f"{b.largest_share:.0%}"
        if v == baseline or b.largest == base_b.largest:
            parts.append(f"{b.largest} is the bottleneck ({share}{sigma})" if v == baseline else
                         f"{b.largest} still the bottleneck ({share}{sigma})")
        else:
            parts.append(f"{base_b.largest} no longer the bottleneck; {b.largest} now {share}{sigma}")
    text = ", ".join(parts[:2]) + ("; " + "; ".join(parts[2:]) if len(parts) > 2 else "")
    return text


__all__ = [
    "ArithmeticCheck",
    "Bottleneck",
    "Cell",
    "Comparison",
    "ConcurrencyRow",
    "CounterRow",
    "GapRow",
    "JourneyStep",
    "Prediction",
    "PredictionItem",
    "Row",
    "SCHEMA_ID",
    "Timeline",
    "TimelineBar",
    "VariantSummary",
    "compare_records",
    "container_names",
    "fmt_duration",
    "fmt_factor",
    "phase_times",
]
