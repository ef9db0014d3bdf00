"""Processors: pure functions over an exported span tree (or a :class:`SpanNode`); inputs are never mutated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from harness.processors._tree import GAP_ROWS, NO_WORKER_BUSY, UNACCOUNTED, as_tree, path_str, real_children, walk
from harness.processors.consistency import Issue, consistency_issues
from harness.processors.efficiency import efficiency, node_cpu_efficiency, node_efficiency
from harness.processors.merge import merge_traced
from harness.processors.rootgap import process_start_perf_ns, root_gap
from harness.processors.selftime import node_self_ns, self_time
from harness.processors.startup import STARTUP, WORKER_STARTUP, process_startup_ns, worker_startup_ns
from harness.processors.unaccounted import add_unaccounted, is_significant

if TYPE_CHECKING:
    from harness.node import SpanNode


def derive(tree: Mapping[str, Any] | SpanNode) -> dict[str, Any]:
    """The tree as stored in a run record: ``(unaccounted)`` rows, ``self_ns`` and ``efficiency`` added."""
    return efficiency(self_time(add_unaccounted(tree)))


__all__ = [
    "GAP_ROWS",
    "NO_WORKER_BUSY",
    "STARTUP",
    "WORKER_STARTUP",
    "UNACCOUNTED",
    "Issue",
    "add_unaccounted",
    "as_tree",
    "consistency_issues",
    "derive",
    "efficiency",
    "is_significant",
    "merge_traced",
    "node_cpu_efficiency",
    "node_efficiency",
    "node_self_ns",
    "path_str",
    "process_start_perf_ns",
    "process_startup_ns",
    "real_children",
    "root_gap",
    "self_time",
    "walk",
    "worker_startup_ns",
]
