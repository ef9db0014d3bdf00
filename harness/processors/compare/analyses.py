"""The analyses of a comparison: each a pure function of the aligned rows (`Tables`) or the `Row`s."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from harness.processors import UNACCOUNTED, consistency_issues
from harness.processors.compare.extract import (
    DETAIL,
    ELAPSED,
    GROUP,
    PARALLEL,
    PARTITION_KINDS,
    PHASE,
    RowPath,
    Tables,
    busy,
    container_names,
    extract,
    nodes,
)
from harness.processors.compare.model import (
    ArithmeticCheck,
    Bottleneck,
    ConcurrencyRow,
    CounterRow,
    GapRow,
    JourneyStep,
    Prediction,
    PredictionItem,
    Row,
    Timeline,
    TimelineBar,
    VariantSummary,
)
from harness.processors.compare.rows import CIOptions, med, ratio_or_none
from harness.renderers.prose import prediction_named
from harness.units import fmt_duration

#: Attributes that describe how work was spread, not what it did (left out of the counters).
_NOT_COUNTERS = frozenset({"workers", "chunks", "chunksize"})


def _digest_of(record: Mapping[str, Any]) -> str | None:
    d = (record.get("result") or {}).get("digest")
    return None if d is None else str(d)


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


def fingerprints(t: Tables) -> dict[str, tuple[str, ...]]:
    """Per variant, the machine fingerprints its records come from."""
    return {v: tuple(sorted({str((r.get("environment") or {}).get("fingerprint_id")) for r in t.data[v]}))
            for v in t.variants}


def summarise(t: Tables, baseline: str, changed: Mapping[str, tuple[str, ...]], ci: CIOptions,
              prints: Mapping[str, tuple[str, ...]]) -> dict[str, VariantSummary]:
    """Per variant: total times, CPU, ratio to the baseline, digests and whether they match the baseline's."""
    base_digest = _digest_of(t.data[baseline][0])
    base_missing = any(_digest_of(r) is None for r in t.data[baseline])
    summary: dict[str, VariantSummary] = {}
    for v in t.variants:
        ds = tuple(sorted({d for d in (_digest_of(r) for r in t.data[v]) if d is not None}))
        missing = any(_digest_of(r) is None for r in t.data[v])
        # a record without a digest cannot be checked: INVALID, and so is everything checked against it
        ok = not missing and not base_missing and (v == baseline or ds == (base_digest,))
        worker_cpu = [w for w in (_worker_cpu(tree) for tree in t.trees[v]) if w is not None]
        ratio = None
        if v != baseline:
            ratio = ci.ratio(t.totals[baseline], t.totals[v])
        totals = t.totals[v]
        summary[v] = VariantSummary(
            name=v, rounds=t.rounds[v], total_samples_ns=tuple(totals), total_median_ns=med(totals),
            total_min_ns=min(totals), total_max_ns=max(totals), cpu_median_ns=med(t.total_cpu[v]),
            worker_cpu_median_ns=med(worker_cpu) if worker_cpu else None,
            ratio=ratio, digest=ds[0] if len(ds) == 1 else (None if not ds else "mixed"), digests=ds, digest_ok=ok,
            invalid=not ok, digest_missing=missing,
            parallel=any(n.get("concurrent") for tree in t.trees[v][:1] for n in nodes(tree)),
            changed_phases=changed.get(v), fingerprint=prints[v][0] if len(prints[v]) == 1 else "mixed",
        )
    return summary


def journey(t: Tables, summary: Mapping[str, VariantSummary], ci: CIOptions) -> tuple[JourneyStep, ...]:
    """Each variant against the one before it (in display order) and against the baseline."""
    steps = []
    for prev, v in zip(t.variants, t.variants[1:], strict=False):
        mv, mp = summary[v].total_median_ns, summary[prev].total_median_ns
        steps.append(JourneyStep(v, prev, mv, mv - mp, ci.ratio(t.totals[prev], t.totals[v]),
                                 summary[v].ratio))
    return tuple(steps)


def record_checks(t: Tables) -> dict[str, list[str]]:
    """Per variant, the consistency issues of its records' trees (round by round)."""
    out: dict[str, list[str]] = {}
    for v in t.variants:
        msgs = [f"round {i}: {issue}" for i, tree in enumerate(t.trees[v]) for issue in consistency_issues(tree)]
        if msgs:
            out[v] = msgs
    return out


def bottleneck(v: str, baseline: str, rows: Sequence[Row]) -> Bottleneck:
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


def predict(v: str, baseline: str, changed: Sequence[str], rows: Sequence[Row],
            summary: Mapping[str, VariantSummary]) -> Prediction:
    """Amdahl: the baseline's phase medians, summed, with only the phases `v` changes moved to their medians
    in `v`, against `v`'s phase medians, summed; the difference explained item by item (the items sum to it).

    Both sides add phase medians (the median of a total is not the sum of its phases' medians): a
    variant that changes nothing is predicted exactly 1×, and the ratios share one base (Σ of the
    baseline's phase medians)."""
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
    difference = sum_v - predicted
    named = prediction_named(items, difference, sum_v)
    b_sum = sum(r.cells[baseline].median_ns for r in base_rows)
    return Prediction(
        variant=v, changed=tuple(changed), changed_rows=tuple(r.key for r in base_rows if is_changed(r)),
        predicted_ns=predicted, actual_ns=sum_v, difference_ns=difference,
        predicted_ratio=ratio_or_none(predicted, b_sum), actual_ratio=ratio_or_none(sum_v, b_sum),
        items=tuple(sorted(items, key=lambda it: -abs(it.delta_ns))), named=named,
    )


def concurrency(t: Tables) -> tuple[ConcurrencyRow, ...]:
    """Per variant, every node that ran concurrent work: workers, wall, busy, efficiency (medians over rounds)."""
    variants, by_path, keys, order = t.variants, t.by_path, t.keys, t.order
    out = []
    for v in variants:
        for path in order:
            slot = by_path[v].get(path)
            if not slot:
                continue
            found = [e.node for e in slot if e is not None and e.node is not None and e.node.get("concurrent")]
            if not found:
                continue
            e0 = next(e for e in slot if e is not None)
            walls = [int(n["wall_ns"]) for n in found]
            busy_ns = [busy(n) for n in found]
            workers = max(int(n.get("workers") or 0) for n in found)
            effs = [int(b) / (w * int(n.get("workers") or 1)) for n, w, b in zip(found, walls, busy_ns, strict=True)
                    if w > 0]
            cpu_b = [int(n["busy_cpu_ns"]) for n in found if "busy_cpu_ns" in n]
            cpu_effs = [int(n["busy_cpu_ns"]) / (int(n["wall_ns"]) * int(n.get("workers") or 1)) for n in found
                        if "busy_cpu_ns" in n and int(n["wall_ns"]) > 0]
            speed = [b / w for w, b in zip(walls, busy_ns, strict=True) if w > 0]
            out.append(ConcurrencyRow(
                variant=v, key=keys[path], path=e0.tree_path, kind=str(found[0].get("concurrency", "")),
                workers=workers, tasks=int(found[0]["tasks"]) if "tasks" in found[0] else None,
                wall_median_ns=med(walls), busy_median_ns=med(busy_ns),
                busy_cpu_median_ns=med(cpu_b) if cpu_b else None, efficiency=med(effs) if effs else None,
                cpu_efficiency=med(cpu_effs) if cpu_effs else None, speedup=med(speed) if speed else None,
                summed=e0.summed,
            ))
    return tuple(out)


def numeric(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def counters(t: Tables) -> tuple[CounterRow, ...]:
    """Every numeric counter and attribute per row and variant (first round), and the run results' numbers."""
    variants, data, by_path, keys, order = t.variants, t.data, t.by_path, t.keys, t.order
    out: list[CounterRow] = []
    for path in order:
        found: dict[tuple[str, str], dict[str, list[Any]]] = {}
        for v in variants:
            for e in by_path[v].get(path, ()):
                if e is None or e.node is None:
                    continue
                for source, section in (("counter", e.node.get("counters") or {}), ("attr", e.node.get("attrs") or {})):
                    for name, value in section.items():
                        if name in _NOT_COUNTERS or not numeric(value):
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
                if numeric(val) and k not in result_keys:
                    result_keys.append(k)
    for k in result_keys:
        per_v = {v: [r.get("result", {}).get(k) for r in data[v]] for v in variants}
        out.append(CounterRow("result", k, "result", {v: xs[0] if numeric(xs[0]) else None for v, xs in per_v.items()},
                              tuple(v for v, xs in per_v.items() if len(set(map(str, xs))) > 1)))
    return tuple(out)


def gaps(t: Tables, rows: Sequence[Row], profiles: Mapping[str, Mapping[str, Any]], min_share: float,
         min_ns: int) -> tuple[GapRow, ...]:
    """Per variant, its (unaccounted) rows of at least `min_share` of the total and `min_ns` (else its
    largest one), largest first, with the profile pass's view of each gap where there is one."""
    variants, by_path = t.variants, t.by_path
    out = []
    for v in variants:
        prof = profiles.get(v) or {}
        by_tree_path = {(g.get("source", "main"), *g["path"]): g for g in prof.get("gaps", ()) if g.get("path")}
        found = []
        for r in rows:
            cell = r.cells.get(v)
            if not r.gap or cell is None:
                continue
            share = cell.attributed_share
            if cell.median_ns < min_ns or share is None:
                continue
            e0 = next((e for e in by_path[v].get(r.path, ()) if e is not None), None)
            tpath = e0.tree_path if e0 is not None else ()
            # a gap summed over workers is explained by the workers' sessions, an elapsed one by the main process's
            seen = by_tree_path.get(("workers" if cell.summed else "main", *tpath))
            found.append(GapRow(v, r.key, tpath, cell.median_ns, share, cell.summed,
                                None if seen is None else dict(seen), share >= min_share))
        found.sort(key=lambda g: -g.median_ns)
        large = [g for g in found if g.large]
        out.extend(large or found[:1])
    return tuple(out)


def timeline(t: Tables, wanted: str | None, max_bars: int) -> Timeline | None:
    """The median round of `wanted` (default: the last variant with worker samples) as bars per lane."""
    variants, trees, totals, keys = t.variants, t.trees, t.totals, t.keys
    def has_workers(tree: Mapping[str, Any]) -> bool:
        return any(n.get("concurrency") == "workers" and (n.get("task_samples") or n.get("samples"))
                   for n in nodes(tree))

    candidates = [wanted] if wanted else [v for v in reversed(variants) if has_workers(trees[v][0])]
    if not candidates or candidates[0] not in trees:
        return None
    v = candidates[0]
    ts = totals[v]
    mid = med(ts)
    k = min(range(len(ts)), key=lambda i: (abs(ts[i] - mid), i))
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

    entries = extract(tree, container_names([tree]))
    # ELAPSED: the own-process spans of a concurrent phase (pool_start); derived rows carry no samples
    level_of = {PARALLEL: "group", GROUP: "group", PHASE: "phase", DETAIL: "detail", ELAPSED: "phase"}
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


def arithmetic(t: Tables) -> tuple[ArithmeticCheck, ...]:
    """The checks the report prints: phase rows add up to the total (and Σ rows to their section's busy
    time) exactly, in every round."""
    variants, entries, totals, keys = t.variants, t.entries, t.totals, t.keys
    out = []
    for v in variants:
        err = 0
        sections: dict[RowPath, int] = {}
        for i, es in enumerate(entries[v]):
            elapsed = sum(e.wall for e in es if e.kind in PARTITION_KINDS and not e.summed)
            err = max(err, abs(elapsed - totals[v][i]))
            busy_of = {e.path: busy(e.node) for e in es if e.kind == PARALLEL and e.node is not None}
            for sec, b in busy_of.items():
                inner = sum(e.wall for e in es if e.kind in PARTITION_KINDS and e.section == sec)
                sections[sec] = max(sections.get(sec, 0), abs(inner - b))
        out.append(ArithmeticCheck(v, "Σ phase rows (elapsed) = total, every round", err, err == 0))
        for sec, e in sections.items():
            out.append(ArithmeticCheck(v, f"Σ phase rows inside {keys.get(sec, '/'.join(sec))} (Σ over workers) = "
                                          "its busy time, every round", e, e == 0))
    return tuple(out)


__all__ = ["arithmetic", "bottleneck", "concurrency", "counters", "fingerprints", "gaps", "journey", "predict",
           "record_checks", "summarise", "timeline"]
