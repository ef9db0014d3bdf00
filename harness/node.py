"""`SpanNode`: one aggregated node of the span tree (mutable while recording).

Repeated spans with the same name under the same parent aggregate into one node, as in a
profiler's call tree: `count` calls, `wall_ns` / `cpu_ns` totals, `min_ns` / `max_ns` per call and,
when the recorder keeps them, per-call samples ``(start_ns, end_ns, worker)``.

Wall time is the time *covered* by the node's calls. For calls that do not overlap (the normal,
sequential case) that is the sum of their durations. Calls that overlap (asyncio tasks, threads
sharing a context) are detected while recording; the node is then ``concurrent`` with
``busy_ns`` = the sum of the call durations and ``workers`` = the most calls seen in flight.

A node that merged work from other threads or processes (:meth:`SpanNode.merge`) is concurrent
with ``busy_ns`` = the sum of the workers' task times and ``workers`` = the number of distinct
workers; its merged children carry times summed over all workers (``remote`` = true).

Threads that share a context (``asyncio.to_thread``, ``copy_context().run``) update the same nodes
without a lock: each update is a run of attribute operations with no call in between, which the GIL
of CPython ≤ 3.12 does not interrupt; new children are created with ``dict.setdefault`` (atomic).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from time import perf_counter_ns
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.clock import CpuClock
    from harness.concurrency import Traced
    from harness.recorder import Recorder

_NO_MIN = 1 << 62
#: A merged task may start or end this far outside its call before its clock is taken as foreign.
CLOCK_SLACK_NS = 1_000_000
#: Busy intervals are coalesced when a node holds more than this many.
_COMPACT_AT = 4096

#: Values of the ``concurrency`` field of a concurrent node (see SCHEMA.md).
KIND_WORKERS = "workers"
KIND_DECLARED = "declared"
KIND_OVERLAPPING_CALLS = "overlapping-calls"
KIND_OVERLAPPING_CHILDREN = "overlapping-children"


def coalesce(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint intervals covering the same time as `intervals` (``(start, end)`` pairs)."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def interval_union(intervals: list[tuple[int, int]]) -> int:
    """Length of the union of `intervals` (ns)."""
    return sum(e - s for s, e in coalesce(intervals) if e > s)


def jsonable(value: Any) -> Any:
    """Return `value` as plain JSON data (numpy scalars unwrapped, tuples/sets as lists)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((jsonable(v) for v in value), key=repr)
    item = getattr(value, "item", None)  # numpy scalar
    if callable(item):
        try:
            return jsonable(item())
        except (TypeError, ValueError):
            pass
    tolist = getattr(value, "tolist", None)  # numpy array
    if callable(tolist):
        return jsonable(tolist())
    return repr(value)


class SpanNode:
    """One node of the span tree; also the handle yielded by ``with span(...) as s``."""

    __slots__ = (
        "name",
        "parent",
        "rec",
        "children",
        "attrs",
        "counters",
        "count",
        "wall_ns",
        "cpu_ns",
        "calls_ns",
        "min_ns",
        "max_ns",
        "samples",
        "remote",
        "framed",
        # inherited settings
        "clk",
        "hook",
        # open-call bookkeeping (while recording)
        "open",
        "u_t0",
        "u_c0",
        "open_children",
        # concurrency
        "max_open",
        "max_open_children",
        "declared_workers",
        "worker_busy_ns",
        "worker_cpu_ns",
        "worker_labels",
        "tasks",
        "task_samples",
        # union of busy intervals (for the `(no worker busy)` row)
        "busy_iv",
        "iv_foreign",
        "union_base_ns",
        "union_absorbed",
        "union_unknown",
    )

    def __init__(self, name: str, parent: SpanNode | None = None, rec: Recorder | None = None) -> None:
        self.name = name
        self.parent = parent
        self.rec = rec
        self.children: dict[str, SpanNode] = {}
        self.attrs: dict[str, Any] = {}
        self.counters: dict[str, int] = {}
        self.count = 0
        self.wall_ns = 0
        self.cpu_ns = 0
        self.calls_ns = 0
        self.min_ns = _NO_MIN
        self.max_ns = 0
        self.remote = False
        self.framed = False
        if parent is not None:
            self.clk: CpuClock | None = parent.clk
            self.hook: Any = parent.hook
            self.samples: list[tuple[int, int, str]] | None = [] if parent.samples is not None else None
        else:
            self.clk = None
            self.hook = None
            self.samples = None
        self.open = 0
        self.u_t0 = 0
        self.u_c0 = 0
        self.open_children = 0
        self.max_open = 0
        self.max_open_children = 0
        self.declared_workers = 0
        self.worker_busy_ns = 0
        self.worker_cpu_ns = 0
        self.worker_labels: dict[str, None] = {}
        self.tasks = 0
        self.task_samples: list[tuple[int, int, str]] | None = None
        #: merged tasks' (start_ns, end_ns), clipped to the call they were merged in (kept compact)
        self.busy_iv: list[tuple[int, int]] = []
        #: tasks whose times fell outside the open call: their clock is not this process's
        self.iv_foreign = 0
        #: busy union absorbed from exported dicts (`busy_union_ns`), and whether that covers the children
        self.union_base_ns = 0
        self.union_absorbed = False
        #: absorbed concurrent work without a busy union (an older record): the union is estimated
        self.union_unknown = False

    def __repr__(self) -> str:
        return f"SpanNode({self.name!r}, count={self.count}, wall_ns={self.wall_ns}, children={len(self.children)})"

    # -- handle API -------------------------------------------------------------------------------
    def set(self, **attrs: Any) -> None:
        """Set attributes on this span (last value wins across calls); ``workers=N`` declares concurrency."""
        if "workers" in attrs:
            attrs = dict(attrs)
            self.declared_workers = max(self.declared_workers, int(attrs.pop("workers")))
        self.attrs.update(attrs)

    def add(self, counter: str, n: int = 1) -> None:
        """Add `n` to a counter of this span (counters sum across calls and workers)."""
        c = self.counters
        c[counter] = c.get(counter, 0) + n

    def merge(self, traced: Traced[Any]) -> Any:
        """Merge a worker's :class:`~harness.concurrency.Traced` value under this span; return its result."""
        self.worker_busy_ns += traced.end_ns - traced.start_ns
        self._busy_interval(traced.start_ns, traced.end_ns)
        if traced.profile is not None and self.rec is not None:
            self.rec.worker_profiles.append((tuple(self.path), traced.worker, traced.profile))
        self.worker_cpu_ns += traced.cpu_ns
        self.worker_labels[traced.worker] = None
        self.tasks += 1
        keep = self.samples is not None
        if keep:
            if self.task_samples is None:
                self.task_samples = []
            self.task_samples.append((traced.start_ns, traced.end_ns, traced.worker))
        spans = traced.spans
        if spans:
            if traced.task is not None:
                self._absorb_child(spans, keep)
            else:
                for child in spans.get("children", ()):
                    self._absorb_child(child, keep)
        return traced.result

    def _busy_interval(self, start: int, end: int) -> None:
        """Keep a merged task's interval for the busy union (clipped to the open call; see `union_ns`)."""
        if self.open:
            now = self.clk.wall() if self.clk is not None else perf_counter_ns()  # the recorder's wall clock
            if start < self.u_t0 - CLOCK_SLACK_NS or end > now + CLOCK_SLACK_NS:
                self.iv_foreign += 1  # not this host's clock (or not inside this call)
            start, end = max(start, self.u_t0), min(end, now)
        if end > start:
            iv = self.busy_iv
            iv.append((start, end))
            if len(iv) > _COMPACT_AT:
                self.busy_iv = coalesce(iv)

    def busy_union(self) -> tuple[int, bool]:
        """``(ns, estimated)``: the time during which a worker of this concurrent node was busy or one of
        its own-process children ran (the union of their intervals, at most `wall_ns`).

        Exact when the intervals are known on this process's clock; otherwise estimated as
        busy / workers (+ the own-process children's wall), and flagged.
        """
        kind = self.concurrency
        wall = self.wall_ns
        estimated = self.iv_foreign > 0 or self.union_unknown
        if self.union_absorbed:
            return min(wall, self.union_base_ns + interval_union(self.busy_iv)), estimated
        ivs = list(self.busy_iv)
        local_wall = 0
        missing = False
        for c in self.children.values():
            if c.remote:
                continue
            if c.samples is not None:
                ivs.extend((s, e) for s, e, _ in c.samples)
            elif c.wall_ns:
                local_wall += c.wall_ns
                missing = True
        if kind != KIND_WORKERS and missing:  # overlapping local children without intervals
            return min(wall, self.busy_ns // max(self.workers, 1)), True
        if kind == KIND_WORKERS and self.tasks and not self.busy_iv:
            return min(wall, self.worker_busy_ns // max(self.workers, 1) + local_wall), True
        return min(wall, self.union_base_ns + interval_union(ivs) + local_wall), estimated or missing

    # -- tree building ----------------------------------------------------------------------------
    def child(self, name: str) -> SpanNode:
        """Return the child called `name`, creating it (atomically under the GIL) if needed."""
        node = self.children.get(name)
        if node is None:
            node = self.children.setdefault(name, SpanNode(name, self, self.rec))
        return node

    def _overlap(self, in_flight: int) -> None:
        if in_flight > self.max_open:
            self.max_open = in_flight

    def _children_overlap(self, in_flight: int) -> None:
        if in_flight > self.max_open_children:
            self.max_open_children = in_flight

    def _absorb_child(self, d: Mapping[str, Any], keep_samples: bool) -> None:
        if d.get("synthetic"):
            return
        node = self.child(d["name"])
        node.remote = True
        node._absorb(d, keep_samples)

    def _absorb(self, d: Mapping[str, Any], keep_samples: bool) -> None:
        """Add the numbers of an exported node dict `d` (same name) into this node, recursively."""
        wall = int(d["wall_ns"])
        count = int(d["count"])
        self.count += count
        self.wall_ns += wall
        self.cpu_ns += int(d["cpu_ns"])
        if count:
            mn = d.get("min_ns")
            mx = d.get("max_ns")
            self.min_ns = min(self.min_ns, int(mn if mn is not None else wall))
            self.max_ns = max(self.max_ns, int(mx if mx is not None else wall))
        self.attrs.update(d.get("attrs") or {})
        for k, v in (d.get("counters") or {}).items():
            self.counters[k] = self.counters.get(k, 0) + int(v)
        if d.get("remote"):
            self.remote = True
        kind = d.get("concurrency") if d.get("concurrent") else None
        if kind is not None and kind != KIND_OVERLAPPING_CALLS:
            if "busy_union_ns" in d:
                self.union_base_ns += int(d["busy_union_ns"])
                self.union_absorbed = True
            else:
                self.union_unknown = True
            if d.get("union_estimated"):
                self.union_unknown = True
        busy = int(d.get("busy_ns", wall))
        workers = int(d.get("workers", 0))
        if kind == KIND_OVERLAPPING_CALLS:
            self.calls_ns += busy
            self.max_open = max(self.max_open, workers)
        else:
            self.calls_ns += wall
        if kind == KIND_OVERLAPPING_CHILDREN:
            self.max_open_children = max(self.max_open_children, workers)
        elif kind in (KIND_WORKERS, KIND_DECLARED):
            if d.get("tasks") or d.get("worker_labels"):
                self.worker_busy_ns += busy
                self.worker_cpu_ns += int(d.get("busy_cpu_ns", 0))
                self.tasks += int(d.get("tasks", 0))
                for label in d.get("worker_labels") or ():
                    self.worker_labels[label] = None
            if kind == KIND_DECLARED or d.get("declared_workers"):
                self.declared_workers = max(self.declared_workers, int(d.get("declared_workers", workers)))
        if keep_samples:
            if d.get("samples"):
                if self.samples is None:
                    self.samples = []
                self.samples.extend((int(s), int(e), str(w)) for s, e, w in d["samples"])
            if d.get("task_samples"):
                if self.task_samples is None:
                    self.task_samples = []
                self.task_samples.extend((int(s), int(e), str(w)) for s, e, w in d["task_samples"])
        for c in d.get("children", ()):
            if c.get("synthetic"):
                continue
            child = self.child(c["name"])
            if self.remote:
                child.remote = True
            child._absorb(c, keep_samples)

    # -- derived values ---------------------------------------------------------------------------
    @property
    def concurrency(self) -> str | None:
        """Why this node is concurrent (a ``KIND_*`` value), or None for a sequential node."""
        if self.tasks or self.worker_labels:
            return KIND_WORKERS
        if self.declared_workers:
            return KIND_DECLARED
        if self.max_open > 1:
            return KIND_OVERLAPPING_CALLS
        if self.max_open_children > 1:
            return KIND_OVERLAPPING_CHILDREN
        return None

    @property
    def concurrent(self) -> bool:
        """True when this node's work (or its children's) ran concurrently: no sequential gap applies."""
        return self.concurrency is not None

    @property
    def busy_ns(self) -> int:
        """Sum of the concurrent work's durations (equals `wall_ns` for a sequential node)."""
        kind = self.concurrency
        if kind == KIND_WORKERS:
            return self.worker_busy_ns
        if kind == KIND_OVERLAPPING_CALLS:
            return self.calls_ns
        if kind in (KIND_DECLARED, KIND_OVERLAPPING_CHILDREN):
            return sum(c.wall_ns for c in self.children.values())
        return self.wall_ns

    @property
    def workers(self) -> int:
        """Number of workers that did this node's concurrent work (1 for a sequential node)."""
        kind = self.concurrency
        if kind == KIND_WORKERS:
            return max(len(self.worker_labels), self.declared_workers)
        if kind == KIND_DECLARED:
            return self.declared_workers
        if kind == KIND_OVERLAPPING_CALLS:
            return self.max_open
        if kind == KIND_OVERLAPPING_CHILDREN:
            return self.max_open_children
        return 1

    @property
    def path(self) -> list[str]:
        """Names from the root down to this node."""
        names: list[str] = []
        node: SpanNode | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return names[::-1]

    def walk(self) -> Iterator[SpanNode]:
        """This node and all descendants, depth first, in execution order."""
        yield self
        for c in self.children.values():
            yield from c.walk()

    # -- export -----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready export of this node and its subtree (no derived rows)."""
        d: dict[str, Any] = {
            "name": self.name,
            "wall_ns": self.wall_ns,
            "cpu_ns": self.cpu_ns,
            "count": self.count,
            "min_ns": self.min_ns if self.count else 0,
            "max_ns": self.max_ns,
            "attrs": jsonable(self.attrs),
            "counters": dict(self.counters),
        }
        kind = self.concurrency
        d["concurrent"] = kind is not None
        if kind is not None:
            d["concurrency"] = kind
            d["busy_ns"] = self.busy_ns
            d["workers"] = self.workers
            if self.declared_workers:
                d["declared_workers"] = self.declared_workers
            if kind == KIND_WORKERS:
                d["busy_cpu_ns"] = self.worker_cpu_ns
                d["tasks"] = self.tasks
                d["worker_labels"] = list(self.worker_labels)
            if kind != KIND_OVERLAPPING_CALLS:
                union, estimated = self.busy_union()
                d["busy_union_ns"] = union
                if estimated:
                    d["union_estimated"] = True
        if self.remote:
            d["remote"] = True
        if self.open:
            d["open"] = self.open
        if self.samples is not None:
            d["samples"] = [list(s) for s in self.samples]
        if self.task_samples is not None:
            d["task_samples"] = [list(s) for s in self.task_samples]
        d["children"] = [c.to_dict() for c in self.children.values()]
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SpanNode:
        """Rebuild a node tree from :meth:`to_dict` output; derived ``(unaccounted)`` rows are skipped."""
        node = cls(d["name"])
        keep = "samples" in d
        if keep:
            node.samples = []
        node._absorb(d, keep_samples=True)
        return node


__all__ = [
    "CLOCK_SLACK_NS",
    "KIND_DECLARED",
    "KIND_OVERLAPPING_CALLS",
    "KIND_OVERLAPPING_CHILDREN",
    "KIND_WORKERS",
    "SpanNode",
    "coalesce",
    "interval_union",
    "jsonable",
]
