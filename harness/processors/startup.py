"""Start-up as elapsed time: the ``(worker start-up)`` row of a concurrent node and the run's ``(startup)``.

- ``(worker start-up)``: under a concurrent node whose workers ran spans marked ``startup=True``
  (``span("worker_setup", startup=True)``), the elapsed time during which at least one worker was in
  such a span while no worker did anything else (per worker: its task intervals minus its start-up
  spans). It needs per-call samples (recorder ``keep_samples=True``); without them there is no row.
- ``(startup)``: from the process's start to the root span's first entry, for the first recorder a
  process enters (``process.startup_ns``); later recorders of one process (the runs of a comparison)
  have none, since their process was already running.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from harness.node import coalesce, interval_union
from harness.processors._tree import WORKER_STARTUP, real_children

#: Name of the record-level row from the process start to the root span.
STARTUP = "(startup)"

Interval = tuple[int, int]


def _subtract(a: Iterable[Interval], b: list[Interval]) -> list[Interval]:
    """`a` minus the (sorted, disjoint) intervals `b`."""
    out: list[Interval] = []
    for s, e in a:
        cur = s
        for bs, be in b:
            if be <= cur or bs >= e:
                continue
            if bs > cur:
                out.append((cur, bs))
            cur = max(cur, be)
        if cur < e:
            out.append((cur, e))
    return out


def is_startup(node: Mapping[str, Any]) -> bool:
    """A span marked as start-up work (``startup=True`` among its attributes)."""
    return bool((node.get("attrs") or {}).get("startup"))


def worker_startup_ns(node: Mapping[str, Any]) -> int | None:
    """Elapsed ns of a concurrent node during which its workers were only starting up (None: no data)."""
    tasks = node.get("task_samples")
    setup = [c for c in real_children(node) if c.get("remote") and is_startup(c)]
    if not tasks or not setup or any(not c.get("samples") for c in setup):
        return None
    by_worker: dict[str, list[Interval]] = {}
    for c in setup:
        for s in c["samples"]:
            by_worker.setdefault(str(s[2]) if len(s) > 2 else "", []).append((int(s[0]), int(s[1])))
    work: list[Interval] = []
    for s in tasks:
        mine = coalesce(by_worker.get(str(s[2]) if len(s) > 2 else "", []))
        work += _subtract([(int(s[0]), int(s[1]))], mine)
    setup_union = coalesce([iv for ivs in by_worker.values() for iv in ivs])
    return interval_union(_subtract(setup_union, coalesce(work)))


def startup_row(node: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``(worker start-up)`` row of a concurrent node, or None."""
    ns = worker_startup_ns(node)
    if ns is None:
        return None
    wall = int(node["wall_ns"])
    return {
        "name": WORKER_STARTUP,
        "wall_ns": ns,
        "cpu_ns": 0,
        "count": int(node["count"]),
        "synthetic": True,
        "elapsed_only": True,
        "share": (ns / wall) if wall > 0 else 0.0,
        "significant": ns > 0,
        "children": [],
    }


def process_startup_ns(record: Mapping[str, Any]) -> int | None:
    """``process.startup_ns`` of a run record: process start -> root span (None when not recorded)."""
    proc = record.get("process") or {}
    value = proc.get("startup_ns")
    return None if value is None else int(value)


__all__ = ["STARTUP", "WORKER_STARTUP", "is_startup", "process_startup_ns", "startup_row", "worker_startup_ns"]
