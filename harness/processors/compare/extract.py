"""Extraction: every run record's span tree cut into rows, and the rows of all variants aligned.

See the package docstring (`harness.processors.compare`) for what phase rows, detail rows and Σ rows are.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.processors import (
    GAP_ROWS,
    STARTUP,
    UNACCOUNTED,
    WORKER_STARTUP,
    derive,
    process_startup_ns,
    real_children,
)

RowPath = tuple[str, ...]

#: Row kinds. Phase rows (``partition``): phase, unaccounted, parallel. Others: group, detail, detail-unaccounted,
#: elapsed (elapsed time inside a concurrent node: its ``(no worker busy)`` and ``(worker start-up)`` rows and
#: the spans its own process ran, e.g. ``pool_start``; and the run's ``(startup)``, before the root).
PHASE, UNACC_KIND, PARALLEL, GROUP, DETAIL, DETAIL_UNACC, ELAPSED = (
    "phase",
    "unaccounted",
    "parallel",
    "group",
    "detail",
    "detail-unaccounted",
    "elapsed",
)
PARTITION_KINDS = frozenset({PHASE, UNACC_KIND, PARALLEL})


@dataclass
class Entry:
    path: RowPath  # normalised: root and concurrent containers left out
    tree_path: RowPath  # the node's path in the tree (for (unaccounted): its parent's path)
    name: str
    kind: str
    depth: int
    wall: int
    cpu: int
    summed: bool  # a sum over concurrent work (some ancestor is concurrent)
    section: RowPath | None  # nearest concurrent ancestor (normalised path) when summed
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


def busy(node: Mapping[str, Any]) -> int:
    return int(node.get("busy_ns", node["wall_ns"]))


def own_process(node: Mapping[str, Any], child: Mapping[str, Any]) -> bool:
    """Whether `child` of a concurrent `node` ran in the node's own process (elapsed, not Σ over workers)."""
    return bool(node.get("concurrent")) and not child.get("remote") and not node.get("remote")


def _elapsed_row(c: Mapping[str, Any]) -> bool:
    """A derived row holding elapsed time inside a concurrent node (not a sequential gap)."""
    return bool(c.get("synthetic")) and c.get("name") not in (None, UNACCOUNTED)


def extract(tree: Mapping[str, Any], containers: Collection[str]) -> list[Entry]:
    """Rows of one derived tree, depth first (a parent before its children, ``(unaccounted)`` last)."""
    out: list[Entry] = []

    def elapsed(node: Mapping[str, Any], c: Mapping[str, Any], npath: RowPath, tpath: RowPath, depth: int,
                summed: bool, section: RowPath | None) -> None:
        name = str(c["name"])
        ctp = tpath if c.get("synthetic") else (*tpath, name)
        out.append(Entry((*npath, name), ctp, name, ELAPSED, depth, int(c["wall_ns"]), int(c["cpu_ns"]), summed,
                         section, c))

    def gap_row(node: Mapping[str, Any], npath: RowPath, tpath: RowPath, kind: str, depth: int) -> None:
        kids = [c for c in real_children(node) if not own_process(node, c)]
        gap = busy(node) - sum(int(c["wall_ns"]) for c in kids)
        cpu_gap = int(node.get("busy_cpu_ns", node["cpu_ns"])) - sum(int(c["cpu_ns"]) for c in kids)
        out.append(Entry((*npath, UNACCOUNTED), tpath, UNACCOUNTED, kind, depth, gap, cpu_gap, True, npath, None))

    def details(node: Mapping[str, Any], npath: RowPath, tpath: RowPath, summed: bool,
                section: RowPath | None, depth: int) -> None:
        concurrent = bool(node.get("concurrent"))
        c_summed, c_section = summed or concurrent, (npath if concurrent else section)
        for c in node.get("children", ()):
            if _elapsed_row(c):
                elapsed(node, c, npath, tpath, depth, summed, section)
                continue
            if c.get("synthetic"):
                out.append(Entry((*npath, UNACCOUNTED), tpath, UNACCOUNTED, DETAIL_UNACC, depth, int(c["wall_ns"]),
                                  int(c["cpu_ns"]), c_summed, c_section, c))
                continue
            cp, ctp = (*npath, str(c["name"])), (*tpath, str(c["name"]))
            mine = own_process(node, c)
            k_summed, k_section = (summed, section) if mine else (c_summed, c_section)
            out.append(Entry(cp, ctp, str(c["name"]), DETAIL, depth, int(c["wall_ns"]), int(c["cpu_ns"]), k_summed,
                              k_section, c))
            details(c, cp, ctp, k_summed, k_section, depth + 1)
        if concurrent and real_children(node):
            gap_row(node, npath, tpath, DETAIL_UNACC, depth)

    def expand(node: Mapping[str, Any], npath: RowPath, tpath: RowPath, summed: bool,
               section: RowPath | None) -> None:
        concurrent = bool(node.get("concurrent")) and bool(npath)
        base = npath[:-1] if concurrent else npath  # a concurrent container is left out of its children's paths
        c_summed, c_section = summed or concurrent, (npath if concurrent else section)
        kids = list(node.get("children", ()))
        if concurrent:  # a section's elapsed rows (pool_start, its gaps, start-up) first, then its Σ rows
            kids.sort(key=lambda c: not (_elapsed_row(c) or own_process(node, c)))
        for c in kids:
            if _elapsed_row(c) or (concurrent and own_process(node, c)):
                elapsed(node, c, npath, tpath, 0, summed, section)
                if not c.get("synthetic"):
                    details(c, (*npath, str(c["name"])), (*tpath, str(c["name"])), summed, section, 1)
                continue
            if c.get("synthetic"):
                out.append(Entry((*base, UNACCOUNTED), tpath, UNACCOUNTED, UNACC_KIND, 0, int(c["wall_ns"]),
                                  int(c["cpu_ns"]), c_summed, c_section, c))
                continue
            name = str(c["name"])
            cp, ctp = (*base, name), (*tpath, name)
            wall, cpu = int(c["wall_ns"]), int(c["cpu_ns"])
            if name in containers and real_children(c):
                kind = PARALLEL if c.get("concurrent") else GROUP
                out.append(Entry(cp, ctp, name, kind, 0, wall, cpu, c_summed, c_section, c))
                expand(c, cp, ctp, c_summed, c_section)
            else:
                out.append(Entry(cp, ctp, name, PHASE, 0, wall, cpu, c_summed, c_section, c))
                details(c, cp, ctp, c_summed, c_section, 1)
        if concurrent and real_children(node):
            gap_row(node, npath, tpath, UNACC_KIND, 0)

    expand(tree, (), (str(tree["name"]),), False, None)
    return out


def startup_entries(record: Mapping[str, Any]) -> list[Entry]:
    """The run's ``(startup)`` row (process start -> root span) when its record has one."""
    ns = process_startup_ns(record)
    if ns is None:
        return []
    return [Entry((STARTUP,), (STARTUP,), STARTUP, ELAPSED, 0, ns, 0, False, None, None)]


def assign_keys(paths: Sequence[RowPath], root_name: str) -> dict[RowPath, str]:
    """The shortest unambiguous ``/``-joined path suffix of every path (``(unaccounted)`` keeps its parent)."""
    length = {p: (2 if p[-1] in (*GAP_ROWS, WORKER_STARTUP) else 1) for p in paths}

    def key(p: RowPath) -> str:
        if p == (UNACCOUNTED,):
            return f"{root_name}/{UNACCOUNTED}"
        return "/".join(p[-length[p]:])

    for _ in range(64):
        seen: dict[str, list[RowPath]] = {}
        for p in paths:
            seen.setdefault(key(p), []).append(p)
        clashes = [ps for ps in seen.values() if len(ps) > 1]
        if not clashes:
            break
        for ps in clashes:
            for p in ps:
                length[p] = min(len(p), length[p] + 1)
    return {p: key(p) for p in paths}


def merge_order(orders: Sequence[Sequence[RowPath]]) -> list[RowPath]:
    """One row order for all variants: the first order, with new paths inserted after their predecessor."""
    merged: list[RowPath] = []
    for order in orders:
        for i, p in enumerate(order):
            if p in merged:
                continue
            prev = next((q for q in reversed(order[:i]) if q in merged), None)
            merged.insert(0 if prev is None else merged.index(prev) + 1, p)
    return merged



def _record_dict(record: Any) -> dict[str, Any]:
    data = getattr(record, "data", None)  # LoadedRecord
    if isinstance(data, Mapping):
        return dict(data)
    if isinstance(record, Mapping):
        return dict(record)
    to_dict = getattr(record, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise TypeError(f"not a run record: {type(record).__name__}")


def nodes(tree: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """`tree` and every node below it, depth first."""
    out = [tree]
    for c in tree.get("children", ()):
        out.extend(nodes(c))
    return out


@dataclass(frozen=True)
class Tables:
    """The extracted rows of every variant and round, aligned on one row order (the processor's input)."""

    variants: tuple[str, ...]
    data: dict[str, list[dict[str, Any]]]  # the records
    trees: dict[str, list[dict[str, Any]]]  # derived trees
    entries: dict[str, list[list[Entry]]]  # per variant, per round: the extracted rows
    containers: frozenset[str]
    order: tuple[RowPath, ...]  # one row order for all variants
    keys: dict[RowPath, str]
    rounds: dict[str, int]
    totals: dict[str, list[int]]
    total_cpu: dict[str, list[int]]
    by_path: dict[str, dict[RowPath, list[Entry | None]]]  # variant -> path -> entry per round (None: absent)

    def samples(self, v: str, path: RowPath, cpu: bool = False) -> list[int]:
        """Per-round wall (or CPU) ns of a row; 0 in rounds that lack it; [] if the variant never has it."""
        slot = self.by_path[v].get(path)
        if slot is None:
            return []
        return [0 if e is None else (e.cpu if cpu else e.wall) for e in slot]

    def first(self, v: str, path: RowPath) -> Entry | None:
        """The row's entry in the first round that has it."""
        return next((e for e in self.by_path[v].get(path, ()) if e is not None), None)

    def any_entry(self, path: RowPath) -> Entry | None:
        """The row's first entry in any variant."""
        for table in self.by_path.values():
            for e in table.get(path, ()):
                if e is not None:
                    return e
        return None


def _by_path(entries: Sequence[Sequence[Entry]], rounds: int) -> dict[RowPath, list[Entry | None]]:
    table: dict[RowPath, list[Entry | None]] = {}
    for i, es in enumerate(entries):
        for e in es:
            slot = table.setdefault(e.path, [None] * rounds)
            prev = slot[i]
            if prev is None:
                slot[i] = e
            else:  # the same normalised path twice in one tree (unusual): add up
                slot[i] = Entry(prev.path, prev.tree_path, prev.name, prev.kind, prev.depth, prev.wall + e.wall,
                                prev.cpu + e.cpu, prev.summed, prev.section, prev.node)
    return table


def build_tables(records: Mapping[str, Sequence[Any]], baseline: str,
                 containers: Collection[str] | None = None) -> Tables:
    """Extract and align the rows of every record (`records` in display order; `baseline` among them)."""
    variants = tuple(records)
    data: dict[str, list[dict[str, Any]]] = {}
    for v in variants:
        recs = [_record_dict(r) for r in records[v]]
        if not recs:
            raise ValueError(f"variant {v!r} has no records")
        data[v] = recs
    trees = {v: [derive(r["tree"]) for r in recs] for v, recs in data.items()}
    all_trees = [t for ts in trees.values() for t in ts]
    names = frozenset(containers) if containers is not None else frozenset(container_names(all_trees))
    # the run's (startup) only where every run of the variant had its own process (a comparison's runs share one)
    own = {v: all(process_startup_ns(r) is not None for r in data[v]) for v in variants}
    entries = {v: [(startup_entries(r) if own[v] else []) + extract(t, names) for t, r in zip(ts, data[v], strict=True)]
               for v, ts in trees.items()}
    rounds = {v: len(ts) for v, ts in trees.items()}
    order = merge_order([[e.path for e in es] for v in [baseline, *variants] for es in entries[v]])
    return Tables(
        variants=variants, data=data, trees=trees, entries=entries, containers=names, order=tuple(order),
        keys=assign_keys(order, str(all_trees[0]["name"])), rounds=rounds,
        totals={v: [int(t["wall_ns"]) for t in ts] for v, ts in trees.items()},
        total_cpu={v: [int(t["cpu_ns"]) for t in ts] for v, ts in trees.items()},
        by_path={v: _by_path(entries[v], rounds[v]) for v in variants},
    )


__all__ = ["DETAIL", "DETAIL_UNACC", "ELAPSED", "GROUP", "PARALLEL", "PARTITION_KINDS", "PHASE", "UNACC_KIND",
           "Entry", "Tables",
           "build_tables", "busy", "container_names", "extract", "nodes"]
