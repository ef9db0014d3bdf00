"""`efficiency`: how well a concurrent node used its workers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from harness.processors._tree import as_tree

if TYPE_CHECKING:
    from harness.node import SpanNode


def node_efficiency(node: Mapping[str, Any]) -> float | None:
    """busy / (wall × workers) of a concurrent node; None for sequential nodes or zero wall."""
    if not node.get("concurrent"):
        return None
    wall = int(node["wall_ns"])
    workers = int(node.get("workers") or 0)
    if wall <= 0 or workers <= 0:
        return None
    return int(node.get("busy_ns", wall)) / (wall * workers)


def node_cpu_efficiency(node: Mapping[str, Any]) -> float | None:
    """Workers' CPU / (wall × workers), where the workers' CPU is known (merged worker tasks)."""
    if not node.get("concurrent") or "busy_cpu_ns" not in node:
        return None
    wall = int(node["wall_ns"])
    workers = int(node.get("workers") or 0)
    if wall <= 0 or workers <= 0:
        return None
    return int(node["busy_cpu_ns"]) / (wall * workers)


def efficiency(tree: Mapping[str, Any] | SpanNode) -> dict[str, Any]:
    """Return a copy of `tree` with ``efficiency`` (and ``cpu_efficiency`` where known) on concurrent nodes."""
    out = as_tree(tree)
    stack = [out]
    while stack:
        node = stack.pop()
        eff = node_efficiency(node)
        if eff is not None:
            node["efficiency"] = eff
            cpu_eff = node_cpu_efficiency(node)
            if cpu_eff is not None:
                node["cpu_efficiency"] = cpu_eff
        stack.extend(node.get("children", ()))
    return out
